package io.trent.core.service;

import io.trent.core.api.DecryptRequest;
import io.trent.core.api.DecryptResult;
import io.trent.core.api.EncryptRequest;
import io.trent.core.api.EncryptResult;
import io.trent.core.api.GenerateRandomRequest;
import io.trent.core.api.ReEncryptRequest;
import io.trent.core.api.ReEncryptResult;
import io.trent.core.blob.CiphertextBlob;
import io.trent.core.catalog.KeyCatalog;
import io.trent.core.catalog.KeyResolver;
import io.trent.core.catalog.KeyUsePolicy;
import io.trent.core.error.IncorrectKeyException;
import io.trent.core.error.InvalidCiphertextException;
import io.trent.core.error.InvalidKeyUsageException;
import io.trent.core.error.KmsUnsupportedOperationException;
import io.trent.core.error.ValidationException;
import io.trent.core.key.EncryptionAlgorithm;
import io.trent.core.key.KmsKey;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.spi.KeyBackend;
import io.trent.core.validation.ShapeValidator;
import java.util.Arrays;

/** Encrypt, Decrypt, ReEncrypt and GenerateRandom. */
public final class CryptoService {
  private static final String SYMMETRIC_DEFAULT = EncryptionAlgorithm.SYMMETRIC_DEFAULT.name();
  private static final String INCORRECT_KEY =
      "The key ID in the request does not identify a CMK that can perform this operation.";
  private final KeyResolver resolver;
  private final KeyCatalog catalog;
  private final SymmetricCipher cipher;
  private final KeyBackend backend;
  private final ServiceIdentity identity;

  CryptoService(KeyResolver resolver, KeyCatalog catalog, SymmetricCipher cipher, KeyBackend backend, ServiceIdentity identity) {
    this.resolver = resolver;
    this.catalog = catalog;
    this.cipher = cipher;
    this.backend = backend;
    this.identity = identity;
  }

  public EncryptResult encrypt(EncryptRequest request) {
    ShapeValidator v = ShapeValidator.create()
        .keyId("keyId", request.keyId(), true)
        .sensitiveBlob("plaintext", request.plaintext(), 1, 4096, true)
        .stringMap("encryptionContext", request.encryptionContext())
        .enumValue("encryptionAlgorithm", request.encryptionAlgorithm(), EncryptionAlgorithm.class, EncryptionAlgorithm.AWS_ENUM_SET);
    RequestChecks.grantTokens(v, request.grantTokens()).validate();

    KmsKey key = resolver.resolve(request.keyId());
    String arn = identity.keyArn(key.keyId());
    KeyUsePolicy.requireUsableForSymmetric(key, arn, "Encrypt");
    requireSymmetricAlgorithm(request.encryptionAlgorithm(), key);
    RequestChecks.dryRun(request.dryRun());

    SymmetricCipher.Sealed sealed = cipher.encrypt(key, request.plaintext(), RequestChecks.context(request.encryptionContext()));
    return new EncryptResult(sealed.blob(), arn, SYMMETRIC_DEFAULT);
  }

  public DecryptResult decrypt(DecryptRequest request) {
    ShapeValidator v = ShapeValidator.create()
        .blob("ciphertextBlob", request.ciphertextBlob(), 1, 6144, true)
        .stringMap("encryptionContext", request.encryptionContext())
        .keyId("keyId", request.keyId(), false)
        .enumValue("encryptionAlgorithm", request.encryptionAlgorithm(), EncryptionAlgorithm.class, EncryptionAlgorithm.AWS_ENUM_SET);
    RequestChecks.grantTokens(v, request.grantTokens()).validate();

    Opened opened = open(request.ciphertextBlob(), request.keyId(), request.encryptionAlgorithm(), "Decrypt");
    RequestChecks.dryRun(request.dryRun());
    byte[] plaintext = cipher.decrypt(opened.key(), opened.blob(), RequestChecks.context(request.encryptionContext()));
    return new DecryptResult(opened.arn(), plaintext, SYMMETRIC_DEFAULT, opened.blob().materialId().toHex());
  }

