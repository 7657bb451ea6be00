package io.trent.core.service;

import io.trent.core.auth.RequestScope;
import io.trent.core.KmsPolicy;
import io.trent.core.api.KeyRotations;
import io.trent.core.api.RotationStatus;
import io.trent.core.catalog.KeyCatalog;
import io.trent.core.catalog.KeyResolver;
import io.trent.core.catalog.KeyUsePolicy;
import io.trent.core.error.InvalidMarkerException;
import io.trent.core.error.KmsException;
import io.trent.core.error.KmsUnsupportedOperationException;
import io.trent.core.error.LimitExceededException;
import io.trent.core.key.KeyMaterial;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeySpec;
import io.trent.core.key.KeyState;
import io.trent.core.key.KmsKey;
import io.trent.core.key.Origin;
import io.trent.core.key.RotationType;
import io.trent.core.spi.KeyBackend;
import io.trent.core.spi.MetadataUnavailableException;
import io.trent.core.spi.Page;
import io.trent.core.validation.ShapeValidator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Key rotation: every rotation generates new AES-256 material in the HSM and makes it current; old
 * material stays, so every old ciphertext (which names its material) still decrypts.
 */
public final class RotationService {
  static final int DEFAULT_PERIOD_DAYS = 365;
  private final KeyCatalog catalog;
  private final KeyResolver resolver;
  private final KeyBackend backend;
  private final Clock clock;
  private final KmsPolicy policy;

  RotationService(KeyCatalog catalog, KeyResolver resolver, KeyBackend backend, Clock clock,
      KmsPolicy policy) {
    this.catalog = catalog;
    this.resolver = resolver;
    this.backend = backend;
    this.clock = clock;
    this.policy = policy;
  }

  public void enableKeyRotation(RequestScope scope, String keyId, Integer rotationPeriodInDays) {
    ShapeValidator.create().keyId("keyId", keyId, true).range("rotationPeriodInDays", rotationPeriodInDays, 90, 2560).validate();
    KmsKey key = rotatableKey(scope, keyId);
    int days = rotationPeriodInDays == null ? DEFAULT_PERIOD_DAYS : rotationPeriodInDays;
    catalog.updateKey(key.keyId(), k -> k.withRotation(days, now().plus(Duration.ofDays(days))));
  }

  public void disableKeyRotation(RequestScope scope, String keyId) {
    ShapeValidator.create().keyId("keyId", keyId, true).validate();
    KmsKey key = rotatableKey(scope, keyId);
    catalog.updateKey(key.keyId(), k -> k.withRotation(null, null));
  }

  /**
   * GetKeyRotationStatus: as in AWS, an imported key is refused, while asymmetric and HMAC keys,
   * which cannot rotate, and keys pending deletion read as not rotating.
   */
  public RotationStatus getKeyRotationStatus(RequestScope scope, String keyId) {
    ShapeValidator.create().keyId("keyId", keyId, true).validate();
    KmsKey key = resolver.resolveKeyOnly(scope, keyId);
    String arn = key.arn().value();
    requireKmsOrigin(key, arn);
    if (key.state() == KeyState.PendingDeletion || key.rotationPeriodDays() == null
        || key.keySpec() != KeySpec.SYMMETRIC_DEFAULT) {
      return new RotationStatus(key.keyId(), arn, false, null, null);
    }
    return new RotationStatus(key.keyId(), arn, true, key.rotationPeriodDays(), key.nextRotationDate());
  }

  /** RotateKeyOnDemand: checks in AWS's order, then a new material now. */
  public String rotateKeyOnDemand(RequestScope scope, String keyId) {
    ShapeValidator.create().keyId("keyId", keyId, true).validate();
    KmsKey key = rotatableKey(scope, keyId);
    String arn = key.arn().value();
    requireOnDemandRotationLeft(key, arn);
    rotate(key.keyId(), RotationType.ON_DEMAND, UnaryOperator.identity());
    return arn;
  }

  /** The count is stored with the key (a restart does not reset it) and checked again when the rotation is stored. */
  private void requireOnDemandRotationLeft(KmsKey key, String arn) {
    if (key.onDemandRotations() >= policy.maxOnDemandRotations()) {
      throw new LimitExceededException("The on-demand rotations limit has been reached for the given keyId. "
          + "No more on-demand rotations can be performed for this key: " + arn);
    }
  }

