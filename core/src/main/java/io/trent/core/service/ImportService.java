package io.trent.core.service;

import io.trent.core.auth.RequestScope;
import io.trent.core.api.ImportKeyMaterialRequest;
import io.trent.core.api.ImportedMaterialResult;
import io.trent.core.api.ImportParameters;
import io.trent.core.catalog.KeyCatalog;
import io.trent.core.catalog.KeyResolver;
import io.trent.core.error.ExpiredImportTokenException;
import io.trent.core.error.IncorrectKeyMaterialException;
import io.trent.core.error.InvalidImportTokenException;
import io.trent.core.error.KmsException;
import io.trent.core.error.KmsInvalidStateException;
import io.trent.core.error.KmsUnsupportedOperationException;
import io.trent.core.error.ValidationException;
import io.trent.core.key.ExpirationModel;
import io.trent.core.key.ImportToken;
import io.trent.core.key.KeyDestruction;
import io.trent.core.key.KeyMaterial;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeyState;
import io.trent.core.key.KmsKey;
import io.trent.core.key.Origin;
import io.trent.core.key.WrappingAlgorithm;
import io.trent.core.key.WrappingKeySpec;
import io.trent.core.spi.ImportWrappingKey;
import io.trent.core.spi.KeyBackend;
import io.trent.core.spi.MetadataUnavailableException;
import io.trent.core.validation.ShapeValidator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;

/**
 * Bring your own key: GetParametersForImport, ImportKeyMaterial and DeleteImportedKeyMaterial. The
 * wrapping key pair is generated in the HSM and the material is unwrapped inside it.
 */
public final class ImportService {
  static final Duration PARAMETERS_VALIDITY = Duration.ofHours(24);
  private static final int IMPORT_TOKEN_BYTES = 32;
  private final KeyCatalog catalog;
  private final KeyResolver resolver;
  private final KeyBackend backend;
  private final Clock clock;

  ImportService(KeyCatalog catalog, KeyResolver resolver, KeyBackend backend, Clock clock) {
    this.catalog = catalog;
    this.resolver = resolver;
    this.backend = backend;
    this.clock = clock;
  }

  public ImportParameters getParametersForImport(RequestScope scope, String keyId, String wrappingAlgorithm, String wrappingKeySpec) {
    ShapeValidator.create()
        .keyId("keyId", keyId, true)
        .required("wrappingAlgorithm", wrappingAlgorithm)
        .enumValue("wrappingAlgorithm", wrappingAlgorithm, WrappingAlgorithm.class, WrappingAlgorithm.AWS_ENUM_SET)
        .required("wrappingKeySpec", wrappingKeySpec)
        .enumValue("wrappingKeySpec", wrappingKeySpec, WrappingKeySpec.class, WrappingKeySpec.AWS_ENUM_SET)
        .validate();
    KmsKey key = externalKey(scope, keyId);
    WrappingAlgorithm algorithm = WrappingAlgorithm.valueOf(wrappingAlgorithm);
    WrappingKeySpec spec = WrappingKeySpec.valueOf(wrappingKeySpec);
    if (!backend.supportedWrappingAlgorithms().contains(algorithm)) {
      throw new KmsUnsupportedOperationException("WrappingAlgorithm " + algorithm + " is not supported by this HSM.");
    }
    if (spec == WrappingKeySpec.SM2) {
      throw new KmsUnsupportedOperationException("WrappingKeySpec SM2 is not supported by this HSM.");
    }
    ImportWrappingKey wrappingKey = backend.createImportWrappingKey(spec);
    byte[] token = backend.generateRandom(IMPORT_TOKEN_BYTES);
    Instant validTo = now().plus(PARAMETERS_VALIDITY);
    catalog.insertImportToken(new ImportToken(HexFormat.of().formatHex(token), key.keyId(), wrappingKey.id(),
        algorithm, spec, validTo));
    return new ImportParameters(key.arn().value(), token, wrappingKey.publicKeyDer(), validTo);
  }