  public ReEncryptResult reEncrypt(ReEncryptRequest request) {
    ShapeValidator v = ShapeValidator.create()
        .blob("ciphertextBlob", request.ciphertextBlob(), 1, 6144, true)
        .stringMap("sourceEncryptionContext", request.sourceEncryptionContext())
        .keyId("sourceKeyId", request.sourceKeyId(), false)
        .keyId("destinationKeyId", request.destinationKeyId(), true)
        .stringMap("destinationEncryptionContext", request.destinationEncryptionContext())
        .enumValue("sourceEncryptionAlgorithm", request.sourceEncryptionAlgorithm(), EncryptionAlgorithm.class, EncryptionAlgorithm.AWS_ENUM_SET)
        .enumValue("destinationEncryptionAlgorithm", request.destinationEncryptionAlgorithm(), EncryptionAlgorithm.class, EncryptionAlgorithm.AWS_ENUM_SET);
    RequestChecks.grantTokens(v, request.grantTokens()).validate();

    Opened source = open(request.ciphertextBlob(), request.sourceKeyId(), request.sourceEncryptionAlgorithm(), "ReEncryptFrom");
    KmsKey destination = resolver.resolve(request.destinationKeyId());
    String destinationArn = identity.keyArn(destination.keyId());
    KeyUsePolicy.requireUsableForSymmetric(destination, destinationArn, "ReEncryptTo");
    requireSymmetricAlgorithm(request.destinationEncryptionAlgorithm(), destination);
    RequestChecks.dryRun(request.dryRun());

    byte[] plaintext = cipher.decrypt(source.key(), source.blob(), RequestChecks.context(request.sourceEncryptionContext()));
    try {
      SymmetricCipher.Sealed sealed = cipher.encrypt(destination, plaintext, RequestChecks.context(request.destinationEncryptionContext()));
      return new ReEncryptResult(sealed.blob(), source.arn(), destinationArn, SYMMETRIC_DEFAULT, SYMMETRIC_DEFAULT,
          source.blob().materialId().toHex(), sealed.materialId().toHex());
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  public byte[] generateRandom(GenerateRandomRequest request) {
    if (request.numberOfBytes() == null) {
      throw new ValidationException("NumberOfBytes is required.");
    }
    ShapeValidator.create().range("numberOfBytes", request.numberOfBytes(), 1, 1024).validate();
    if (request.customKeyStoreId() != null) {
      throw new KmsUnsupportedOperationException("Custom key stores are not supported by this server.");
    }
    return backend.generateRandom(request.numberOfBytes());
  }

  private record Opened(KmsKey key, String arn, CiphertextBlob blob) {}

  /** Identifies and checks the key of a ciphertext, in AWS's order; no decryption yet. */
  private Opened open(byte[] ciphertext, String requestedKeyId, String algorithm, String operation) {
    KmsKey requested = requestedKeyId == null ? null : resolver.resolve(requestedKeyId);
    CiphertextBlob blob = CiphertextBlob.parse(ciphertext);
    KmsKey key = catalog.findKey(blob.keyId()).orElseThrow(InvalidCiphertextException::new);
    if (requested != null && !requested.keyId().equals(key.keyId())) {
      throw new IncorrectKeyException(INCORRECT_KEY);
    }
    String arn = identity.keyArn(key.keyId());
    KeyUsePolicy.requireUsableForSymmetric(key, arn, operation);
    requireSymmetricAlgorithm(algorithm, key);
    return new Opened(key, arn, blob);
  }

  private static void requireSymmetricAlgorithm(String algorithm, KmsKey key) {
    if (algorithm != null && !SYMMETRIC_DEFAULT.equals(algorithm)) {
      throw new InvalidKeyUsageException("Algorithm " + algorithm + " is incompatible with key spec " + key.keySpec() + ".");
    }
  }
}