  /** ListKeyRotations: every rotation (not the key's first material), oldest first. */
  public KeyRotations listKeyRotations(RequestScope scope, String keyId, Integer limit, String marker) {
    ShapeValidator.create().keyId("keyId", keyId, true).range("limit", limit, 1, 1000).marker("marker", marker).validate();
    KmsKey key = resolver.resolveKeyOnly(scope, keyId);
    String arn = key.arn().value();
    requireSymmetricSpec(key, arn);
    List<KeyMaterial> rotations = key.materials().stream().filter(m -> m.rotationType() != null).toList();
    int start = 0;
    if (marker != null) {
      try {
        start = Integer.parseInt(marker);
      } catch (NumberFormatException e) {
        throw new InvalidMarkerException("Invalid marker");
      }
      if (start <= 0 || start > rotations.size()) {
        throw new InvalidMarkerException("Invalid marker");
      }
    }
    int end = Math.min(rotations.size(), start + (limit == null ? 100 : limit));
    return new KeyRotations(arn, new Page<>(rotations.subList(start, end), end < rotations.size() ? String.valueOf(end) : null));
  }

  /**
   * Scheduled rotation: rotates an enabled key whose date has come and sets the next date.
   *
   * @return the new current material, or null when the key was not rotated
   */
  KeyMaterialId rotateAutomatically(KmsKey key) {
    if (key.state() != KeyState.Enabled || key.rotationPeriodDays() == null) {
      return null;
    }
    int days = key.rotationPeriodDays();
    // The next date in the same write as the new material: a crash between two writes would rotate it twice.
    return rotate(key.keyId(), RotationType.AUTOMATIC, k -> k.withRotation(days, now().plus(Duration.ofDays(days))));
  }

  /**
   * Rotation forced by the AES-GCM encryption budget: only a key with generated material (imported
   * material is the customer's to replace), and only if {@code exhausted} is still its current material.
   */
  void rotateForUsage(String keyId, KeyMaterialId exhausted) {
    KmsKey key = catalog.findKey(keyId).orElse(null);
    if (key == null || key.origin() != Origin.AWS_KMS
        || !key.currentMaterial().map(m -> m.id().equals(exhausted)).orElse(false)) {
      return;
    }
    rotate(keyId, RotationType.AUTOMATIC, UnaryOperator.identity());
  }

  /**
   * Generates new material in the HSM and makes it current (imported keys never get generated material), with
   * {@code alsoChange} applied in the same write.
   */
  private KeyMaterialId rotate(String keyId, RotationType type, UnaryOperator<KmsKey> alsoChange) {
    KeyMaterialId materialId = KeyMaterialId.of(backend.generateRandom(KeyMaterialId.LENGTH));
    backend.createSymmetricKey(materialId, keyId);
    KeyMaterial material = new KeyMaterial(materialId, now(), true, type, 0);
    CrashPoint.reached(CrashPoint.ROTATE);
    try {
      catalog.updateKey(keyId, k -> {
        if (k.origin() != Origin.AWS_KMS) {
          throw new KmsUnsupportedOperationException(k.arn().value() + " origin is " + k.origin()
              + " which is not valid for this operation.");
        }
        KmsKey rotated = alsoChange.apply(k.withNewCurrentMaterial(material));
        if (type != RotationType.ON_DEMAND) {
          return rotated;
        }
        // Again under the catalog's write lock: two concurrent requests must not both take the last one.
        requireOnDemandRotationLeft(k, k.arn().value());
        return rotated.withOnDemandRotations(k.onDemandRotations() + 1);
      });
      return materialId;
    } catch (MetadataUnavailableException e) {
      // The update may have committed, and another node may already encrypt under the new material: keep it.
      // If it did not commit, reconciliation reports the object as an uncommitted rotation.
      throw e;
    } catch (RuntimeException e) {
      try {
        backend.destroyKey(materialId);
      } catch (KmsException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private KmsKey rotatableKey(RequestScope scope, String keyId) {
    KmsKey key = resolver.resolveKeyOnly(scope, keyId);
    String arn = key.arn().value();
    KeyUsePolicy.requireEnabled(key, arn);
    if (key.keySpec() != KeySpec.SYMMETRIC_DEFAULT) {
      throw new KmsUnsupportedOperationException(); // AWS sends no message here
    }
    requireKmsOrigin(key, arn);
    return key;
  }

  private static void requireKmsOrigin(KmsKey key, String arn) {
    if (key.origin() != Origin.AWS_KMS) {
      throw new KmsUnsupportedOperationException(arn + " origin is " + key.origin() + " which is not valid for this operation.");
    }
  }

  private static void requireSymmetricSpec(KmsKey key, String arn) {
    if (key.keySpec() != KeySpec.SYMMETRIC_DEFAULT) {
      throw new KmsUnsupportedOperationException(arn + " key spec is " + key.keySpec() + " which is not valid for this operation.");
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
