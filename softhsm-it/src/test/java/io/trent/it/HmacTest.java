package io.trent.it;

import static io.trent.it.KmsAssertions.expectError;
import static io.trent.it.KmsAssertions.expectValidation;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.GenerateMacResponse;
import software.amazon.awssdk.services.kms.model.InvalidKeyUsageException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInvalidMacException;
import software.amazon.awssdk.services.kms.model.MacAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.VerifyMacResponse;

/** HMAC KMS keys: GenerateMac and VerifyMac for every spec, mismatches and AWS's errors. */
@ExtendWith(TrentExtension.class)
class HmacTest {
  static KmsClient kms() {
    return Trent.kms();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"HMAC_224, HMAC_SHA_224, 28", "HMAC_256, HMAC_SHA_256, 32", "HMAC_384, HMAC_SHA_384, 48",
      "HMAC_512, HMAC_SHA_512, 64"})
  void generateAndVerifyMac(String spec, MacAlgorithmSpec alg, int macLength) {
    KeyMetadata key = TestKeys.hmac(spec);
    SdkBytes message = SdkBytes.fromUtf8String("a message to authenticate with " + spec);
    GenerateMacResponse g = kms().generateMac(b -> b.keyId(key.keyId()).message(message).macAlgorithm(alg));
    assertThat(g.keyId()).isEqualTo(key.arn());
    assertThat(g.macAlgorithm()).isEqualTo(alg);
    assertThat(g.mac().asByteArray()).hasSize(macLength);
    // HMAC is deterministic.
    assertThat(kms().generateMac(b -> b.keyId(key.arn()).message(message).macAlgorithm(alg)).mac()).isEqualTo(g.mac());

    VerifyMacResponse v = kms().verifyMac(b -> b.keyId(key.keyId()).message(message).macAlgorithm(alg).mac(g.mac()));
    assertThat(v.macValid()).isTrue();
    assertThat(v.keyId()).isEqualTo(key.arn());
    assertThat(v.macAlgorithm()).isEqualTo(alg);

    byte[] tampered = g.mac().asByteArray();
    tampered[0] ^= 0x01;
    expectInvalidMac(() -> kms().verifyMac(b -> b.keyId(key.keyId()).message(message).macAlgorithm(alg)
        .mac(SdkBytes.fromByteArray(tampered))));
    expectInvalidMac(() -> kms().verifyMac(b -> b.keyId(key.keyId()).message(SdkBytes.fromUtf8String("another message"))
        .macAlgorithm(alg).mac(g.mac())));
    // A MAC of another key of the same spec does not verify.
    KeyMetadata other = TestKeys.create(spec, KeyUsageType.GENERATE_VERIFY_MAC, "HmacTest other " + spec);
    expectInvalidMac(() -> kms().verifyMac(b -> b.keyId(other.keyId()).message(message).macAlgorithm(alg).mac(g.mac())));
  }

  static KmsException expectInvalidMac(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    KmsException e = expectError(call, KmsInvalidMacException.class, "KMSInvalidMacException");
    assertThat(e.awsErrorDetails().errorMessage()).as("KMSInvalidMacException carries no message").isNullOrEmpty();
    return e;
  }

  @Test
  void algorithmOfAnotherSpecIsInvalidKeyUsage() {
    KeyMetadata k256 = TestKeys.hmac("HMAC_256");
    KeyMetadata k224 = TestKeys.hmac("HMAC_224");
    SdkBytes m = SdkBytes.fromUtf8String("m");
    expectError(() -> kms().generateMac(b -> b.keyId(k256.keyId()).message(m).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_512)),
        InvalidKeyUsageException.class, "InvalidKeyUsageException",
        "Algorithm HMAC_SHA_512 is incompatible with key spec HMAC_256.");
    expectError(() -> kms().generateMac(b -> b.keyId(k224.keyId()).message(m).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)),
        InvalidKeyUsageException.class, "InvalidKeyUsageException",
        "Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.");
    expectError(() -> kms().verifyMac(b -> b.keyId(k256.keyId()).message(m).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_384)
            .mac(SdkBytes.fromByteArray(new byte[48]))),
        InvalidKeyUsageException.class, "InvalidKeyUsageException",
        "Algorithm HMAC_SHA_384 is incompatible with key spec HMAC_256.");
  }

  @Test
  void shapeErrors() {
    KeyMetadata key = TestKeys.hmac("HMAC_256");
    expectValidation(() -> kms().generateMac(b -> b.keyId(key.keyId()).message(SdkBytes.fromUtf8String("m"))
            .macAlgorithm("INVALID")),
        "1 validation error detected: Value 'INVALID' at 'macAlgorithm' failed to satisfy constraint: "
            + "Member must satisfy enum value set: [HMAC_SHA_384, HMAC_SHA_256, HMAC_SHA_224, HMAC_SHA_512]");
    expectValidation(() -> kms().generateMac(b -> b.keyId(key.keyId()).message(SdkBytes.fromByteArray(new byte[4097]))
            .macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)),
        "1 validation error detected: Value at 'message' failed to satisfy constraint: "
            + "Member must have length less than or equal to 4096");
    String m = Base64.getEncoder().encodeToString("m".getBytes(StandardCharsets.UTF_8));
    RawKms.Response missing = RawKms.call("GenerateMac", Map.of("KeyId", key.keyId(), "Message", m));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.errorType()).isEqualTo("ValidationException");
    assertThat(missing.json().path("message").asText()).isEqualTo(
        "1 validation error detected: Value null at 'macAlgorithm' failed to satisfy constraint: Member must not be null");
    expectError(() -> kms().generateMac(b -> b.keyId("key_id").message(SdkBytes.fromUtf8String("m"))
            .macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)),
        NotFoundException.class, "NotFoundException", "Invalid keyId 'key_id'");
    expectError(() -> kms().verifyMac(b -> b.keyId("key_id").message(SdkBytes.fromUtf8String("m"))
            .macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256).mac(SdkBytes.fromByteArray(new byte[32]))),
        NotFoundException.class, "NotFoundException", "Invalid keyId 'key_id'");
  }

  @Test
  void messageOfExactly4096BytesWorks() {
    KeyMetadata key = TestKeys.hmac("HMAC_384");
    SdkBytes m = SdkBytes.fromByteArray(new byte[4096]);
    SdkBytes mac = kms().generateMac(b -> b.keyId(key.keyId()).message(m).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_384)).mac();
    assertThat(kms().verifyMac(b -> b.keyId(key.keyId()).message(m).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_384).mac(mac))
        .macValid()).isTrue();
  }

  @Test
  void wireShapes() {
    KeyMetadata key = TestKeys.hmac("HMAC_256");
    String m = Base64.getEncoder().encodeToString("wire".getBytes(StandardCharsets.UTF_8));
    RawKms.Response g = RawKms.call("GenerateMac", Map.of("KeyId", key.keyId(), "Message", m, "MacAlgorithm", "HMAC_SHA_256"));
    assertThat(g.status()).as("%s", g).isEqualTo(200);
    assertThat(SignVerifyTest.fieldNames(g)).containsExactlyInAnyOrder("Mac", "MacAlgorithm", "KeyId");
    RawKms.Response v = RawKms.call("VerifyMac", Map.of("KeyId", key.keyId(), "Message", m, "MacAlgorithm", "HMAC_SHA_256",
        "Mac", g.json().path("Mac").asText()));
    assertThat(v.status()).as("%s", v).isEqualTo(200);
    assertThat(SignVerifyTest.fieldNames(v)).containsExactlyInAnyOrder("KeyId", "MacValid", "MacAlgorithm");
    assertThat(v.json().path("MacValid").asBoolean()).isTrue();
  }

  @Test
  void disabledHmacKeyRefusesMacs() {
    KeyMetadata k = TestKeys.create("HMAC_256", KeyUsageType.GENERATE_VERIFY_MAC, "HmacTest disabled");
    SdkBytes m = SdkBytes.fromUtf8String("m");
    SdkBytes mac = kms().generateMac(b -> b.keyId(k.keyId()).message(m).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)).mac();
    kms().disableKey(b -> b.keyId(k.keyId()));
    expectError(() -> kms().generateMac(b -> b.keyId(k.keyId()).message(m).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)),
        DisabledException.class, "DisabledException", k.arn() + " is disabled.");
    expectError(() -> kms().verifyMac(b -> b.keyId(k.keyId()).message(m).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256).mac(mac)),
        DisabledException.class, "DisabledException", k.arn() + " is disabled.");
    kms().enableKey(b -> b.keyId(k.keyId()));
    assertThat(kms().verifyMac(b -> b.keyId(k.keyId()).message(m).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256).mac(mac))
        .macValid()).isTrue();
  }

  @Test
  void hmacKeyNeedsAnExplicitKeyUsage() {
    expectValidation(() -> kms().createKey(b -> b.keySpec("HMAC_256")),
        "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.");
    expectValidation(() -> kms().createKey(b -> b.keySpec("HMAC_256").keyUsage(KeyUsageType.ENCRYPT_DECRYPT)),
        "KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec HMAC_256");
  }
}
