package io.trent.core.service;

import io.trent.core.auth.RequestScope;
import io.trent.core.api.CreateKeyRequest;
import io.trent.core.api.ScheduleKeyDeletionResult;
import io.trent.core.catalog.KeyCatalog;
import io.trent.core.catalog.KeyResolver;
import io.trent.core.error.DependencyTimeoutException;
import io.trent.core.error.KmsException;
import io.trent.core.error.KmsInternalException;
import io.trent.core.error.KmsInvalidStateException;
import io.trent.core.error.KmsUnsupportedOperationException;
import io.trent.core.error.ValidationException;
import io.trent.core.key.KeyDestruction;
import io.trent.core.key.AccountRegion;
import io.trent.core.key.KeyMaterial;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeySpec;
import io.trent.core.key.KeyState;
import io.trent.core.key.KeyUsage;
import io.trent.core.key.KmsKey;
import io.trent.core.key.Origin;
import io.trent.core.key.Tag;
import io.trent.core.spi.KeyBackend;
import io.trent.core.spi.MetadataUnavailableException;
import io.trent.core.spi.Page;
import io.trent.core.validation.ShapeValidator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The key lifecycle: CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey, ScheduleKeyDeletion
 * and CancelKeyDeletion.
 */
public final class KeyService {
  private static final Map<KeySpec, Set<KeyUsage>> COMPATIBLE_USAGES = Map.ofEntries(
      Map.entry(KeySpec.SYMMETRIC_DEFAULT, EnumSet.of(KeyUsage.ENCRYPT_DECRYPT)),
      Map.entry(KeySpec.RSA_2048, EnumSet.of(KeyUsage.ENCRYPT_DECRYPT, KeyUsage.SIGN_VERIFY)),
      Map.entry(KeySpec.RSA_3072, EnumSet.of(KeyUsage.ENCRYPT_DECRYPT, KeyUsage.SIGN_VERIFY)),
      Map.entry(KeySpec.RSA_4096, EnumSet.of(KeyUsage.ENCRYPT_DECRYPT, KeyUsage.SIGN_VERIFY)),
      Map.entry(KeySpec.ECC_NIST_P256, EnumSet.of(KeyUsage.SIGN_VERIFY, KeyUsage.KEY_AGREEMENT)),
      Map.entry(KeySpec.ECC_NIST_P384, EnumSet.of(KeyUsage.SIGN_VERIFY, KeyUsage.KEY_AGREEMENT)),
      Map.entry(KeySpec.ECC_NIST_P521, EnumSet.of(KeyUsage.SIGN_VERIFY, KeyUsage.KEY_AGREEMENT)),
      Map.entry(KeySpec.ECC_SECG_P256K1, EnumSet.of(KeyUsage.SIGN_VERIFY)),
      Map.entry(KeySpec.HMAC_224, EnumSet.of(KeyUsage.GENERATE_VERIFY_MAC)),
      Map.entry(KeySpec.HMAC_256, EnumSet.of(KeyUsage.GENERATE_VERIFY_MAC)),
      Map.entry(KeySpec.HMAC_384, EnumSet.of(KeyUsage.GENERATE_VERIFY_MAC)),
      Map.entry(KeySpec.HMAC_512, EnumSet.of(KeyUsage.GENERATE_VERIFY_MAC)),
      Map.entry(KeySpec.SM2, EnumSet.of(KeyUsage.ENCRYPT_DECRYPT, KeyUsage.SIGN_VERIFY, KeyUsage.KEY_AGREEMENT)),
      Map.entry(KeySpec.ECC_NIST_EDWARDS25519, EnumSet.of(KeyUsage.SIGN_VERIFY)),
      Map.entry(KeySpec.ML_DSA_44, EnumSet.of(KeyUsage.SIGN_VERIFY)),
      Map.entry(KeySpec.ML_DSA_65, EnumSet.of(KeyUsage.SIGN_VERIFY)),
      Map.entry(KeySpec.ML_DSA_87, EnumSet.of(KeyUsage.SIGN_VERIFY)));