  /** ImportKeyMaterial into a key that is PendingImport. */
  public ImportedMaterialResult importKeyMaterial(RequestScope scope, ImportKeyMaterialRequest request) {
    ShapeValidator.create()
        .keyId("keyId", request.keyId(), true)
        .blob("importToken", request.importToken(), 1, 6144, true)
        .blob("encryptedKeyMaterial", request.encryptedKeyMaterial(), 1, 6144, true)
        .enumValue("expirationModel", request.expirationModel(), ExpirationModel.class, ExpirationModel.AWS_ENUM_SET)
        .validate();
    // AWS's default is KEY_MATERIAL_EXPIRES, so a request without either needs a ValidTo.
    ExpirationModel model = request.expirationModel() != null
        ? ExpirationModel.valueOf(request.expirationModel()) : ExpirationModel.KEY_MATERIAL_EXPIRES;
    if (model == ExpirationModel.KEY_MATERIAL_EXPIRES && request.validTo() == null) {
      throw new ValidationException("A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES");
    }
    if (model == ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE && request.validTo() != null) {
      throw new ValidationException("A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE");
    }
    if (request.validTo() != null && !request.validTo().isAfter(now())) {
      throw new ValidationException("The validTo date must be in the future.");
    }
    KmsKey key = externalKey(scope, request.keyId());
    String arn = key.arn().value();
    if (key.state() != KeyState.PendingImport) {
      throw new KmsInvalidStateException(arn + " is not pending import.");
    }
    ImportToken token = catalog.findImportToken(HexFormat.of().formatHex(request.importToken()))
        .filter(t -> t.keyId().equals(key.keyId()))
        .orElseThrow(() -> new InvalidImportTokenException("Import token is invalid."));
    if (!token.validTo().isAfter(now())) {
      throw new ExpiredImportTokenException("Import token expired.");
    }
    KeyMaterialId materialId = unwrapRecognisingEarlierMaterial(key, token, request.encryptedKeyMaterial());
    byte[] check;
    try {
      check = key.importCheck() != null ? key.importCheck() : ImportCheck.make(backend, key, materialId);
    } catch (RuntimeException e) {
      destroyQuietly(materialId, e);
      throw e;
    }
    // Same material, same budget: a re-import starts from the count its material had when deleted; a
    // first import from the encryption its import check just made.
    boolean reimport = key.importCheck() != null;
    KeyMaterial material = KeyMaterial.initial(materialId, now());
    Instant validTo = request.validTo() == null ? null : request.validTo().truncatedTo(ChronoUnit.MILLIS);
    CrashPoint.reached(CrashPoint.IMPORT);
    try {
      catalog.updateKey(key.keyId(), k -> k.withMaterials(List.of(material.withEncryptionsReserved(
              reimport ? k.importedEncryptionsReserved() : ImportCheck.gcmEncryptions(k))))
          .withImport(model, validTo).withImportCheck(check).withState(KeyState.Enabled, null, null));
    } catch (MetadataUnavailableException e) {
      throw e; // may have committed: keep the material (reconciliation reports it if not)
    } catch (RuntimeException e) {
      destroyQuietly(materialId, e);
      throw e;
    }
    // The wrapping key has done its one job; a new import needs new parameters.
    catalog.deleteImportToken(token.tokenId());
    backend.destroyImportWrappingKey(token.wrappingKeyId());
    return new ImportedMaterialResult(arn, material.id());
  }

  /**
   * Unwraps the material in the HSM. A key that had imported material before must get the same
   * material back (AWS's rule); it then takes back its original material id, so ciphertexts made
   * before the material was deleted or expired decrypt again.
   */
  private KeyMaterialId unwrapRecognisingEarlierMaterial(KmsKey key, ImportToken token, byte[] wrapped) {
    KeyMaterialId unwrapped = KeyMaterialId.of(backend.generateRandom(KeyMaterialId.LENGTH));
    backend.importKey(unwrapped, key.keyId(), key.keySpec(), token.wrappingKeyId(), token.wrappingAlgorithm(), wrapped);
    if (key.importCheck() == null) {
      return unwrapped;
    }
    try {
      ImportCheck earlier = ImportCheck.parse(key.importCheck());
      if (!earlier.matches(backend, key, unwrapped)) {
        throw new IncorrectKeyMaterialException("The key material is not the key material that was previously "
            + "imported into this KMS key.");
      }
      backend.importKey(earlier.materialId(), key.keyId(), key.keySpec(), token.wrappingKeyId(),
          token.wrappingAlgorithm(), wrapped);
      return earlier.materialId();
    } finally {
      backend.destroyKey(unwrapped);
    }
  }

