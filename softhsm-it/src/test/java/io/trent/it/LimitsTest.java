package io.trent.it;

import static io.trent.it.KmsAssertions.expectError;
import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.KmsPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AlgorithmSpec;
import software.amazon.awssdk.services.kms.model.DataKeyPairSpec;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GetParametersForImportResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.LimitExceededException;
import software.amazon.awssdk.services.kms.model.RotationType;

/**
 * Service limits set small through {@link KmsPolicy} (the server restarted with them): the AES-GCM
 * budget of imported and generated key material, and the on-demand rotation limit, both counted
 * in the metadata so a restart does not reset them. Runs late: it restarts the shared server.
 */
@Order(Integer.MAX_VALUE - 1)
@ExtendWith(TrentExtension.class)
class LimitsTest {
  /**
   * Rotate generated material at its 3rd encryption; never more than 5 encryptions per material (for
   * imported material, the import check's encryption is the first of them).
   */
  static final KmsPolicy SMALL = new KmsPolicy(3, 5, 2, 2);
  static final SdkBytes PLAINTEXT = SdkBytes.fromUtf8String("limited");

  static KmsClient kms() {
    return Trent.kms();
  }

  @BeforeAll
  static void smallLimits() throws Exception {
    Trent.restartWith(SMALL);
  }

  @AfterAll
  static void defaultLimits() throws Exception {
    Trent.restartWith(KmsPolicy.DEFAULT);
  }

  static List<String> secretKeyIds(KeyMetadata k) {
    return Pkcs11Tool.objectsOf(k.keyId()).stream().filter(o -> o.kind().equals("Secret Key"))
        .map(Pkcs11Tool.TokenObject::id).toList();
  }

  @Test
  void anImportedKeyGetsNoSecondMaterialAndRefusesEncryptionPastItsBudget() throws Exception {
    KeyMetadata k = KeyMaterialNeverLeavesTheTokenTest.imported("SYMMETRIC_DEFAULT", KeyUsageType.ENCRYPT_DECRYPT,
        AlgorithmSpec.RSAES_OAEP_SHA_1);
    String material = Wire.currentMaterial(k.keyId());
    // With the import check's encryption, these four use up the budget of 5.
    SdkBytes first = kms().encrypt(b -> b.keyId(k.keyId()).plaintext(PLAINTEXT)).ciphertextBlob();
    kms().generateDataKey(b -> b.keyId(k.keyId()).keySpec(DataKeySpec.AES_256));
    kms().generateDataKeyPairWithoutPlaintext(b -> b.keyId(k.keyId()).keyPairSpec(DataKeyPairSpec.ECC_NIST_P256));
    kms().reEncrypt(b -> b.ciphertextBlob(first).destinationKeyId(k.keyId()));

    String message = "The encryption limit of the imported key material has been reached for the given keyId. "
        + "No more encryptions can be performed with this key material; import new key material into a new KMS key: "
        + k.arn();
    expectError(() -> kms().encrypt(b -> b.keyId(k.keyId()).plaintext(PLAINTEXT)),
        LimitExceededException.class, "LimitExceededException", message);
    expectError(() -> kms().generateDataKeyWithoutPlaintext(b -> b.keyId(k.keyId()).keySpec(DataKeySpec.AES_128)),
        LimitExceededException.class, "LimitExceededException", message);
    assertThat(Wire.currentMaterial(k.keyId())).as("no second material").isEqualTo(material);
    assertThat(secretKeyIds(k)).as("one HSM object").containsExactly(material);
    // What was encrypted still decrypts.
    assertThat(kms().decrypt(b -> b.ciphertextBlob(first)).plaintext()).isEqualTo(PLAINTEXT);

    Trent.restartWith(SMALL);
    expectError(() -> kms().encrypt(b -> b.keyId(k.keyId()).plaintext(PLAINTEXT)),
        LimitExceededException.class, "LimitExceededException", message);
    assertThat(secretKeyIds(k)).containsExactly(material);
  }

  @Test
  void anOperatorSetsTheLimitsInTheKmsSectionOfTheConfiguration() throws Exception {
    Trent.restartWithEnvironment(Map.of("TRENT_KMS_ON_DEMAND_ROTATION_LIMIT", "1"));
    try {
      KeyMetadata k = Trent.newKey("LimitsTest configured");
      kms().rotateKeyOnDemand(b -> b.keyId(k.keyId()));
      expectError(() -> kms().rotateKeyOnDemand(b -> b.keyId(k.keyId())), LimitExceededException.class,
          "LimitExceededException", "The on-demand rotations limit has been reached for the given keyId. "
              + "No more on-demand rotations can be performed for this key: " + k.arn());
    } finally {
      Trent.restartWith(SMALL);
    }
  }

