package io.trent.core.service;

import io.trent.core.auth.RequestScope;
import io.trent.core.api.PublicKeyResult;
import io.trent.core.api.SignRequest;
import io.trent.core.api.SignResult;
import io.trent.core.catalog.KeyResolver;
import io.trent.core.catalog.KeyUsePolicy;
import io.trent.core.error.InvalidKeyUsageException;
import io.trent.core.error.KmsInvalidSignatureException;
import io.trent.core.error.KmsInvalidStateException;
import io.trent.core.error.KmsUnsupportedOperationException;
import io.trent.core.error.ValidationException;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeyState;
import io.trent.core.key.KeyUsage;
import io.trent.core.key.KmsKey;
import io.trent.core.key.SigningAlgorithm;
import io.trent.core.spi.KeyBackend;
import io.trent.core.validation.ShapeValidator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** GetPublicKey, Sign and Verify with asymmetric KMS keys whose private keys stay in the HSM. */
public final class SigningService {
  private enum MessageType { RAW, DIGEST, EXTERNAL_MU }

  private static final String MESSAGE_TYPES = "[RAW, DIGEST, EXTERNAL_MU]";
  private final KeyResolver resolver;
  private final KeyBackend backend;

  SigningService(KeyResolver resolver, KeyBackend backend) {
    this.resolver = resolver;
    this.backend = backend;
  }

  /** GetPublicKey: allowed on disabled keys, as real AWS does, but not on deleted or pending ones. */
  public PublicKeyResult getPublicKey(RequestScope scope, String keyId) {
    ShapeValidator.create().keyId("keyId", keyId, true).validate();
    KmsKey key = resolver.resolve(scope, keyId);
    String arn = key.arn().value();
    if (key.state() != KeyState.Disabled) {
      KeyUsePolicy.requireEnabled(key, arn);
    }
    if (key.publicKey() == null) {
      throw new KmsUnsupportedOperationException(arn + " key usage is " + key.keyUsage()
          + " and key spec is " + key.keySpec() + ", which has no public key.");
    }
    return new PublicKeyResult(arn, key, key.publicKey().clone());
  }

  public SignResult sign(RequestScope scope, SignRequest request) {
    Checked c = check(scope, request, "Sign");
    byte[] signature = KeyUsePolicy.inHsm(c.arn(), () -> backend.sign(c.material(), c.algorithm(), c.digest()));
    return new SignResult(c.arn(), signature, c.algorithm().name());
  }

  /** Verify: a signature that does not verify is KMSInvalidSignatureException, never SignatureValid=false. */
  public SignResult verify(RequestScope scope, SignRequest request) {
    Checked c = check(scope, request, "Verify");
    if (!KeyUsePolicy.inHsm(c.arn(), () -> backend.verify(c.material(), c.algorithm(), c.digest(), request.signature()))) {
      throw new KmsInvalidSignatureException();
    }
    return new SignResult(c.arn(), null, c.algorithm().name());
  }

  private record Checked(String arn, KeyMaterialId material, SigningAlgorithm algorithm, byte[] digest) {}

  private Checked check(RequestScope scope, SignRequest request, String operation) {
    boolean verify = "Verify".equals(operation);
    ShapeValidator v = ShapeValidator.create()
        .keyId("keyId", request.keyId(), true)
        .sensitiveBlob("message", request.message(), 1, 4096, true)
        .enumValue("messageType", request.messageType(), MessageType.class, MESSAGE_TYPES)
        .required("signingAlgorithm", request.signingAlgorithm())
        .enumValue("signingAlgorithm", request.signingAlgorithm(), SigningAlgorithm.class, SigningAlgorithm.AWS_ENUM_SET);
    if (verify) {
      v.blob("signature", request.signature(), 1, 6144, true);
    }
    RequestChecks.grantTokens(v, request.grantTokens()).validate();
    SigningAlgorithm algorithm = SigningAlgorithm.valueOf(request.signingAlgorithm());
    MessageType type = request.messageType() == null ? MessageType.RAW : MessageType.valueOf(request.messageType());

    KmsKey key = resolver.resolve(scope, request.keyId());
    String arn = key.arn().value();
    KeyUsePolicy.requireEnabled(key, arn);
    KeyUsePolicy.requireUsage(key, arn, KeyUsage.SIGN_VERIFY, operation);
    if (!KeyAlgorithms.signingAlgorithms(key.keySpec(), key.keyUsage()).contains(algorithm)) {
      throw new InvalidKeyUsageException("Algorithm " + algorithm + " is incompatible with key spec " + key.keySpec() + ".");
    }
    if (type == MessageType.EXTERNAL_MU) {
      throw new ValidationException("Message type EXTERNAL_MU is incompatible with key spec " + key.keySpec() + ".");
    }
    if (type == MessageType.DIGEST && request.message().length != algorithm.digestLength()) {
      throw new ValidationException("Digest is invalid length for algorithm " + algorithm + ".");
    }
    RequestChecks.dryRun(request.dryRun());
    byte[] digest = type == MessageType.DIGEST ? request.message().clone() : hash(algorithm, request.message());
    KeyMaterialId material = key.currentMaterial()
        .orElseThrow(() -> new KmsInvalidStateException(arn + " is pending import.")).id();
    return new Checked(arn, material, algorithm, digest);
  }

  private static byte[] hash(SigningAlgorithm algorithm, byte[] message) {
    try {
      return MessageDigest.getInstance(algorithm.digest()).digest(message);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK provides " + algorithm.digest(), e);
    }
  }
}