  /** DeleteImportedKeyMaterial: destroys the material now; the key returns to PendingImport. */
  public ImportedMaterialResult deleteImportedKeyMaterial(RequestScope scope, String keyId) {
    ShapeValidator.create().keyId("keyId", keyId, true).validate();
    // Allowed while PendingDeletion too, as in AWS: the key stays PendingDeletion.
    KmsKey key = externalKey(scope, keyId, true);
    KeyMaterialId deleted = key.currentMaterial().map(KeyMaterial::id).orElse(null);
    removeMaterial(key, "IMPORTED_MATERIAL_DELETED");
    return new ImportedMaterialResult(key.arn().value(), deleted);
  }

  /** Scheduled: imported material whose ValidTo has passed is deleted. */
  void expire(KmsKey key) {
    if (key.validTo() != null && !key.validTo().isAfter(now())) {
      removeMaterial(key, "IMPORTED_MATERIAL_EXPIRED");
    }
  }

  /**
   * Scheduled: wrapping keys of import tokens past their validity are destroyed, each by the node that claims it
   * (another node may have retired it before the claim: then it is left alone).
   */
  int destroyExpiredTokens(WorkClaims claims) {
    Instant now = now();
    int destroyed = 0;
    for (ImportToken token : catalog.findExpiredImportTokens(now)) {
      String work = "token:" + token.tokenId();
      if (!claims.claim(work, now)) {
        continue;
      }
      try {
        if (catalog.findExpiredImportTokens(now).stream().noneMatch(t -> t.tokenId().equals(token.tokenId()))) {
          continue;
        }
        backend.destroyImportWrappingKey(token.wrappingKeyId());
        // Kept, so that ImportKeyMaterial with it answers ExpiredImportTokenException as AWS does.
        catalog.retireImportToken(token.tokenId());
        destroyed++;
      } finally {
        claims.release(work);
      }
    }
    return destroyed;
  }

  /**
   * Before a key is deleted: destroys the wrapping keys of its import tokens, which the deletion
   * removes (a retired token's key is already gone; absent is not an error).
   */
  void destroyWrappingKeysOf(KmsKey key) {
    for (ImportToken token : catalog.findImportTokensOfKey(key.keyId())) {
      backend.destroyImportWrappingKey(token.wrappingKeyId());
    }
  }

  /**
   * The destruction is recorded first, then the objects destroyed, then the row emptied: a crash in between
   * leaves a record that says the material is going, which reconciliation finishes ({@link #finishRemoval});
   * destroying first would leave a row naming material that is gone with nothing to say why.
   */
  private void removeMaterial(KmsKey key, String reason) {
    Instant now = now();
    for (KeyMaterial material : key.materials()) {
      catalog.recordDestruction(new KeyDestruction(key.keyId(), material.id(), now, reason));
    }
    for (KeyMaterial material : key.materials()) {
      backend.destroyKey(material.id());
    }
    CrashPoint.reached(CrashPoint.DELETE_IMPORTED);
    emptyRow(key);
  }

  /** Reconciliation: a removal whose destruction was recorded is finished (objects destroyed, row emptied). */
  void finishRemoval(KmsKey key) {
    for (KeyMaterial material : key.materials()) {
      backend.destroyKey(material.id());
    }
    emptyRow(key);
  }

  private void emptyRow(KmsKey key) {
    catalog.updateKey(key.keyId(), k -> {
      // Read under the write lock, so a reservation made up to the last moment is kept.
      long reserved = k.materials().stream().mapToLong(KeyMaterial::encryptionsReserved)
          .reduce(k.importedEncryptionsReserved(), Math::max);
      KmsKey emptied = k.withMaterials(List.of()).withImport(null, null).withImportedEncryptionsReserved(reserved);
      return k.state() == KeyState.PendingDeletion ? emptied : emptied.withState(KeyState.PendingImport, null, null);
    });
  }

  private KmsKey externalKey(RequestScope scope, String keyId) {
    return externalKey(scope, keyId, false);
  }

  private KmsKey externalKey(RequestScope scope, String keyId, boolean allowPendingDeletion) {
    KmsKey key = resolver.resolveKeyOnly(scope, keyId);
    String arn = key.arn().value();
    if (key.origin() != Origin.EXTERNAL) {
      throw new KmsUnsupportedOperationException(arn + " origin is " + key.origin() + " which is not valid for this operation.");
    }
    if (key.state() == KeyState.PendingDeletion && !allowPendingDeletion) {
      throw new KmsInvalidStateException(arn + " is pending deletion.");
    }
    return key;
  }

  private void destroyQuietly(KeyMaterialId materialId, RuntimeException cause) {
    try {
      backend.destroyKey(materialId);
    } catch (KmsException suppressed) {
      cause.addSuppressed(suppressed);
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