  @Test
  void reImportingTheSameMaterialDoesNotRenewItsBudget() throws Exception {
    KeyMetadata k = ImportKeyMaterialTest.external("SYMMETRIC_DEFAULT", KeyUsageType.ENCRYPT_DECRYPT);
    byte[] material = ImportKeyMaterialTest.random(32);
    importAgain(k, material);
    String materialId = Wire.currentMaterial(k.keyId());
    kms().encrypt(b -> b.keyId(k.keyId()).plaintext(PLAINTEXT));
    kms().encrypt(b -> b.keyId(k.keyId()).plaintext(PLAINTEXT)); // 3 of 5, with the import check's
    kms().deleteImportedKeyMaterial(b -> b.keyId(k.keyId()));
    Trent.restartWith(SMALL); // nothing in memory remembers the count now

    importAgain(k, material);
    assertThat(Wire.currentMaterial(k.keyId())).as("the same material id").isEqualTo(materialId);
    kms().encrypt(b -> b.keyId(k.keyId()).plaintext(PLAINTEXT));
    kms().encrypt(b -> b.keyId(k.keyId()).plaintext(PLAINTEXT)); // 5 of 5
    String message = "The encryption limit of the imported key material has been reached for the given keyId. "
        + "No more encryptions can be performed with this key material; import new key material into a new KMS key: "
        + k.arn();
    expectError(() -> kms().encrypt(b -> b.keyId(k.keyId()).plaintext(PLAINTEXT)),
        LimitExceededException.class, "LimitExceededException", message);

    kms().deleteImportedKeyMaterial(b -> b.keyId(k.keyId()));
    importAgain(k, material);
    Trent.restartWith(SMALL);
    expectError(() -> kms().encrypt(b -> b.keyId(k.keyId()).plaintext(PLAINTEXT)),
        LimitExceededException.class, "LimitExceededException", message);
  }

  private static void importAgain(KeyMetadata k, byte[] material) throws Exception {
    GetParametersForImportResponse p = ImportKeyMaterialTest.parameters(k, AlgorithmSpec.RSAES_OAEP_SHA_1);
    ImportKeyMaterialTest.importMaterial(k, p, ImportKeyMaterialTest.wrapOaepSha1(ImportKeyMaterialTest.wrappingKey(p),
        material));
  }

  @Test
  void aGeneratedKeyIsRotatedBeforeItsBudgetRunsOut() {
    KeyMetadata k = Trent.newKey("LimitsTest generated");
    String m0 = Wire.currentMaterial(k.keyId());
    for (int i = 0; i < 3; i++) {
      kms().encrypt(b -> b.keyId(k.keyId()).plaintext(PLAINTEXT));
    }
    String m1 = Wire.currentMaterial(k.keyId());
    assertThat(m1).isNotEqualTo(m0);
    assertThat(secretKeyIds(k)).containsExactlyInAnyOrder(m0, m1);
    SdkBytes blob = kms().encrypt(b -> b.keyId(k.keyId()).plaintext(PLAINTEXT)).ciphertextBlob();
    assertThat(Wire.decryptMaterial(blob)).isEqualTo(m1);
  }

  @Test
  void theOnDemandRotationLimitIsASettingAndSurvivesARestart() throws Exception {
    KeyMetadata k = Trent.newKey("LimitsTest on demand");
    kms().rotateKeyOnDemand(b -> b.keyId(k.keyId()));
    kms().rotateKeyOnDemand(b -> b.keyId(k.keyId()));
    String message = "The on-demand rotations limit has been reached for the given keyId. "
        + "No more on-demand rotations can be performed for this key: " + k.arn();
    expectError(() -> kms().rotateKeyOnDemand(b -> b.keyId(k.keyId())),
        LimitExceededException.class, "LimitExceededException", message);

    Trent.restartWith(SMALL);
    expectError(() -> kms().rotateKeyOnDemand(b -> b.keyId(k.arn())),
        LimitExceededException.class, "LimitExceededException", message);
    assertThat(kms().listKeyRotations(b -> b.keyId(k.keyId())).rotations()).hasSize(2)
        .allSatisfy(r -> assertThat(r.rotationType()).isEqualTo(RotationType.ON_DEMAND));
  }
}
