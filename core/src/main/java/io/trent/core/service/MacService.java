package io.trent.core.service;

import io.trent.core.auth.RequestScope;
import io.trent.core.api.MacRequest;
import io.trent.core.api.MacResult;
import io.trent.core.catalog.KeyResolver;
import io.trent.core.catalog.KeyUsePolicy;
import io.trent.core.error.InvalidKeyUsageException;
import io.trent.core.error.KmsInvalidMacException;
import io.trent.core.error.KmsInvalidStateException;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeyUsage;
import io.trent.core.key.KmsKey;
import io.trent.core.key.MacAlgorithm;
import io.trent.core.spi.KeyBackend;
import io.trent.core.validation.ShapeValidator;
import java.security.MessageDigest;

/** GenerateMac and VerifyMac with HMAC KMS keys held in the HSM. */
public final class MacService {
  private final KeyResolver resolver;
  private final KeyBackend backend;

  MacService(KeyResolver resolver, KeyBackend backend) {
    this.resolver = resolver;
    this.backend = backend;
  }

  public MacResult generateMac(RequestScope scope, MacRequest request) {
    Checked c = check(scope, request, "GenerateMac");
    byte[] mac = KeyUsePolicy.inHsm(c.arn(), () -> backend.mac(c.material(), c.algorithm(), request.message()));
    return new MacResult(c.arn(), mac, c.algorithm().name());
  }

  /** VerifyMac: a MAC that does not match is KMSInvalidMacException, compared in constant time. */
  public MacResult verifyMac(RequestScope scope, MacRequest request) {
    Checked c = check(scope, request, "VerifyMac");
    byte[] expected = KeyUsePolicy.inHsm(c.arn(), () -> backend.mac(c.material(), c.algorithm(), request.message()));
    if (!MessageDigest.isEqual(expected, request.mac())) {
      throw new KmsInvalidMacException();
    }
    return new MacResult(c.arn(), null, c.algorithm().name());
  }

  private record Checked(String arn, KeyMaterialId material, MacAlgorithm algorithm) {}

  private Checked check(RequestScope scope, MacRequest request, String operation) {
    ShapeValidator v = ShapeValidator.create()
        .keyId("keyId", request.keyId(), true)
        .sensitiveBlob("message", request.message(), 1, 4096, true)
        .required("macAlgorithm", request.macAlgorithm())
        .enumValue("macAlgorithm", request.macAlgorithm(), MacAlgorithm.class, MacAlgorithm.AWS_ENUM_SET);
    if ("VerifyMac".equals(operation)) {
      v.blob("mac", request.mac(), 1, 6144, true);
    }
    RequestChecks.grantTokens(v, request.grantTokens()).validate();
    MacAlgorithm algorithm = MacAlgorithm.valueOf(request.macAlgorithm());

    KmsKey key = resolver.resolve(scope, request.keyId());
    String arn = key.arn().value();
    KeyUsePolicy.requireEnabled(key, arn);
    KeyUsePolicy.requireUsage(key, arn, KeyUsage.GENERATE_VERIFY_MAC, operation);
    if (!KeyAlgorithms.macAlgorithms(key.keySpec()).contains(algorithm)) {
      throw new InvalidKeyUsageException("Algorithm " + algorithm + " is incompatible with key spec " + key.keySpec() + ".");
    }
    RequestChecks.dryRun(request.dryRun());
    KeyMaterialId material = key.currentMaterial()
        .orElseThrow(() -> new KmsInvalidStateException(arn + " is pending import.")).id();
    return new Checked(arn, material, algorithm);
  }
}
