package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.AlgorithmSpec;
import software.amazon.awssdk.services.kms.model.ExpirationModelType;
import software.amazon.awssdk.services.kms.model.GetParametersForImportResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.kms.model.WrappingKeySpec;

/**
 * No private or secret key material can leave the token: after creating RSA, EC, HMAC and
 * symmetric keys and importing material, every private and secret key object on the token, seen by
 * pkcs11-tool from another process, is sensitive and not extractable, and is labelled
 * {@code trent:<keyId>} with its material id as CKA_ID (or {@code trent-import} for a wrapping key).
 */
@Order(Integer.MAX_VALUE - 1)
@ExtendWith(TrentExtension.class)
class KeyMaterialNeverLeavesTheTokenTest {

  @Test
  void everyKeyObjectIsSensitiveAndNotExtractable() throws Exception {
    List<KeyMetadata> generated = List.of(
        TestKeys.rsaEncryption(2048), TestKeys.rsaSigning(2048), TestKeys.ecc("ECC_NIST_P256"),
        TestKeys.ecc("ECC_SECG_P256K1"), TestKeys.hmac("HMAC_256"), TestKeys.hmac("HMAC_512"), TestKeys.symmetric());
    KeyMetadata importedSym = imported("SYMMETRIC_DEFAULT", KeyUsageType.ENCRYPT_DECRYPT, AlgorithmSpec.RSAES_OAEP_SHA_1);
    KeyMetadata importedHmac = imported("HMAC_256", KeyUsageType.GENERATE_VERIFY_MAC, AlgorithmSpec.RSA_AES_KEY_WRAP_SHA_1);

    List<Pkcs11Tool.TokenObject> objects = Pkcs11Tool.listObjects();
    Map<String, List<Pkcs11Tool.TokenObject>> byLabel =
        objects.stream().collect(Collectors.groupingBy(Pkcs11Tool.TokenObject::label));

    for (KeyMetadata k : generated) {
      List<Pkcs11Tool.TokenObject> mine = byLabel.getOrDefault("trent:" + k.keyId(), List.of());
      List<Pkcs11Tool.TokenObject> material = mine.stream().filter(Pkcs11Tool.TokenObject::isKeyMaterial).toList();
      assertThat(material).as("key material objects of %s %s", k.keySpecAsString(), k.keyId()).hasSize(1);
      Pkcs11Tool.TokenObject o = material.get(0);
      assertThat(o.kind()).isEqualTo(k.keySpecAsString().startsWith("RSA") || k.keySpecAsString().startsWith("ECC")
          ? "Private Key" : "Secret Key");
      assertThat(o.access()).as("Access of %s", k.keySpecAsString())
          .contains("sensitive", "always sensitive", "never extractable", "local")
          .doesNotContain("extractable");
      if (k.keySpecAsString().equals("SYMMETRIC_DEFAULT")) {
        assertThat(o.id()).isEqualTo(Wire.currentMaterial(k.keyId()));
      }
      if (o.kind().equals("Private Key")) {
        assertThat(mine).as("the public half of %s", k.keySpecAsString())
            .anySatisfy(p -> assertThat(p.kind()).isEqualTo("Public Key"));
      }
    }
    for (KeyMetadata k : List.of(importedSym, importedHmac)) {
      List<Pkcs11Tool.TokenObject> mine = byLabel.getOrDefault("trent:" + k.keyId(), List.of());
      assertThat(mine).as("objects of imported %s", k.keySpecAsString()).singleElement().satisfies(o -> {
        assertThat(o.kind()).isEqualTo("Secret Key");
        // Unwrapped keys are never "always sensitive"/"never extractable"/"local" in PKCS#11.
        assertThat(o.access()).as("Access of imported %s", k.keySpecAsString())
            .contains("sensitive").doesNotContain("extractable");
      });
    }

    // And across the whole token: every private or secret key is Trent's, sensitive and not extractable.
    List<Pkcs11Tool.TokenObject> keyMaterial = objects.stream().filter(Pkcs11Tool.TokenObject::isKeyMaterial).toList();
    assertThat(keyMaterial).isNotEmpty();
    assertThat(keyMaterial).allSatisfy(o -> {
      assertThat(o.label()).as("label of %s", o.header()).matches("^trent:[0-9a-f-]{36}$|^trent-import$");
      assertThat(o.access()).as("Access of %s %s", o.header(), o.label()).contains("sensitive")
          .doesNotContain("extractable");
      if (o.label().startsWith("trent:")) {
        assertThat(o.id()).as("CKA_ID of %s is a 32-byte material id", o.label()).matches("^[0-9a-f]{64}$");
      }
    });
  }

  static KeyMetadata imported(String spec, KeyUsageType usage, AlgorithmSpec alg) throws Exception {
    KeyMetadata k = Trent.kms().createKey(b -> b.origin(OriginType.EXTERNAL).keySpec(spec).keyUsage(usage)
        .description("KeyMaterialNeverLeavesTheTokenTest imported " + spec)).keyMetadata();
    GetParametersForImportResponse p = Trent.kms().getParametersForImport(b -> b.keyId(k.keyId())
        .wrappingAlgorithm(alg).wrappingKeySpec(WrappingKeySpec.RSA_2048));
    byte[] material = new byte[32];
    new SecureRandom().nextBytes(material);
    java.security.PublicKey pub = ImportKeyMaterialTest.wrappingKey(p);
    byte[] wrapped = alg == AlgorithmSpec.RSAES_OAEP_SHA_1
        ? ImportKeyMaterialTest.wrapOaepSha1(pub, material) : ImportKeyMaterialTest.wrapRsaAesSha1(pub, material);
    Trent.kms().importKeyMaterial(b -> b.keyId(k.keyId()).importToken(p.importToken())
        .encryptedKeyMaterial(SdkBytes.fromByteArray(wrapped))
        .expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE));
    return k;
  }
}