  private final KeyCatalog catalog;
  private final KeyResolver resolver;
  private final KeyBackend backend;
  private final Clock clock;
  private final KeyPolicyRules policyRules;

  KeyService(KeyCatalog catalog, KeyResolver resolver, KeyBackend backend, Clock clock,
      KeyPolicyRules policyRules) {
    this.catalog = catalog;
    this.resolver = resolver;
    this.backend = backend;
    this.clock = clock;
    this.policyRules = policyRules;
  }

  /**
   * CreateKey, authorized as the account-level {@code kms:CreateKey}. A key created without a policy gets
   * the default key policy; one given is checked (grammar, size, and, unless bypassed, that the scope's
   * caller could still call PutKeyPolicy) and stored exactly as given.
   */
  public KmsKey createKey(RequestScope scope, CreateKeyRequest request) {
    ShapeValidator.create()
        .length("policy", request.policy(), 1, 131072)
        .length("description", request.description(), 0, 8192)
        .enumValue("keyUsage", request.keyUsage(), KeyUsage.class, KeyUsage.AWS_ENUM_SET)
        .enumValue("customerMasterKeySpec", request.customerMasterKeySpec(), KeySpec.class, KeySpec.AWS_ENUM_SET)
        .enumValue("keySpec", request.keySpec(), KeySpec.class, KeySpec.AWS_ENUM_SET)
        .enumValue("origin", request.origin(), Origin.class, Origin.AWS_ENUM_SET)
        .length("customKeyStoreId", request.customKeyStoreId(), 1, 64)
        .validate();
    resolver.authorizeAccount(scope);
    if (request.keySpec() != null && request.customerMasterKeySpec() != null) {
      throw new ValidationException("You cannot specify KeySpec and CustomerMasterKeySpec in the same request. "
          + "CustomerMasterKeySpec parameter is deprecated. Use KeySpec.");
    }
    String specName = request.keySpec() != null ? request.keySpec() : request.customerMasterKeySpec();
    KeySpec spec = specName == null ? KeySpec.SYMMETRIC_DEFAULT : KeySpec.valueOf(specName);
    if (request.keyUsage() == null && spec != KeySpec.SYMMETRIC_DEFAULT) {
      throw new ValidationException("You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.");
    }
    KeyUsage usage = request.keyUsage() == null ? KeyUsage.ENCRYPT_DECRYPT : KeyUsage.valueOf(request.keyUsage());
    if (!COMPATIBLE_USAGES.get(spec).contains(usage)) {
      throw new ValidationException("KeyUsage " + usage + " is not compatible with KeySpec " + spec);
    }
    List<Tag> tags = TagRules.validate(request.tags());
    Origin origin = request.origin() == null ? Origin.AWS_KMS : Origin.valueOf(request.origin());
    if (request.customKeyStoreId() != null || request.xksKeyId() != null
        || (origin != Origin.AWS_KMS && origin != Origin.EXTERNAL)) {
      throw new KmsUnsupportedOperationException("Custom key stores are not supported by this server.");
    }
    if (request.multiRegion()) {
      throw new KmsUnsupportedOperationException("Multi-Region keys are not supported by this server.");
    }
    if (origin == Origin.EXTERNAL && spec != KeySpec.SYMMETRIC_DEFAULT && !spec.isHmac()) {
      throw new KmsUnsupportedOperationException("Importing key material of KeySpec " + spec + " is not supported by this server.");
    }
    if (spec == KeySpec.SM2 || spec == KeySpec.ECC_NIST_EDWARDS25519 || spec.name().startsWith("ML_DSA")) {
      throw new KmsUnsupportedOperationException("KeySpec " + spec + " is not supported by this HSM.");
    }
    if (usage == KeyUsage.KEY_AGREEMENT) {
      throw new KmsUnsupportedOperationException("KeyUsage KEY_AGREEMENT is not supported by this server.");
    }

    String keyId = UUID.randomUUID().toString();
    // The key belongs to the caller's account and the request's region.
    AccountRegion home = scope.caller().home();
    String policy = request.policy() == null ? policyRules.defaultPolicy(home) : request.policy();
    if (request.policy() != null) {
      // Only a given policy is checked: the default one lets the account's IAM policies decide.
      policyRules.check(policy, home.keyArn(keyId), scope.caller(), request.bypassPolicyLockoutSafetyCheck());
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    String description = request.description() == null ? "" : request.description();
    if (origin == Origin.EXTERNAL) {
      KmsKey key = KmsKey.create(home, keyId, now, description, spec, usage, origin, KeyState.PendingImport, List.of(), tags, null)
          .withPolicy(policy);
      catalog.insertKey(key);
      return key;
    }
    KeyMaterialId materialId = KeyMaterialId.of(backend.generateRandom(KeyMaterialId.LENGTH));
    byte[] publicKey = null;
    if (spec == KeySpec.SYMMETRIC_DEFAULT) {
      backend.createSymmetricKey(materialId, keyId);
    } else if (spec.isHmac()) {
      backend.createHmacKey(materialId, keyId, spec);
    } else {
      publicKey = backend.createAsymmetricKey(materialId, keyId, spec, usage);
    }
    KmsKey key = KmsKey.create(home, keyId, now, description, spec, usage, origin, KeyState.Enabled,
        List.of(KeyMaterial.initial(materialId, now)), tags, publicKey).withPolicy(policy);
    CrashPoint.reached(CrashPoint.CREATE_KEY);
    try {
      catalog.insertKey(key);
    } catch (MetadataUnavailableException e) {
      // The insert may have committed before the database went quiet: keep the material (a row must never
      // name destroyed material); if it did not commit, reconciliation reports the object (docs/operations.md).
      throw e;
    } catch (RuntimeException e) {
      // Refused: do not leave an orphan HSM object.
      destroyQuietly(materialId, e);
      throw e;
    }
    return key;
  }

  /**
   * DescribeKey. A key whose current material has no HSM object is reported Unavailable: the
   * metadata says it exists, but the HSM cannot use it. So is a key while the HSM does not answer,
   * as AWS shows the keys of a disconnected custom key store ("you can view and manage the KMS key,
   * but you cannot use it in cryptographic operations": AWS KMS developer guide, "Troubleshooting a
   * custom key store", How to fix unavailable KMS keys); it shows its own state again once the HSM
   * is back.
   */
  public KmsKey describeKey(RequestScope scope, String keyId) {
    ShapeValidator.create().keyId("keyId", keyId, true).validate();
    KmsKey key = resolver.resolve(scope, keyId);
    if ((key.state() == KeyState.Enabled || key.state() == KeyState.Disabled)
        && key.currentMaterial().map(m -> !usable(m.id())).orElse(false)) {
      return key.withState(KeyState.Unavailable, key.deletionDate(), key.pendingWindowDays());
    }
    return key;
  }

  /** Whether the HSM holds the material and answers now. */
  private boolean usable(KeyMaterialId material) {
    try {
      return backend.keyExists(material);
    } catch (DependencyTimeoutException | KmsInternalException e) {
      return false; // the HSM is away or failing: not a statement about the key
    }
  }

  public Page<KmsKey> listKeys(RequestScope scope, Integer limit, String marker) {
    ShapeValidator.create()
        .range("limit", limit, 1, 1000)
        .marker("marker", marker)
        .validate();
    resolver.authorizeAccount(scope);
    // A caller sees the keys of its own account in the request's region only.
    return catalog.listKeys(scope.caller().home(), limit == null ? 100 : limit, marker);
  }

  /** The destruction records of a key (they outlive it): for operators and audits, not an AWS operation. */
  public List<KeyDestruction> destructions(String keyId) {
    ShapeValidator.create().keyId("keyId", keyId, true).validate();
    return catalog.listDestructions(keyId);
  }

  public void enableKey(RequestScope scope, String keyId) {
    changeState(scope, keyId, KeyState.Enabled);
  }

  public void disableKey(RequestScope scope, String keyId) {
    changeState(scope, keyId, KeyState.Disabled);
  }

  public ScheduleKeyDeletionResult scheduleKeyDeletion(RequestScope scope, String keyId, Integer pendingWindowInDays) {
    ShapeValidator.create()
        .keyId("keyId", keyId, true)
        .range("pendingWindowInDays", pendingWindowInDays, 1, 365)
        .validate();
    int days = pendingWindowInDays == null ? 30 : pendingWindowInDays;
    // The model allows 1..365; the service itself then insists on 7..30, with its own message.
    if (days < 7 || days > 30) {
      throw new ValidationException("PendingWindowInDays must be between 7 and 30");
    }
    KmsKey key = resolver.resolveKeyOnly(scope, keyId);
    String arn = key.arn().value();
    KmsKey updated = catalog.updateKey(key.keyId(), current -> {
      if (current.state() == KeyState.PendingDeletion) {
        throw new KmsInvalidStateException(arn + " is pending deletion.");
      }
      Instant deletion = clock.instant().truncatedTo(ChronoUnit.MILLIS).plus(Duration.ofDays(days));
      return current.withState(KeyState.PendingDeletion, deletion, days);
    });
    return new ScheduleKeyDeletionResult(arn, updated.deletionDate(), updated.state().name(), days);
  }

  /**
   * CancelKeyDeletion: the key returns to Disabled, as in AWS. The deletion date is the boundary:
   * from then on the key is being deleted, whether or not maintenance has run yet, and cancelling
   * is refused with what AWS says of a key it is deleting ({@code <ARN> is pending deletion.}).
   * A destruction that began first makes the update fail the same way (see {@link KeyCatalog#updateKey}).
   */
  public String cancelKeyDeletion(RequestScope scope, String keyId) {
    ShapeValidator.create().keyId("keyId", keyId, true).validate();
    KmsKey key = resolver.resolveKeyOnly(scope, keyId);
    String arn = key.arn().value();
    catalog.updateKey(key.keyId(), current -> {
      if (current.state() != KeyState.PendingDeletion) {
        throw new KmsInvalidStateException(arn + " is not pending deletion.");
      }
      if (!clock.instant().isBefore(current.deletionDate())) {
        throw new KmsInvalidStateException(arn + " is pending deletion.");
      }
      // Back to Disabled as in AWS; an imported-material key that has no material is PendingImport.
      boolean hasMaterial = !current.materials().isEmpty();
      return current.withState(hasMaterial ? KeyState.Disabled : KeyState.PendingImport, null, null);
    });
    return arn;
  }

  private void changeState(RequestScope scope, String keyId, KeyState target) {
    ShapeValidator.create().keyId("keyId", keyId, true).validate();
    KmsKey key = resolver.resolveKeyOnly(scope, keyId);
    String arn = key.arn().value();
    catalog.updateKey(key.keyId(), current -> switch (current.state()) {
      case Enabled, Disabled -> current.state() == target ? current : current.withState(target, null, null);
      case PendingDeletion -> throw new KmsInvalidStateException(arn + " is pending deletion.");
      case PendingImport -> throw new KmsInvalidStateException(arn + " is pending import.");
      case Unavailable -> throw new KmsInvalidStateException(arn + " is unavailable.");
      default -> throw new KmsInvalidStateException(arn + " is " + current.state() + ".");
    });
  }

  private void destroyQuietly(KeyMaterialId materialId, RuntimeException cause) {
    try {
      backend.destroyKey(materialId);
    } catch (KmsException suppressed) {
      cause.addSuppressed(suppressed);
    }
  }
}
