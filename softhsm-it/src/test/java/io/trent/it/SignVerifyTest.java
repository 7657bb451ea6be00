package io.trent.it;

import static io.trent.it.KmsAssertions.expectError;
import static io.trent.it.KmsAssertions.expectValidation;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.InvalidKeyUsageException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInvalidSignatureException;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SignResponse;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.VerifyResponse;

/**
 * Sign and Verify with every algorithm AWS lists for each signing key spec, MessageType RAW and
 * DIGEST; every signature is checked offline (JDK, Bouncy Castle for secp256k1, openssl for some).
 */
@ExtendWith(TrentExtension.class)
class SignVerifyTest {
  static final List<SigningAlgorithmSpec> RSA_ALGORITHMS = List.of(
      SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256, SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_384,
      SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_512, SigningAlgorithmSpec.RSASSA_PSS_SHA_256,
      SigningAlgorithmSpec.RSASSA_PSS_SHA_384, SigningAlgorithmSpec.RSASSA_PSS_SHA_512);
  static final Map<String, List<SigningAlgorithmSpec>> ALGORITHMS = Map.of(
      "RSA_2048", RSA_ALGORITHMS,
      "RSA_3072", RSA_ALGORITHMS,
      "RSA_4096", RSA_ALGORITHMS,
      "ECC_NIST_P256", List.of(SigningAlgorithmSpec.ECDSA_SHA_256),
      "ECC_NIST_P384", List.of(SigningAlgorithmSpec.ECDSA_SHA_384),
      "ECC_NIST_P521", List.of(SigningAlgorithmSpec.ECDSA_SHA_512),
      "ECC_SECG_P256K1", List.of(SigningAlgorithmSpec.ECDSA_SHA_256));
  static final List<String> SPECS =
      List.of("RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1");

  static KmsClient kms() {
    return Trent.kms();
  }

  static KeyMetadata key(String spec) {
    return spec.startsWith("RSA") ? TestKeys.rsaSigning(Integer.parseInt(spec.substring(4))) : TestKeys.ecc(spec);
  }

  static byte[] publicKey(KeyMetadata key) {
    return kms().getPublicKey(b -> b.keyId(key.keyId())).publicKey().asByteArray();
  }

