package io.trent.core.service;

import io.trent.core.auth.RequestScope;
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
import io.trent.core.error.AccessDeniedException;
import io.trent.core.error.IncorrectKeyException;
import io.trent.core.error.InvalidCiphertextException;
import io.trent.core.error.InvalidKeyUsageException;
import io.trent.core.error.KmsUnsupportedOperationException;
import io.trent.core.error.ValidationException;
import io.trent.core.blob.EncryptionContext;
import io.trent.core.error.KmsInvalidStateException;
import io.trent.core.key.EncryptionAlgorithm;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeySpec;
import io.trent.core.key.KeyUsage;
import io.trent.core.key.KmsKey;
import io.trent.core.spi.KeyBackend;
import io.trent.core.validation.ShapeValidator;
import java.util.Arrays;
import java.util.Map;

/** Encrypt, Decrypt, ReEncrypt and GenerateRandom. */
public final class CryptoService {
  private static final String SYMMETRIC_DEFAULT = EncryptionAlgorithm.SYMMETRIC_DEFAULT.name();
  private static final String CIPHERTEXT_KEY_NOT_VISIBLE = "The ciphertext refers to a customer master key that "
      + "does not exist, does not exist in this region, or you are not allowed to access.";
  private static final String INCORRECT_KEY =
      "The key ID in the request does not identify a CMK that can perform this operation.";
  private final KeyResolver resolver;
  private final KeyCatalog catalog;
  private final SymmetricCipher cipher;
  private final KeyBackend backend;

  CryptoService(KeyResolver resolver, KeyCatalog catalog, SymmetricCipher cipher, KeyBackend backend) {
    this.resolver = resolver;
    this.catalog = catalog;
    this.cipher = cipher;
    this.backend = backend;
  }

  public EncryptResult encrypt(RequestScope scope, EncryptRequest request) {
    ShapeValidator v = ShapeValidator.create()
        .keyId("keyId", request.keyId(), true)
        .sensitiveBlob("plaintext", request.plaintext(), 1, 4096, true)
        .stringMap("encryptionContext", request.encryptionContext())
        .enumValue("encryptionAlgorithm", request.encryptionAlgorithm(), EncryptionAlgorithm.class, EncryptionAlgorithm.AWS_ENUM_SET);
    RequestChecks.grantTokens(v, request.grantTokens()).validate();

    KmsKey key = resolver.resolve(scope, request.keyId());
    String arn = key.arn().value();
    Sealer sealer = sealer(key, arn, request.encryptionAlgorithm(), request.encryptionContext(), request.plaintext().length, "Encrypt");
    RequestChecks.dryRun(request.dryRun());
    Sealed sealed = sealer.seal(request.plaintext());
    return new EncryptResult(sealed.blob(), arn, sealed.algorithm());
  }

  public DecryptResult decrypt(RequestScope scope, DecryptRequest request) {
    ShapeValidator v = ShapeValidator.create()
        .blob("ciphertextBlob", request.ciphertextBlob(), 1, 6144, true)
        .stringMap("encryptionContext", request.encryptionContext())
        .keyId("keyId", request.keyId(), false)
        .enumValue("encryptionAlgorithm", request.encryptionAlgorithm(), EncryptionAlgorithm.class, EncryptionAlgorithm.AWS_ENUM_SET);
    RequestChecks.grantTokens(v, request.grantTokens()).validate();

    Opener opener = opener(scope, request.ciphertextBlob(), request.keyId(), request.encryptionAlgorithm(),
        request.encryptionContext(), "Decrypt");
    RequestChecks.dryRun(request.dryRun());
    Opened opened = opener.open();
    return new DecryptResult(opened.arn(), opened.plaintext(), opened.algorithm(), opened.materialId());
  }

