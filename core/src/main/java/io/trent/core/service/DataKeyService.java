package io.trent.core.service;

import io.trent.core.auth.RequestScope;
import io.trent.core.api.DataKeyPairResult;
import io.trent.core.api.DataKeyResult;
import io.trent.core.api.GenerateDataKeyPairRequest;
import io.trent.core.api.GenerateDataKeyRequest;
import io.trent.core.catalog.KeyResolver;
import io.trent.core.catalog.KeyUsePolicy;
import io.trent.core.error.KmsUnsupportedOperationException;
import io.trent.core.error.ValidationException;
import io.trent.core.key.DataKeyPairSpec;
import io.trent.core.key.DataKeySpec;
import io.trent.core.key.KeySpec;
import io.trent.core.key.KmsKey;
import io.trent.core.spi.KeyBackend;
import io.trent.core.validation.ShapeValidator;
import java.util.Arrays;

/**
 * The data-key operations: GenerateDataKey, GenerateDataKeyWithoutPlaintext, GenerateDataKeyPair
 * and GenerateDataKeyPairWithoutPlaintext. Data keys come from the HSM RNG and are encrypted by the
 * HSM under the KMS key; the encryption context is bound as AAD.
 */
public final class DataKeyService {
  private final KeyResolver resolver;
  private final SymmetricCipher cipher;
  private final KeyBackend backend;

  DataKeyService(KeyResolver resolver, SymmetricCipher cipher, KeyBackend backend) {
    this.resolver = resolver;
    this.cipher = cipher;
    this.backend = backend;
  }

  /** GenerateDataKey: the result's plaintext belongs to the caller, who zeroes it. */
  public DataKeyResult generateDataKey(RequestScope scope, GenerateDataKeyRequest request) {
    return generate(scope, request, "GenerateDataKey", true);
  }

  /** GenerateDataKeyWithoutPlaintext: the plaintext is zeroed here and never returned. */
  public DataKeyResult generateDataKeyWithoutPlaintext(RequestScope scope, GenerateDataKeyRequest request) {
    return generate(scope, request, "GenerateDataKeyWithoutPlaintext", false);
  }

  public DataKeyPairResult generateDataKeyPair(RequestScope scope, GenerateDataKeyPairRequest request) {
    return generatePair(scope, request, "GenerateDataKeyPair", true);
  }

  public DataKeyPairResult generateDataKeyPairWithoutPlaintext(RequestScope scope, GenerateDataKeyPairRequest request) {
    return generatePair(scope, request, "GenerateDataKeyPairWithoutPlaintext", false);
  }

  private DataKeyResult generate(RequestScope scope, GenerateDataKeyRequest request, String operation, boolean withPlaintext) {
    ShapeValidator v = ShapeValidator.create()
        .keyId("keyId", request.keyId(), true)
        .enumValue("keySpec", request.keySpec(), DataKeySpec.class, KeySpec.AWS_ENUM_SET)
        .range("numberOfBytes", request.numberOfBytes(), 1, 1024)
        .stringMap("encryptionContext", request.encryptionContext());
    RequestChecks.grantTokens(v, request.grantTokens()).validate();
    if ((request.keySpec() == null) == (request.numberOfBytes() == null)) {
      throw new ValidationException("Please specify either number of bytes or key spec.");
    }
    int length = request.numberOfBytes() != null
        ? request.numberOfBytes()
        : DataKeySpec.valueOf(request.keySpec()).bytes();

    KmsKey key = resolver.resolve(scope, request.keyId());
    String arn = key.arn().value();
    KeyUsePolicy.requireUsableForSymmetric(key, arn, operation);
    RequestChecks.dryRun(request.dryRun());

    SymmetricCipher.DataKey dataKey = cipher.generateDataKey(key, length, RequestChecks.context(request.encryptionContext()));
    byte[] plaintext = dataKey.plaintext();
    if (!withPlaintext) {
      Arrays.fill(plaintext, (byte) 0);
      plaintext = null;
    }
    return new DataKeyResult(dataKey.blob(), plaintext, arn, dataKey.materialId().toHex());
  }

  private DataKeyPairResult generatePair(RequestScope scope, GenerateDataKeyPairRequest request, String operation, boolean withPlaintext) {
    ShapeValidator v = ShapeValidator.create()
        .keyId("keyId", request.keyId(), true)
        .required("keyPairSpec", request.keyPairSpec())
        .enumValue("keyPairSpec", request.keyPairSpec(), DataKeyPairSpec.class, DataKeyPairSpec.AWS_ENUM_SET)
        .stringMap("encryptionContext", request.encryptionContext());
    RequestChecks.grantTokens(v, request.grantTokens()).validate();
    DataKeyPairSpec spec = DataKeyPairSpec.valueOf(request.keyPairSpec());

    KmsKey key = resolver.resolve(scope, request.keyId());
    String arn = key.arn().value();
    KeyUsePolicy.requireUsableForSymmetric(key, arn, operation);
    if (!backend.supportedKeyPairSpecs().contains(spec)) {
      throw new KmsUnsupportedOperationException("KeyPairSpec " + spec + " is not supported by this HSM.");
    }
    RequestChecks.dryRun(request.dryRun());

    SymmetricCipher.KeyPair pair = cipher.generateDataKeyPair(key, spec, RequestChecks.context(request.encryptionContext()));
    byte[] privateKey = pair.privateKey();
    if (!withPlaintext) {
      Arrays.fill(privateKey, (byte) 0);
      privateKey = null;
    }
    return new DataKeyPairResult(pair.blob(), privateKey, pair.publicKey(), arn, spec.name(), pair.materialId().toHex());
  }
}