  static Stream<Arguments> everyAlgorithm() {
    List<Arguments> cases = new ArrayList<>();
    for (String spec : SPECS) {
      for (SigningAlgorithmSpec alg : ALGORITHMS.get(spec)) {
        for (MessageType type : List.of(MessageType.RAW, MessageType.DIGEST)) {
          cases.add(Arguments.of(spec, alg, type));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("everyAlgorithm")
  void signVerifiesOnlineAndOffline(String spec, SigningAlgorithmSpec alg, MessageType type) throws Exception {
    KeyMetadata key = key(spec);
    byte[] message = ("a message for " + spec + " " + alg + " " + type).getBytes(StandardCharsets.UTF_8);
    byte[] sent = type == MessageType.DIGEST ? Offline.digest(alg, message) : message;

    SignResponse s = kms().sign(b -> b.keyId(key.keyId()).message(SdkBytes.fromByteArray(sent)).messageType(type)
        .signingAlgorithm(alg));
    assertThat(s.keyId()).isEqualTo(key.arn());
    assertThat(s.signingAlgorithm()).isEqualTo(alg);
    byte[] signature = s.signature().asByteArray();
    byte[] spki = publicKey(key);
    if (spec.startsWith("RSA")) {
      int modulusBytes = ((RSAPublicKey) Offline.publicKey(spec, spki)).getModulus().bitLength() / 8;
      assertThat(signature).as("an RSA signature is as long as the modulus").hasSize(modulusBytes);
    } else {
      assertThat(signature[0]).as("ECDSA signatures are DER SEQUENCEs").isEqualTo((byte) 0x30);
    }
    // Offline: over the message itself, whichever MessageType was used to sign.
    assertThat(Offline.verify(spec, spki, alg, message, signature)).as("offline verification").isTrue();

    VerifyResponse v = kms().verify(b -> b.keyId(key.arn()).message(SdkBytes.fromByteArray(sent)).messageType(type)
        .signingAlgorithm(alg).signature(SdkBytes.fromByteArray(signature)));
    assertThat(v.signatureValid()).isTrue();
    assertThat(v.keyId()).isEqualTo(key.arn());
    assertThat(v.signingAlgorithm()).isEqualTo(alg);

    // The same signature verifies against the other message type.
    MessageType other = type == MessageType.RAW ? MessageType.DIGEST : MessageType.RAW;
    byte[] otherMessage = other == MessageType.DIGEST ? Offline.digest(alg, message) : message;
    assertThat(kms().verify(b -> b.keyId(key.keyId()).message(SdkBytes.fromByteArray(otherMessage)).messageType(other)
        .signingAlgorithm(alg).signature(SdkBytes.fromByteArray(signature))).signatureValid()).isTrue();

    // A tampered signature, or another message, is KMSInvalidSignatureException without a message.
    byte[] tampered = signature.clone();
    tampered[tampered.length / 2] ^= 0x01;
    expectInvalidSignature(() -> kms().verify(b -> b.keyId(key.keyId()).message(SdkBytes.fromByteArray(sent))
        .messageType(type).signingAlgorithm(alg).signature(SdkBytes.fromByteArray(tampered))));
    byte[] otherSent = sent.clone();
    otherSent[0] ^= 0x01;
    expectInvalidSignature(() -> kms().verify(b -> b.keyId(key.keyId()).message(SdkBytes.fromByteArray(otherSent))
        .messageType(type).signingAlgorithm(alg).signature(SdkBytes.fromByteArray(signature))));
  }

  static KmsException expectInvalidSignature(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    KmsException e = expectError(call, KmsInvalidSignatureException.class, "KMSInvalidSignatureException");
    assertThat(e.awsErrorDetails().errorMessage()).as("KMSInvalidSignatureException carries no message").isNullOrEmpty();
    return e;
  }

  @Test
  void defaultMessageTypeIsRaw() throws Exception {
    KeyMetadata key = key("ECC_NIST_P256");
    byte[] message = "no MessageType".getBytes(StandardCharsets.UTF_8);
    byte[] sig = kms().sign(b -> b.keyId(key.keyId()).message(SdkBytes.fromByteArray(message))
        .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)).signature().asByteArray();
    assertThat(Offline.verify("ECC_NIST_P256", publicKey(key), SigningAlgorithmSpec.ECDSA_SHA_256, message, sig)).isTrue();
  }

  @Test
  void pkcs1SignaturesAreDeterministicAndPssAndEcdsaAreNot() {
    KeyMetadata rsa = key("RSA_2048");
    KeyMetadata ec = key("ECC_NIST_P256");
    SdkBytes m = SdkBytes.fromUtf8String("same message");
    assertThat(signOnce(rsa, m, SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256))
        .isEqualTo(signOnce(rsa, m, SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256));
    assertThat(signOnce(rsa, m, SigningAlgorithmSpec.RSASSA_PSS_SHA_256))
        .isNotEqualTo(signOnce(rsa, m, SigningAlgorithmSpec.RSASSA_PSS_SHA_256));
    assertThat(signOnce(ec, m, SigningAlgorithmSpec.ECDSA_SHA_256))
        .isNotEqualTo(signOnce(ec, m, SigningAlgorithmSpec.ECDSA_SHA_256));
  }

  static byte[] signOnce(KeyMetadata key, SdkBytes message, SigningAlgorithmSpec alg) {
    return kms().sign(b -> b.keyId(key.keyId()).message(message).signingAlgorithm(alg)).signature().asByteArray();
  }

  /**
   * Encoding edge cases come up by chance: an ECDSA r or s with a leading zero byte or the high bit
   * set (DER INTEGER padding), an RSA signature whose integer is shorter than the modulus (must be
   * left-padded to the modulus length). Many signatures make them all but certain to appear.
   */
  @Test
  void encodingsHoldOverManySignatures() throws Exception {
    for (String spec : List.of("ECC_NIST_P256", "ECC_SECG_P256K1", "RSA_2048")) {
      KeyMetadata key = key(spec);
      byte[] spki = publicKey(key);
      SigningAlgorithmSpec alg = spec.startsWith("RSA") ? SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256
          : SigningAlgorithmSpec.ECDSA_SHA_256;
      int n = spec.startsWith("RSA") ? 120 : 160;
      for (int i = 0; i < n; i++) {
        byte[] message = (spec + " message #" + i).getBytes(StandardCharsets.UTF_8);
        byte[] sig = signOnce(key, SdkBytes.fromByteArray(message), alg);
        if (spec.startsWith("RSA")) {
          assertThat(sig).as("%s signature #%d length", spec, i).hasSize(256);
        }
        assertThat(Offline.verify(spec, spki, alg, message, sig)).as("%s signature #%d verifies offline", spec, i).isTrue();
        if (i % 20 == 0) {
          assertThat(kms().verify(b -> b.keyId(key.keyId()).message(SdkBytes.fromByteArray(message))
              .signingAlgorithm(alg).signature(SdkBytes.fromByteArray(sig))).signatureValid()).isTrue();
        }
      }
    }
  }

  @Test
  void opensslVerifiesRsaAndEcSignatures(@TempDir Path dir) throws Exception {
    byte[] message = "verified by openssl dgst".getBytes(StandardCharsets.UTF_8);
    record Case(String spec, SigningAlgorithmSpec alg, String hash, String[] sigopts) {}
    List<Case> cases = List.of(
        new Case("RSA_2048", SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256, "sha256", new String[0]),
        new Case("RSA_3072", SigningAlgorithmSpec.RSASSA_PSS_SHA_384, "sha384",
            new String[] {"rsa_padding_mode:pss", "rsa_pss_saltlen:48", "rsa_mgf1_md:sha384"}),
        new Case("ECC_NIST_P256", SigningAlgorithmSpec.ECDSA_SHA_256, "sha256", new String[0]),
        new Case("ECC_NIST_P521", SigningAlgorithmSpec.ECDSA_SHA_512, "sha512", new String[0]),
        new Case("ECC_SECG_P256K1", SigningAlgorithmSpec.ECDSA_SHA_256, "sha256", new String[0]));
    for (Case c : cases) {
      KeyMetadata key = key(c.spec());
      byte[] sig = signOnce(key, SdkBytes.fromByteArray(message), c.alg());
      Offline.OpensslResult ok = Offline.opensslVerify(dir, c.hash(), publicKey(key), sig, message, c.sigopts());
      assertThat(ok.exitCode()).as("openssl verify %s %s: %s", c.spec(), c.alg(), ok.output()).isZero();
      assertThat(ok.output()).as("%s %s", c.spec(), c.alg()).isEqualTo("Verified OK");

      byte[] bad = Arrays.copyOf(message, message.length + 1);
      Offline.OpensslResult no = Offline.opensslVerify(dir, c.hash(), publicKey(key), sig, bad, c.sigopts());
      assertThat(no.exitCode()).as("openssl must reject another message for %s", c.spec()).isNotZero();
    }
  }

  @Test
  void digestOfTheWrongLengthIsRejected() {
    KeyMetadata ec = key("ECC_NIST_P256");
    KeyMetadata rsa = key("RSA_2048");
    expectValidation(
        () -> kms().sign(b -> b.keyId(ec.keyId()).message(SdkBytes.fromByteArray(new byte[31]))
            .messageType(MessageType.DIGEST).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)),
        "Digest is invalid length for algorithm ECDSA_SHA_256.");
    expectValidation(
        () -> kms().sign(b -> b.keyId(rsa.keyId()).message(SdkBytes.fromByteArray(new byte[32]))
            .messageType(MessageType.DIGEST).signingAlgorithm(SigningAlgorithmSpec.RSASSA_PSS_SHA_384)),
        "Digest is invalid length for algorithm RSASSA_PSS_SHA_384.");
    expectValidation(
        () -> kms().verify(b -> b.keyId(ec.keyId()).message(SdkBytes.fromByteArray(new byte[64]))
            .messageType(MessageType.DIGEST).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)
            .signature(SdkBytes.fromByteArray(new byte[70]))),
        "Digest is invalid length for algorithm ECDSA_SHA_256.");
  }

  @Test
  void messageLongerThan4096BytesIsRejected() {
    KeyMetadata ec = key("ECC_NIST_P256");
    String tooLong = "1 validation error detected: Value at 'message' failed to satisfy constraint: "
        + "Member must have length less than or equal to 4096";
    expectValidation(
        () -> kms().sign(b -> b.keyId(ec.keyId()).message(SdkBytes.fromByteArray(new byte[4097]))
            .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)),
        tooLong);
    expectValidation(
        () -> kms().verify(b -> b.keyId(ec.keyId()).message(SdkBytes.fromByteArray(new byte[4097]))
            .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256).signature(SdkBytes.fromByteArray(new byte[70]))),
        tooLong);
    expectValidation(
        () -> kms().sign(b -> b.keyId(ec.keyId()).message(SdkBytes.fromByteArray(new byte[0]))
            .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)),
        "1 validation error detected: Value at 'message' failed to satisfy constraint: "
            + "Member must have length greater than or equal to 1");
    // 4096 bytes is fine.
    SdkBytes max = SdkBytes.fromByteArray(new byte[4096]);
    byte[] sig = kms().sign(b -> b.keyId(ec.keyId()).message(max).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256))
        .signature().asByteArray();
    assertThat(kms().verify(b -> b.keyId(ec.keyId()).message(max).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)
        .signature(SdkBytes.fromByteArray(sig))).signatureValid()).isTrue();
  }

  @Test
  void algorithmNotOfferedForTheSpecIsInvalidKeyUsage() {
    KeyMetadata ec = key("ECC_NIST_P256");
    KeyMetadata rsa = key("RSA_2048");
    SdkBytes m = SdkBytes.fromUtf8String("m");
    expectError(
        () -> kms().sign(b -> b.keyId(ec.keyId()).message(m).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_384)),
        InvalidKeyUsageException.class, "InvalidKeyUsageException",
        "Algorithm ECDSA_SHA_384 is incompatible with key spec ECC_NIST_P256.");
    expectError(
        () -> kms().sign(b -> b.keyId(ec.keyId()).message(m).signingAlgorithm(SigningAlgorithmSpec.RSASSA_PSS_SHA_256)),
        InvalidKeyUsageException.class, "InvalidKeyUsageException",
        "Algorithm RSASSA_PSS_SHA_256 is incompatible with key spec ECC_NIST_P256.");
    expectError(
        () -> kms().verify(b -> b.keyId(rsa.keyId()).message(m).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)
            .signature(SdkBytes.fromByteArray(new byte[256]))),
        InvalidKeyUsageException.class, "InvalidKeyUsageException",
        "Algorithm ECDSA_SHA_256 is incompatible with key spec RSA_2048.");
    expectError(
        () -> kms().sign(b -> b.keyId(TestKeys.ecc("ECC_SECG_P256K1").keyId()).message(m)
            .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_512)),
        InvalidKeyUsageException.class, "InvalidKeyUsageException",
        "Algorithm ECDSA_SHA_512 is incompatible with key spec ECC_SECG_P256K1.");
    // Ed25519 names are valid AWS values (for ECC_NIST_EDWARDS25519 keys, which this server cannot create).
    expectError(
        () -> kms().sign(b -> b.keyId(TestKeys.ecc("ECC_NIST_P256").keyId()).message(m)
            .signingAlgorithm("ED25519_SHA_512")),
        InvalidKeyUsageException.class, "InvalidKeyUsageException",
        "Algorithm ED25519_SHA_512 is incompatible with key spec ECC_NIST_P256.");
  }

  @Test
  void missingOrUnknownSigningAlgorithmIsAValidationError() {
    KeyMetadata ec = key("ECC_NIST_P256");
    String m = java.util.Base64.getEncoder().encodeToString("m".getBytes(StandardCharsets.UTF_8));
    RawKms.Response missing = RawKms.call("Sign", Map.of("KeyId", ec.keyId(), "Message", m));
    assertThat(missing.status()).as("%s", missing).isEqualTo(400);
    assertThat(missing.errorType()).isEqualTo("ValidationException");
    assertThat(missing.json().path("message").asText()).isEqualTo(
        "1 validation error detected: Value null at 'signingAlgorithm' failed to satisfy constraint: Member must not be null");

    RawKms.Response unknown = RawKms.call("Sign", Map.of("KeyId", ec.keyId(), "Message", m, "SigningAlgorithm", "ECDSA_SHA_1"));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.errorType()).isEqualTo("ValidationException");
    assertThat(unknown.json().path("message").asText())
        .startsWith("1 validation error detected: Value 'ECDSA_SHA_1' at 'signingAlgorithm' failed to satisfy constraint: "
            + "Member must satisfy enum value set: [");
  }

  @Test
  void wireShapesOfSignAndVerify() {
    KeyMetadata ec = key("ECC_NIST_P256");
    String m = java.util.Base64.getEncoder().encodeToString("wire".getBytes(StandardCharsets.UTF_8));
    RawKms.Response s = RawKms.call("Sign", Map.of("KeyId", ec.keyId(), "Message", m, "SigningAlgorithm", "ECDSA_SHA_256"));
    assertThat(s.status()).as("%s", s).isEqualTo(200);
    assertThat(fieldNames(s)).containsExactlyInAnyOrder("KeyId", "Signature", "SigningAlgorithm");
    assertThat(s.json().path("KeyId").asText()).isEqualTo(ec.arn());
    RawKms.Response v = RawKms.call("Verify", Map.of("KeyId", ec.keyId(), "Message", m, "SigningAlgorithm", "ECDSA_SHA_256",
        "Signature", s.json().path("Signature").asText()));
    assertThat(v.status()).as("%s", v).isEqualTo(200);
    assertThat(fieldNames(v)).containsExactlyInAnyOrder("KeyId", "SignatureValid", "SigningAlgorithm");
    assertThat(v.json().path("SignatureValid").asBoolean()).isTrue();
  }

  static List<String> fieldNames(RawKms.Response r) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = r.json().fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  @Test
  void disabledSigningKeyRefusesSignButStillGivesItsPublicKey() throws Exception {
    KeyMetadata k = TestKeys.create("ECC_NIST_P256", software.amazon.awssdk.services.kms.model.KeyUsageType.SIGN_VERIFY,
        "SignVerifyTest disabled");
    SdkBytes m = SdkBytes.fromUtf8String("disabled");
    byte[] sig = signOnce(k, m, SigningAlgorithmSpec.ECDSA_SHA_256);
    kms().disableKey(b -> b.keyId(k.keyId()));
    expectError(() -> kms().sign(b -> b.keyId(k.keyId()).message(m).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)),
        DisabledException.class, "DisabledException", k.arn() + " is disabled.");
    expectError(() -> kms().verify(b -> b.keyId(k.keyId()).message(m).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)
            .signature(SdkBytes.fromByteArray(sig))),
        DisabledException.class, "DisabledException", k.arn() + " is disabled.");
    byte[] spki = kms().getPublicKey(b -> b.keyId(k.keyId())).publicKey().asByteArray();
    assertThat(Offline.verify("ECC_NIST_P256", spki, SigningAlgorithmSpec.ECDSA_SHA_256, m.asByteArray(), sig)).isTrue();
    kms().enableKey(b -> b.keyId(k.keyId()));
    assertThat(kms().verify(b -> b.keyId(k.keyId()).message(m).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)
        .signature(SdkBytes.fromByteArray(sig))).signatureValid()).isTrue();
  }

  @Test
  void signByAliasReportsTheKeyArn() {
    KeyMetadata ec = key("ECC_NIST_P384");
    String alias = Trent.uniqueAlias("sign");
    kms().createAlias(b -> b.aliasName(alias).targetKeyId(ec.keyId()));
    SignResponse s = kms().sign(b -> b.keyId(alias).message(SdkBytes.fromUtf8String("alias"))
        .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_384));
    assertThat(s.keyId()).isEqualTo(ec.arn());
    assertThat(kms().verify(b -> b.keyId(Trent.ALIAS_ARN_PREFIX + alias.substring("alias/".length()))
        .message(SdkBytes.fromUtf8String("alias")).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_384)
        .signature(s.signature())).keyId()).isEqualTo(ec.arn());
  }
}