  public ReEncryptResult reEncrypt(RequestScope scope, ReEncryptRequest request) {
    ShapeValidator v = ShapeValidator.create()
        .blob("ciphertextBlob", request.ciphertextBlob(), 1, 6144, true)
        .stringMap("sourceEncryptionContext", request.sourceEncryptionContext())
        .keyId("sourceKeyId", request.sourceKeyId(), false)
        .keyId("destinationKeyId", request.destinationKeyId(), true)
        .stringMap("destinationEncryptionContext", request.destinationEncryptionContext())
        .enumValue("sourceEncryptionAlgorithm", request.sourceEncryptionAlgorithm(), EncryptionAlgorithm.class, EncryptionAlgorithm.AWS_ENUM_SET)
        .enumValue("destinationEncryptionAlgorithm", request.destinationEncryptionAlgorithm(), EncryptionAlgorithm.class, EncryptionAlgorithm.AWS_ENUM_SET);
    RequestChecks.grantTokens(v, request.grantTokens()).validate();

    // ReEncrypt is two permissions: kms:ReEncryptFrom on the source key, kms:ReEncryptTo on the destination.
    Opener opener = opener(scope.withAction("kms:ReEncryptFrom", request.sourceEncryptionContext()),
        request.ciphertextBlob(), request.sourceKeyId(), request.sourceEncryptionAlgorithm(),
        request.sourceEncryptionContext(), "ReEncryptFrom");
    KmsKey destination = resolver.resolve(scope.withAction("kms:ReEncryptTo", request.destinationEncryptionContext()),
        request.destinationKeyId());
    String destinationArn = destination.arn().value();
    // The plaintext length is unknown before decryption: RSA limits are checked again when sealing.
    Sealer sealer = sealer(destination, destinationArn, request.destinationEncryptionAlgorithm(),
        request.destinationEncryptionContext(), 0, "ReEncryptTo");
    RequestChecks.dryRun(request.dryRun());

    Opened opened = opener.open();
    byte[] plaintext = opened.plaintext();
    try {
      sealer.checkLength(plaintext.length);
      Sealed sealed = sealer.seal(plaintext);
      return new ReEncryptResult(sealed.blob(), opened.arn(), destinationArn, opened.algorithm(), sealed.algorithm(),
          opened.materialId(), sealed.materialId());
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  private record Sealed(byte[] blob, String algorithm, String materialId) {}

  /** An encryption whose checks have passed; {@link #seal} does the work. */
  private interface Sealer {
    Sealed seal(byte[] plaintext);

    void checkLength(int plaintextLength);
  }

  private record Opened(String arn, byte[] plaintext, String algorithm, String materialId) {}

  /** A decryption whose checks have passed; {@link #open} does the work. */
  private interface Opener {
    Opened open();
  }

  /** Key state, usage, algorithm and size checks for encrypting under {@code key}, in AWS's order. */
  private Sealer sealer(KmsKey key, String arn, String algorithm, Map<String, String> context, int length, String operation) {
    KeyUsePolicy.requireEnabled(key, arn);
    KeyUsePolicy.requireUsage(key, arn, KeyUsage.ENCRYPT_DECRYPT, operation);
    if (key.keySpec() == KeySpec.SYMMETRIC_DEFAULT) {
      requireSymmetricAlgorithm(algorithm, key);
      EncryptionContext ec = RequestChecks.context(context);
      return new Sealer() {
        @Override
        public Sealed seal(byte[] plaintext) {
          SymmetricCipher.Sealed sealed = cipher.encrypt(key, plaintext, ec);
          return new Sealed(sealed.blob(), SYMMETRIC_DEFAULT, sealed.materialId().toHex());
        }

        @Override
        public void checkLength(int plaintextLength) {}
      };
    }
    EncryptionAlgorithm rsa = rsaAlgorithm(algorithm, key);
    requireNoContext(context, key);
    KeyMaterialId material = materialOf(key, arn);
    Sealer rsaSealer = new Sealer() {
      @Override
      public Sealed seal(byte[] plaintext) {
        return new Sealed(KeyUsePolicy.inHsm(arn, () -> backend.rsaEncrypt(material, rsa, plaintext)), rsa.name(), null);
      }

      @Override
      public void checkLength(int plaintextLength) {
        int max = RsaLimits.maxPlaintext(key.keySpec(), rsa);
        if (plaintextLength > max) {
          throw new ValidationException("Algorithm " + rsa + " and key spec " + key.keySpec()
              + " cannot encrypt data larger than " + max + " bytes.");
        }
      }
    };
    rsaSealer.checkLength(length);
    return rsaSealer;
  }

  /** Identifies and checks the key of a ciphertext, in AWS's order; no decryption yet. */
  private Opener opener(RequestScope scope, byte[] ciphertext, String requestedKeyId, String algorithm, Map<String, String> context, String operation) {
    KmsKey requested = requestedKeyId == null ? null : resolver.resolve(scope, requestedKeyId);
    if (requested != null && requested.keySpec().isRsa() && requested.keyUsage() == KeyUsage.ENCRYPT_DECRYPT) {
      String arn = requested.arn().value();
      KeyUsePolicy.requireEnabled(requested, arn);
      EncryptionAlgorithm rsa = rsaAlgorithm(algorithm, requested);
      requireNoContext(context, requested);
      KeyMaterialId material = materialOf(requested, arn);
      return () -> new Opened(arn, KeyUsePolicy.inHsm(arn, () -> backend.rsaDecrypt(material, rsa, ciphertext)),
          rsa.name(), null);
    }
    CiphertextBlob blob = CiphertextBlob.parse(ciphertext);
    KmsKey found = catalog.findKey(blob.keyId()).orElseThrow(InvalidCiphertextException::new);
    if (!found.arn().region().equals(scope.caller().region())) {
      // A ciphertext of another region's key: AWS answers as for a key the caller cannot see
      // [R aws/aws-encryption-sdk-javascript#1005, reference aws-auth-policy-audit.md §2.4].
      throw new AccessDeniedException(CIPHERTEXT_KEY_NOT_VISIBLE);
    }
    KmsKey key = resolver.authorize(scope, found, requestedKeyId);
    if (requested != null && !requested.keyId().equals(key.keyId())) {
      throw new IncorrectKeyException(INCORRECT_KEY);
    }
    String arn = key.arn().value();
    KeyUsePolicy.requireUsableForSymmetric(key, arn, operation);
    requireSymmetricAlgorithm(algorithm, key);
    EncryptionContext ec = RequestChecks.context(context);
    return () -> new Opened(arn, cipher.decrypt(key, blob, ec), SYMMETRIC_DEFAULT, blob.materialId().toHex());
  }

  private static EncryptionAlgorithm rsaAlgorithm(String algorithm, KmsKey key) {
    if (EncryptionAlgorithm.RSAES_OAEP_SHA_1.name().equals(algorithm) || EncryptionAlgorithm.RSAES_OAEP_SHA_256.name().equals(algorithm)) {
      return EncryptionAlgorithm.valueOf(algorithm);
    }
    String shown = algorithm == null ? SYMMETRIC_DEFAULT : algorithm;
    throw new InvalidKeyUsageException("Algorithm " + shown + " is incompatible with key spec " + key.keySpec() + ".");
  }

  private static void requireNoContext(Map<String, String> context, KmsKey key) {
    if (context != null && !context.isEmpty()) {
      throw new ValidationException("EncryptionContext is not supported with key spec " + key.keySpec() + ".");
    }
  }

  private static KeyMaterialId materialOf(KmsKey key, String arn) {
    return key.currentMaterial().orElseThrow(() -> new KmsInvalidStateException(arn + " is pending import.")).id();
  }

  public byte[] generateRandom(RequestScope scope, GenerateRandomRequest request) {
    if (request.numberOfBytes() == null) {
      throw new ValidationException("NumberOfBytes is required.");
    }
    ShapeValidator.create().range("numberOfBytes", request.numberOfBytes(), 1, 1024).validate();
    resolver.authorizeAccount(scope);
    if (request.customKeyStoreId() != null) {
      throw new KmsUnsupportedOperationException("Custom key stores are not supported by this server.");
    }
    return backend.generateRandom(request.numberOfBytes());
  }

  private static void requireSymmetricAlgorithm(String algorithm, KmsKey key) {
    if (algorithm != null && !SYMMETRIC_DEFAULT.equals(algorithm)) {
      throw new InvalidKeyUsageException("Algorithm " + algorithm + " is incompatible with key spec " + key.keySpec() + ".");
    }
  }
}
