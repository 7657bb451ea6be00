package io.trent.it;

import static io.trent.it.KmsAssertions.expectValidation;
import static io.trent.it.KmsAssertions.expectValidationPrefix;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.EncryptionAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.OriginType;

/**
 * CreateKey with the asymmetric key specs (RSA_2048/3072/4096 for ENCRYPT_DECRYPT and
 * SIGN_VERIFY, the ECC specs for SIGN_VERIFY) and GetPublicKey: DER SPKI of the right size and
 * curve, KeySpec, KeyUsage and exactly one algorithm list.
 */
@ExtendWith(TrentExtension.class)
class AsymmetricKeysTest {
  static final List<String> RSA_SIGNING = List.of("RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384",
      "RSASSA_PKCS1_V1_5_SHA_512", "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512");

  static KmsClient kms() {
    return Trent.kms();
  }

  static KeyMetadata key(String spec, KeyUsageType usage) {
    if (spec.startsWith("RSA")) {
      int bits = Integer.parseInt(spec.substring(4));
      return usage == KeyUsageType.SIGN_VERIFY ? TestKeys.rsaSigning(bits) : TestKeys.rsaEncryption(bits);
    }
    return TestKeys.ecc(spec);
  }

  /** Field size in bits of each curve (secp256k1 and P-256 are both 256). */
  static int fieldBits(String spec) {
    return switch (spec) {
      case "ECC_NIST_P256", "ECC_SECG_P256K1" -> 256;
      case "ECC_NIST_P384" -> 384;
      case "ECC_NIST_P521" -> 521;
      default -> throw new IllegalArgumentException(spec);
    };
  }

