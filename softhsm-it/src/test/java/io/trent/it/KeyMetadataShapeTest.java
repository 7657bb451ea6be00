package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.OriginType;

/**
 * DescribeKey and CreateKey KeyMetadata on the wire, per key type (reference §5.2): exactly AWS's
 * members, read raw because SDK 2.29.52 does not model CurrentKeyMaterialId.
 */
@ExtendWith(TrentExtension.class)
class KeyMetadataShapeTest {
  static final Set<String> BASE = Set.of("AWSAccountId", "Arn", "CreationDate", "CustomerMasterKeySpec", "Description",
      "Enabled", "KeyId", "KeyManager", "KeySpec", "KeyState", "KeyUsage", "MultiRegion", "Origin");

  static KmsClient kms() {
    return Trent.kms();
  }

  static Set<String> with(String... extra) {
    Set<String> s = new TreeSet<>(BASE);
    s.addAll(List.of(extra));
    return s;
  }

  static void assertShape(KeyMetadata k, Set<String> fields) {
    JsonNode m = Wire.metadata(k.keyId());
    assertThat(new TreeSet<>(Wire.fieldNames(m))).as("DescribeKey members of %s %s", k.keySpecAsString(),
        k.keyUsageAsString()).isEqualTo(new TreeSet<>(fields));
    assertThat(m.path("Arn").asText()).isEqualTo(k.arn());
    assertThat(m.path("AWSAccountId").asText()).isEqualTo(Trent.ACCOUNT);
    assertThat(m.path("KeyManager").asText()).isEqualTo("CUSTOMER");
    assertThat(m.path("MultiRegion").asBoolean()).isFalse();
    assertThat(m.path("CreationDate").isNumber()).isTrue();
    assertThat(m.path("KeySpec").asText()).isEqualTo(m.path("CustomerMasterKeySpec").asText());
  }

  @Test
  void symmetric() {
    KeyMetadata k = TestKeys.symmetric();
    assertShape(k, with("CurrentKeyMaterialId", "EncryptionAlgorithms"));
    JsonNode m = Wire.metadata(k.keyId());
    assertThat(Wire.strings(m.path("EncryptionAlgorithms"))).containsExactly("SYMMETRIC_DEFAULT");
    assertThat(m.path("CurrentKeyMaterialId").asText()).matches("^[0-9a-f]{64}$");
  }

  @Test
  void hmacKeysHaveMacAlgorithmsAndNoEncryptionAlgorithmsOrCurrentKeyMaterialId() {
    for (String[] c : new String[][] {{"HMAC_224", "HMAC_SHA_224"}, {"HMAC_256", "HMAC_SHA_256"},
        {"HMAC_384", "HMAC_SHA_384"}, {"HMAC_512", "HMAC_SHA_512"}}) {
      KeyMetadata k = TestKeys.hmac(c[0]);
      assertShape(k, with("MacAlgorithms"));
      JsonNode m = Wire.metadata(k.keyId());
      assertThat(Wire.strings(m.path("MacAlgorithms"))).containsExactly(c[1]);
      assertThat(m.path("KeyUsage").asText()).isEqualTo("GENERATE_VERIFY_MAC");
      assertThat(m.path("KeySpec").asText()).isEqualTo(c[0]);
    }
  }

  @Test
  void rsaEncryptionKeys() {
    for (int bits : new int[] {2048, 3072, 4096}) {
      KeyMetadata k = TestKeys.rsaEncryption(bits);
      assertShape(k, with("EncryptionAlgorithms"));
      assertThat(Wire.strings(Wire.metadata(k.keyId()).path("EncryptionAlgorithms")))
          .containsExactly("RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256");
    }
  }

  @Test
  void signingKeys() {
    for (KeyMetadata k : List.of(TestKeys.rsaSigning(2048), TestKeys.rsaSigning(3072), TestKeys.ecc("ECC_NIST_P256"),
        TestKeys.ecc("ECC_NIST_P384"), TestKeys.ecc("ECC_NIST_P521"), TestKeys.ecc("ECC_SECG_P256K1"))) {
      assertShape(k, with("SigningAlgorithms"));
      assertThat(Wire.strings(Wire.metadata(k.keyId()).path("SigningAlgorithms")))
          .containsExactlyElementsOf(AsymmetricKeysTest.signingAlgorithms(k.keySpecAsString()));
    }
  }

  @Test
  void createKeyReturnsTheSameMembersAsDescribeKey() {
    JsonNode created = Wire.ok("CreateKey", Map.of("KeySpec", "ECC_NIST_P256", "KeyUsage", "SIGN_VERIFY",
        "Description", "KeyMetadataShapeTest create")).path("KeyMetadata");
    JsonNode described = Wire.metadata(created.path("KeyId").asText());
    assertThat(created).isEqualTo(described);
    JsonNode hmac = Wire.ok("CreateKey", Map.of("KeySpec", "HMAC_512", "KeyUsage", "GENERATE_VERIFY_MAC"))
        .path("KeyMetadata");
    assertThat(hmac).isEqualTo(Wire.metadata(hmac.path("KeyId").asText()));
    assertThat(hmac.path("Description").asText()).as("Description defaults to \"\" and is present").isEmpty();
    assertThat(hmac.has("Description")).isTrue();
  }

  @Test
  void externalKeysBeforeImport() {
    KeyMetadata sym = kms().createKey(b -> b.origin(OriginType.EXTERNAL).description("shape external")).keyMetadata();
    assertShape(sym, with("EncryptionAlgorithms"));
    JsonNode m = Wire.metadata(sym.keyId());
    assertThat(m.path("Enabled").asBoolean()).isFalse();
    assertThat(m.path("KeyState").asText()).isEqualTo("PendingImport");
    assertThat(m.path("Origin").asText()).isEqualTo("EXTERNAL");

    KeyMetadata hmac = kms().createKey(b -> b.origin(OriginType.EXTERNAL).keySpec("HMAC_256")
        .keyUsage(KeyUsageType.GENERATE_VERIFY_MAC)).keyMetadata();
    assertShape(hmac, with("MacAlgorithms"));
  }

  @Test
  void pendingDeletionAddsDeletionDateOnly() {
    // AWS adds DeletionDate; PendingDeletionWindowInDays is only for multi-Region primary keys in
    // PendingReplicaDeletion (KeyMetadata API reference).
    KeyMetadata k = Trent.newKey("shape pending deletion");
    kms().scheduleKeyDeletion(b -> b.keyId(k.keyId()).pendingWindowInDays(7));
    try {
      assertShape(k, with("CurrentKeyMaterialId", "EncryptionAlgorithms", "DeletionDate"));
      JsonNode m = Wire.metadata(k.keyId());
      assertThat(m.path("Enabled").asBoolean()).isFalse();
      assertThat(m.path("KeyState").asText()).isEqualTo("PendingDeletion");
      assertThat(m.path("DeletionDate").isNumber()).isTrue();
    } finally {
      kms().cancelKeyDeletion(b -> b.keyId(k.keyId()));
    }
  }
}