  static List<String> signingAlgorithms(String spec) {
    return switch (spec) {
      case "ECC_NIST_P256", "ECC_SECG_P256K1" -> List.of("ECDSA_SHA_256");
      case "ECC_NIST_P384" -> List.of("ECDSA_SHA_384");
      case "ECC_NIST_P521" -> List.of("ECDSA_SHA_512");
      default -> RSA_SIGNING;
    };
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"RSA_2048, ENCRYPT_DECRYPT", "RSA_3072, ENCRYPT_DECRYPT", "RSA_4096, ENCRYPT_DECRYPT",
      "RSA_2048, SIGN_VERIFY", "RSA_3072, SIGN_VERIFY", "ECC_NIST_P256, SIGN_VERIFY", "ECC_NIST_P384, SIGN_VERIFY",
      "ECC_NIST_P521, SIGN_VERIFY", "ECC_SECG_P256K1, SIGN_VERIFY"})
  void createKeyAndGetPublicKey(String spec, KeyUsageType usage) throws Exception {
    KeyMetadata m = key(spec, usage);
    assertThat(m.keySpecAsString()).isEqualTo(spec);
    assertThat(m.customerMasterKeySpecAsString()).isEqualTo(spec);
    assertThat(m.keyUsage()).isEqualTo(usage);
    assertThat(m.keyState()).isEqualTo(KeyState.ENABLED);
    assertThat(m.enabled()).isTrue();
    assertThat(m.origin()).isEqualTo(OriginType.AWS_KMS);
    assertThat(m.arn()).isEqualTo(Trent.KEY_ARN_PREFIX + m.keyId());
    assertThat(kms().describeKey(b -> b.keyId(m.keyId())).keyMetadata()).isEqualTo(m);

    GetPublicKeyResponse r = kms().getPublicKey(b -> b.keyId(m.keyId()));
    assertThat(r.keyId()).isEqualTo(m.arn());
    assertThat(r.keySpecAsString()).isEqualTo(spec);
    assertThat(r.customerMasterKeySpecAsString()).isEqualTo(spec);
    assertThat(r.keyUsage()).isEqualTo(usage);
    PublicKey pub = Offline.publicKey(spec, r.publicKey().asByteArray());
    assertThat(pub.getFormat()).isEqualTo("X.509");
    assertThat(pub.getEncoded()).as("PublicKey is the DER SPKI").isEqualTo(r.publicKey().asByteArray());
    if (spec.startsWith("RSA")) {
      assertThat(((RSAPublicKey) pub).getModulus().bitLength()).isEqualTo(Integer.parseInt(spec.substring(4)));
      assertThat(((RSAPublicKey) pub).getPublicExponent().intValue()).isEqualTo(65537);
    } else {
      assertThat(((ECPublicKey) pub).getParams().getCurve().getField().getFieldSize()).isEqualTo(fieldBits(spec));
    }
    if (spec.equals("ECC_SECG_P256K1")) {
      // secp256k1 has a = 0; P-256 does not.
      assertThat(((ECPublicKey) pub).getParams().getCurve().getA().signum()).isZero();
    }

    if (usage == KeyUsageType.ENCRYPT_DECRYPT) {
      assertThat(r.encryptionAlgorithms()).containsExactly(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_1,
          EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256);
      assertThat(r.hasSigningAlgorithms()).isFalse();
      assertThat(m.encryptionAlgorithmsAsStrings()).containsExactly("RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256");
      assertThat(m.hasSigningAlgorithms()).isFalse();
    } else {
      assertThat(r.signingAlgorithmsAsStrings()).containsExactlyElementsOf(signingAlgorithms(spec));
      assertThat(r.hasEncryptionAlgorithms()).isFalse();
      assertThat(m.signingAlgorithmsAsStrings()).containsExactlyElementsOf(signingAlgorithms(spec));
      assertThat(m.hasEncryptionAlgorithms()).isFalse();
    }
    assertThat(m.hasMacAlgorithms()).isFalse();

    // The wire response has exactly AWS's members.
    RawKms.Response raw = RawKms.call("GetPublicKey", java.util.Map.of("KeyId", m.arn()));
    assertThat(raw.status()).as("%s", raw).isEqualTo(200);
    assertThat(SignVerifyTest.fieldNames(raw)).containsExactlyInAnyOrder("KeyId", "PublicKey", "CustomerMasterKeySpec",
        "KeySpec", "KeyUsage", usage == KeyUsageType.ENCRYPT_DECRYPT ? "EncryptionAlgorithms" : "SigningAlgorithms");
  }

  @Test
  void getPublicKeyByAliasAndTheKeyIsListed() {
    KeyMetadata m = TestKeys.ecc("ECC_NIST_P256");
    String alias = Trent.uniqueAlias("pub");
    kms().createAlias(b -> b.aliasName(alias).targetKeyId(m.keyId()));
    GetPublicKeyResponse byAlias = kms().getPublicKey(b -> b.keyId(alias));
    assertThat(byAlias.keyId()).isEqualTo(m.arn());
    assertThat(byAlias.publicKey()).isEqualTo(kms().getPublicKey(b -> b.keyId(m.keyId())).publicKey());

    Set<String> listed = kms().listKeysPaginator(b -> b.limit(1000)).keys().stream().map(KeyListEntry::keyId)
        .collect(Collectors.toSet());
    assertThat(listed).contains(m.keyId(), TestKeys.rsaEncryption(2048).keyId(), TestKeys.hmac("HMAC_256").keyId());
  }

  @Test
  void incompatibleKeyUsageIsRejected() {
    expectValidation(() -> kms().createKey(b -> b.keySpec("ECC_NIST_P256").keyUsage(KeyUsageType.ENCRYPT_DECRYPT)),
        "KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec ECC_NIST_P256");
    expectValidation(() -> kms().createKey(b -> b.keySpec("ECC_SECG_P256K1").keyUsage(KeyUsageType.ENCRYPT_DECRYPT)),
        "KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec ECC_SECG_P256K1");
    expectValidation(() -> kms().createKey(b -> b.keySpec("RSA_2048").keyUsage(KeyUsageType.GENERATE_VERIFY_MAC)),
        "KeyUsage GENERATE_VERIFY_MAC is not compatible with KeySpec RSA_2048");
    expectValidation(() -> kms().createKey(b -> b.keySpec("SYMMETRIC_DEFAULT").keyUsage(KeyUsageType.SIGN_VERIFY)),
        "KeyUsage SIGN_VERIFY is not compatible with KeySpec SYMMETRIC_DEFAULT");
    expectValidation(() -> kms().createKey(b -> b.keySpec("RSA_2048")),
        "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.");
    expectValidationPrefix(() -> kms().createKey(b -> b.keySpec("HMAC_random").keyUsage(KeyUsageType.GENERATE_VERIFY_MAC)),
        "1 validation error detected: Value 'HMAC_random' at 'keySpec' failed to satisfy constraint: "
            + "Member must satisfy enum value set: [");
    expectValidationPrefix(() -> kms().createKey(b -> b.keySpec("RSA_2048").keyUsage("RANDOM")),
        "1 validation error detected: Value 'RANDOM' at 'keyUsage' failed to satisfy constraint: "
            + "Member must satisfy enum value set: [");
  }

  @Test
  void customerMasterKeySpecIsTheDeprecatedSpellingOfKeySpec() {
    KeyMetadata m = kms().createKey(b -> b.customerMasterKeySpec("ECC_NIST_P384").keyUsage(KeyUsageType.SIGN_VERIFY)
        .description("AsymmetricKeysTest CustomerMasterKeySpec")).keyMetadata();
    assertThat(m.keySpecAsString()).isEqualTo("ECC_NIST_P384");
    assertThat(m.signingAlgorithmsAsStrings()).containsExactly("ECDSA_SHA_384");
  }
}
