package io.trent.it;

import static io.trent.it.KmsAssertions.expectError;
import static io.trent.it.KmsAssertions.expectInvalidCiphertext;
import static io.trent.it.KmsAssertions.expectValidation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.trent.core.key.KeyDestruction;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.RFC5649WrapEngine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AlgorithmSpec;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.ExpirationModelType;
import software.amazon.awssdk.services.kms.model.ExpiredImportTokenException;
import software.amazon.awssdk.services.kms.model.GetParametersForImportResponse;
import software.amazon.awssdk.services.kms.model.IncorrectKeyMaterialException;
import software.amazon.awssdk.services.kms.model.InvalidImportTokenException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.MacAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.kms.model.UnsupportedOperationException;
import software.amazon.awssdk.services.kms.model.WrappingKeySpec;

/**
 * Bring your own key: CreateKey Origin EXTERNAL, GetParametersForImport (RSA wrapping key in the
 * HSM; SoftHSM2 2.6.1 does RSAES_OAEP_SHA_1 and RSA_AES_KEY_WRAP_SHA_1 only), ImportKeyMaterial
 * (unwrapped in the token), expiry, DeleteImportedKeyMaterial. Runs late: it moves the shared clock.
 */
@Order(Integer.MAX_VALUE - 1)
@ExtendWith(TrentExtension.class)
class ImportKeyMaterialTest {
  static final SecureRandom RANDOM = new SecureRandom();
  static final SdkBytes PLAINTEXT = SdkBytes.fromUtf8String("imported");

  static KmsClient kms() {
    return Trent.kms();
  }

  static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  static KeyMetadata external(String spec, KeyUsageType usage) {
    return kms().createKey(b -> b.origin(OriginType.EXTERNAL).keySpec(spec).keyUsage(usage)
        .description("ImportKeyMaterialTest " + spec)).keyMetadata();
  }

  static GetParametersForImportResponse parameters(KeyMetadata k, AlgorithmSpec alg) {
    return kms().getParametersForImport(b -> b.keyId(k.keyId()).wrappingAlgorithm(alg)
        .wrappingKeySpec(WrappingKeySpec.RSA_2048));
  }

  static PublicKey wrappingKey(GetParametersForImportResponse p) throws Exception {
    return Offline.publicKey("RSA_2048", p.publicKey().asByteArray());
  }

  /** RSAES_OAEP_SHA_1: OAEP with SHA-1 and MGF1-SHA-1 under the wrapping public key. */
  static byte[] wrapOaepSha1(PublicKey pub, byte[] material) throws Exception {
    Cipher c = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
    c.init(Cipher.ENCRYPT_MODE, pub, new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT));
    return c.doFinal(material);
  }

  /** RSA_AES_KEY_WRAP_SHA_1: OAEP-SHA-1(ephemeral AES-256 key) || AES-KWP (RFC 5649)(material). */
  static byte[] wrapRsaAesSha1(PublicKey pub, byte[] material) throws Exception {
    byte[] kek = random(32);
    byte[] head = wrapOaepSha1(pub, kek);
    RFC5649WrapEngine kwp = new RFC5649WrapEngine(AESEngine.newInstance());
    kwp.init(true, new KeyParameter(kek));
    byte[] tail = kwp.wrap(material, 0, material.length);
    byte[] out = Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, out, head.length, tail.length);
    return out;
  }

  static void importMaterial(KeyMetadata k, GetParametersForImportResponse p, byte[] wrapped) {
    kms().importKeyMaterial(b -> b.keyId(k.keyId()).importToken(p.importToken())
        .encryptedKeyMaterial(SdkBytes.fromByteArray(wrapped))
        .expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE));
  }

  static void roundTrip(KeyMetadata k) {
    SdkBytes blob = kms().encrypt(b -> b.keyId(k.keyId()).plaintext(PLAINTEXT)).ciphertextBlob();
    assertThat(kms().decrypt(b -> b.ciphertextBlob(blob)).plaintext()).isEqualTo(PLAINTEXT);
  }

  static void expectPendingImport(KeyMetadata k) {
    KeyMetadata m = kms().describeKey(b -> b.keyId(k.keyId())).keyMetadata();
    assertThat(m.keyState()).isEqualTo(KeyState.PENDING_IMPORT);
    assertThat(m.enabled()).isFalse();
    assertThat(Wire.metadata(k.keyId()).has("CurrentKeyMaterialId")).isFalse();
    expectError(() -> kms().encrypt(b -> b.keyId(k.keyId()).plaintext(PLAINTEXT)),
        KmsInvalidStateException.class, "KMSInvalidStateException", k.arn() + " is pending import.");
  }

  @Test
  void symmetricImportWithRsaesOaepSha1ThenDeleteImportedKeyMaterial() throws Exception {
    KeyMetadata k = external("SYMMETRIC_DEFAULT", KeyUsageType.ENCRYPT_DECRYPT);
    assertThat(k.origin()).isEqualTo(OriginType.EXTERNAL);
    assertThat(k.keyState()).isEqualTo(KeyState.PENDING_IMPORT);
    assertThat(k.enabled()).isFalse();
    assertThat(k.expirationModel()).isNull();
    expectPendingImport(k);
    expectError(() -> kms().generateDataKey(b -> b.keyId(k.keyId()).keySpec(DataKeySpec.AES_256)),
        KmsInvalidStateException.class, "KMSInvalidStateException", k.arn() + " is pending import.");
    expectError(() -> kms().enableKey(b -> b.keyId(k.keyId())),
        KmsInvalidStateException.class, "KMSInvalidStateException", k.arn() + " is pending import.");
    expectError(() -> kms().rotateKeyOnDemand(b -> b.keyId(k.keyId())),
        KmsInvalidStateException.class, "KMSInvalidStateException", k.arn() + " is pending import.");

    GetParametersForImportResponse p = parameters(k, AlgorithmSpec.RSAES_OAEP_SHA_1);
    assertThat(p.keyId()).isEqualTo(k.arn());
    assertThat(p.importToken().asByteArray()).isNotEmpty();
    PublicKey pub = wrappingKey(p);
    assertThat(((RSAPublicKey) pub).getModulus().bitLength()).isEqualTo(2048);
    assertThat(p.parametersValidTo()).isCloseTo(Trent.now().plus(Duration.ofHours(24)), within(10, ChronoUnit.MINUTES));

    byte[] material = random(32);
    importMaterial(k, p, wrapOaepSha1(pub, material));

    KeyMetadata m = kms().describeKey(b -> b.keyId(k.keyId())).keyMetadata();
    assertThat(m.keyState()).isEqualTo(KeyState.ENABLED);
    assertThat(m.enabled()).isTrue();
    assertThat(m.expirationModel()).isEqualTo(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE);
    assertThat(m.validTo()).isNull();
    String material0 = Wire.currentMaterial(k.keyId());
    assertThat(material0).matches("^[0-9a-f]{64}$");
    KeyMetadataShapeTest.assertShape(k, KeyMetadataShapeTest.with("CurrentKeyMaterialId", "EncryptionAlgorithms",
        "ExpirationModel"));
    assertThat(Wire.metadata(k.keyId()).path("Origin").asText()).isEqualTo("EXTERNAL");
    SdkBytes blob = kms().encrypt(b -> b.keyId(k.keyId()).plaintext(PLAINTEXT)).ciphertextBlob();
    assertThat(kms().decrypt(b -> b.ciphertextBlob(blob)).plaintext()).isEqualTo(PLAINTEXT);
    assertThat(Wire.decryptMaterial(blob)).isEqualTo(material0);
    SdkBytes dk = kms().generateDataKey(b -> b.keyId(k.keyId()).keySpec(DataKeySpec.AES_256)).ciphertextBlob();
    assertThat(kms().decrypt(b -> b.ciphertextBlob(dk)).plaintext().asByteArray()).hasSize(32);
    // Imported material cannot be rotated on demand.
    expectError(() -> kms().rotateKeyOnDemand(b -> b.keyId(k.keyId())),
        UnsupportedOperationException.class, "UnsupportedOperationException",
        k.arn() + " origin is EXTERNAL which is not valid for this operation.");
    expectError(() -> kms().enableKeyRotation(b -> b.keyId(k.keyId())),
        UnsupportedOperationException.class, "UnsupportedOperationException");
    expectError(() -> kms().getKeyRotationStatus(b -> b.keyId(k.keyId())),
        UnsupportedOperationException.class, "UnsupportedOperationException",
        k.arn() + " origin is EXTERNAL which is not valid for this operation.");
    // The imported material is one HSM object named by its material id.
    assertThat(Pkcs11Tool.objectsOf(k.keyId())).singleElement()
        .satisfies(o -> assertThat(o.id()).isEqualTo(material0));

    JsonNode deleted = Wire.ok("DeleteImportedKeyMaterial", Map.of("KeyId", k.keyId()));
    assertThat(deleted.path("KeyId").asText()).isEqualTo(k.arn());
    assertThat(deleted.path("KeyMaterialId").asText()).isEqualTo(material0);
    expectPendingImport(k);
    expectError(() -> kms().decrypt(b -> b.ciphertextBlob(blob)),
        KmsInvalidStateException.class, "KMSInvalidStateException", k.arn() + " is pending import.");
    assertThat(Pkcs11Tool.objectsOf(k.keyId())).as("the material's HSM object is destroyed").isEmpty();
    List<KeyDestruction> records = Trent.server().services().keys().destructions(k.keyId());
    assertThat(records).singleElement().satisfies(r -> {
      assertThat(r.materialId().toHex()).isEqualTo(material0);
      assertThat(r.reason()).isEqualTo("IMPORTED_MATERIAL_DELETED");
    });
  }

  @Test
  void reimportingTheSameMaterialRestoresOldCiphertexts() throws Exception {
    // AWS: "After you delete key material, you can reimport the same key material into the KMS key."
    KeyMetadata k = external("SYMMETRIC_DEFAULT", KeyUsageType.ENCRYPT_DECRYPT);
    byte[] material = random(32);
    GetParametersForImportResponse p1 = parameters(k, AlgorithmSpec.RSAES_OAEP_SHA_1);
    importMaterial(k, p1, wrapOaepSha1(wrappingKey(p1), material));
    String materialId = Wire.currentMaterial(k.keyId());
    SdkBytes blob = kms().encrypt(b -> b.keyId(k.keyId()).plaintext(PLAINTEXT)).ciphertextBlob();
    kms().deleteImportedKeyMaterial(b -> b.keyId(k.keyId()));
    expectPendingImport(k);

    GetParametersForImportResponse p2 = parameters(k, AlgorithmSpec.RSA_AES_KEY_WRAP_SHA_1);
    JsonNode imported = Wire.ok("ImportKeyMaterial", Map.of("KeyId", k.keyId(),
        "ImportToken", Wire.b64(p2.importToken()), "EncryptedKeyMaterial", Wire.b64(wrapRsaAesSha1(wrappingKey(p2), material)),
        "ExpirationModel", "KEY_MATERIAL_DOES_NOT_EXPIRE"));
    // The response names the key and the material, which is the original one again.
    assertThat(imported.path("KeyId").asText()).isEqualTo(k.arn());
    assertThat(imported.path("KeyMaterialId").asText()).isEqualTo(materialId);
    assertThat(kms().describeKey(b -> b.keyId(k.keyId())).keyMetadata().keyState()).isEqualTo(KeyState.ENABLED);
    assertThat(kms().decrypt(b -> b.ciphertextBlob(blob)).plaintext()).as("ciphertext from before the deletion")
        .isEqualTo(PLAINTEXT);
  }

  @Test
  void deleteImportedKeyMaterialOfAKeyPendingDeletionKeepsItPendingDeletion() throws Exception {
    // AWS: "When the specified KMS key is in the PendingDeletion state, this operation does not
    // change the KMS key's state."
    KeyMetadata k = external("SYMMETRIC_DEFAULT", KeyUsageType.ENCRYPT_DECRYPT);
    GetParametersForImportResponse p = parameters(k, AlgorithmSpec.RSAES_OAEP_SHA_1);
    importMaterial(k, p, wrapOaepSha1(wrappingKey(p), random(32)));
    String material = Wire.currentMaterial(k.keyId());
    kms().scheduleKeyDeletion(b -> b.keyId(k.keyId()).pendingWindowInDays(7));
    try {
      kms().deleteImportedKeyMaterial(b -> b.keyId(k.keyId()));
      KeyMetadata m = kms().describeKey(b -> b.keyId(k.keyId())).keyMetadata();
      assertThat(m.keyState()).isEqualTo(KeyState.PENDING_DELETION);
      assertThat(Pkcs11Tool.objectsOf(k.keyId())).isEmpty();
      assertThat(Trent.server().services().keys().destructions(k.keyId())).singleElement()
          .satisfies(r -> assertThat(r.materialId().toHex()).isEqualTo(material));
    } finally {
      kms().cancelKeyDeletion(b -> b.keyId(k.keyId()));
    }
    assertThat(kms().describeKey(b -> b.keyId(k.keyId())).keyMetadata().keyState())
        .as("cancelled without material: back to PendingImport").isEqualTo(KeyState.PENDING_IMPORT);
  }

  @Test
  void symmetricImportWithRsaAesKeyWrapSha1() throws Exception {
    KeyMetadata k = external("SYMMETRIC_DEFAULT", KeyUsageType.ENCRYPT_DECRYPT);
    GetParametersForImportResponse p = parameters(k, AlgorithmSpec.RSA_AES_KEY_WRAP_SHA_1);
    byte[] wrapped = wrapRsaAesSha1(wrappingKey(p), random(32));
    assertThat(wrapped).hasSize(256 + 40);
    importMaterial(k, p, wrapped);
    assertThat(kms().describeKey(b -> b.keyId(k.keyId())).keyMetadata().keyState()).isEqualTo(KeyState.ENABLED);
    roundTrip(k);
  }

  @Test
  void importedHmacKeyMacsExactlyLikeTheJdk() throws Exception {
    for (String[] c : new String[][] {{"HMAC_256", "HmacSHA256", "HMAC_SHA_256", "32"},
        {"HMAC_512", "HmacSHA512", "HMAC_SHA_512", "64"}}) {
      KeyMetadata k = external(c[0], KeyUsageType.GENERATE_VERIFY_MAC);
      JsonNode before = Wire.metadata(k.keyId());
      assertThat(before.path("KeyState").asText()).isEqualTo("PendingImport");
      assertThat(Wire.strings(before.path("MacAlgorithms"))).containsExactly(c[2]);
      assertThat(before.has("EncryptionAlgorithms")).isFalse();
      expectError(() -> kms().generateMac(b -> b.keyId(k.keyId()).message(PLAINTEXT)
              .macAlgorithm(MacAlgorithmSpec.fromValue(c[2]))),
          KmsInvalidStateException.class, "KMSInvalidStateException", k.arn() + " is pending import.");

      byte[] material = random(Integer.parseInt(c[3]));
      GetParametersForImportResponse p = parameters(k, AlgorithmSpec.RSAES_OAEP_SHA_1);
      importMaterial(k, p, wrapOaepSha1(wrappingKey(p), material));

      byte[] message = ("authenticated by an imported " + c[0] + " key").getBytes();
      Mac jdk = Mac.getInstance(c[1]);
      jdk.init(new SecretKeySpec(material, c[1]));
      byte[] expected = jdk.doFinal(message);
      MacAlgorithmSpec alg = MacAlgorithmSpec.fromValue(c[2]);
      byte[] mac = kms().generateMac(b -> b.keyId(k.keyId()).message(SdkBytes.fromByteArray(message)).macAlgorithm(alg))
          .mac().asByteArray();
      assertThat(mac).as("%s: Trent's MAC equals the JDK's over the imported material", c[0]).isEqualTo(expected);
      assertThat(kms().verifyMac(b -> b.keyId(k.keyId()).message(SdkBytes.fromByteArray(message)).macAlgorithm(alg)
          .mac(SdkBytes.fromByteArray(expected))).macValid()).isTrue();
      JsonNode after = Wire.metadata(k.keyId());
      assertThat(after.path("ExpirationModel").asText()).isEqualTo("KEY_MATERIAL_DOES_NOT_EXPIRE");
      assertThat(after.has("CurrentKeyMaterialId")).as("HMAC keys have no CurrentKeyMaterialId").isFalse();
    }
  }

  @Test
  void wrappingAlgorithmsSoftHsmCannotDoAreUnsupported() throws Exception {
    KeyMetadata k = external("SYMMETRIC_DEFAULT", KeyUsageType.ENCRYPT_DECRYPT);
    for (AlgorithmSpec alg : List.of(AlgorithmSpec.RSAES_OAEP_SHA_256, AlgorithmSpec.RSA_AES_KEY_WRAP_SHA_256,
        AlgorithmSpec.RSAES_PKCS1_V1_5)) {
      expectError(() -> parameters(k, alg), UnsupportedOperationException.class, "UnsupportedOperationException");
    }
    // The supported ones work with every RSA wrapping key size.
    for (WrappingKeySpec spec : List.of(WrappingKeySpec.RSA_3072)) {
      GetParametersForImportResponse p = kms().getParametersForImport(b -> b.keyId(k.keyId())
          .wrappingAlgorithm(AlgorithmSpec.RSAES_OAEP_SHA_1).wrappingKeySpec(spec));
      assertThat(((RSAPublicKey) wrappingKey(p)).getModulus().bitLength()).as("modulus of %s", spec).isEqualTo(3072);
    }
  }

  @Test
  void getParametersForImportOfAnAwsKmsKeyIsUnsupported() {
    for (KeyMetadata k : List.of(TestKeys.symmetric(), TestKeys.hmac("HMAC_256"))) {
      expectError(() -> parameters(k, AlgorithmSpec.RSAES_OAEP_SHA_1), UnsupportedOperationException.class,
          "UnsupportedOperationException", k.arn() + " origin is AWS_KMS which is not valid for this operation.");
      expectError(() -> kms().deleteImportedKeyMaterial(b -> b.keyId(k.keyId())), UnsupportedOperationException.class,
          "UnsupportedOperationException", k.arn() + " origin is AWS_KMS which is not valid for this operation.");
    }
  }

  @Test
  void badWrappedMaterialTokensAndExpirationModels() throws Exception {
    KeyMetadata k = external("SYMMETRIC_DEFAULT", KeyUsageType.ENCRYPT_DECRYPT);
    KeyMetadata other = external("SYMMETRIC_DEFAULT", KeyUsageType.ENCRYPT_DECRYPT);
    GetParametersForImportResponse p = parameters(k, AlgorithmSpec.RSAES_OAEP_SHA_1);
    GetParametersForImportResponse otherP = parameters(other, AlgorithmSpec.RSAES_OAEP_SHA_1);
    byte[] good = wrapOaepSha1(wrappingKey(p), random(32));

    // Random bytes do not unwrap.
    expectInvalidCiphertext(() -> importMaterial(k, p, random(256)));
    // A token nobody issued, or one issued for another key.
    expectError(() -> kms().importKeyMaterial(b -> b.keyId(k.keyId()).importToken(SdkBytes.fromByteArray(random(32)))
            .encryptedKeyMaterial(SdkBytes.fromByteArray(good))
            .expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE)),
        InvalidImportTokenException.class, "InvalidImportTokenException");
    expectError(() -> kms().importKeyMaterial(b -> b.keyId(k.keyId()).importToken(otherP.importToken())
            .encryptedKeyMaterial(SdkBytes.fromByteArray(good))
            .expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE)),
        InvalidImportTokenException.class, "InvalidImportTokenException");
    // KEY_MATERIAL_EXPIRES, also as the default, needs a ValidTo.
    expectValidation(() -> kms().importKeyMaterial(b -> b.keyId(k.keyId()).importToken(p.importToken())
            .encryptedKeyMaterial(SdkBytes.fromByteArray(good))),
        "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES");
    expectValidation(() -> kms().importKeyMaterial(b -> b.keyId(k.keyId()).importToken(p.importToken())
            .encryptedKeyMaterial(SdkBytes.fromByteArray(good)).expirationModel(ExpirationModelType.KEY_MATERIAL_EXPIRES)),
        "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES");
    expectPendingImport(k);

    // After all that, the good material still imports with the same token.
    importMaterial(k, p, good);
    roundTrip(k);
  }

  @Test
  void anImportTokenExpiresAfter24HoursEvenOnceItsWrappingKeyIsGone() throws Exception {
    KeyMetadata k = external("SYMMETRIC_DEFAULT", KeyUsageType.ENCRYPT_DECRYPT);
    byte[] material = random(32);
    List<String> before = wrappingKeyIds();
    GetParametersForImportResponse p = parameters(k, AlgorithmSpec.RSAES_OAEP_SHA_1);
    List<String> mine = wrappingKeyIds().stream().filter(id -> !before.contains(id)).toList();
    assertThat(mine).as("this token's wrapping key pair").hasSize(2).containsOnly(mine.get(0));
    assertThat(p.parametersValidTo()).isBetween(Trent.now().plus(Duration.ofHours(23)), Trent.now().plus(Duration.ofHours(25)));
    byte[] wrapped = wrapOaepSha1(wrappingKey(p), material);

    Trent.clock().advance(Duration.ofHours(24).plusMinutes(1));
    expectError(() -> importMaterial(k, p, wrapped), ExpiredImportTokenException.class, "ExpiredImportTokenException",
        "Import token expired.");
    // Maintenance destroys the wrapping key of this expired token in the HSM (only its own objects
    // are checked: other tests' wrapping keys may be live); the token still answers that it expired.
    Trent.server().runMaintenance();
    assertThat(wrappingKeyIds()).doesNotContain(mine.get(0));
    expectError(() -> importMaterial(k, p, wrapped), ExpiredImportTokenException.class, "ExpiredImportTokenException",
        "Import token expired.");
    expectPendingImport(k);

    GetParametersForImportResponse fresh = parameters(k, AlgorithmSpec.RSAES_OAEP_SHA_1);
    importMaterial(k, fresh, wrapOaepSha1(wrappingKey(fresh), material));
    roundTrip(k);
  }

  /** The CKA_IDs (hex) of the import wrapping key objects in the token, one per half of a pair. */
  static List<String> wrappingKeyIds() {
    return Pkcs11Tool.listObjects().stream().filter(o -> o.label().equals("trent-import"))
        .map(Pkcs11Tool.TokenObject::id).toList();
  }

  @Test
  void materialOfTheWrongLengthIsRefusedAndLeavesNothingInTheToken() throws Exception {
    KeyMetadata k = external("SYMMETRIC_DEFAULT", KeyUsageType.ENCRYPT_DECRYPT);
    byte[] aes128 = random(16);
    String message = "The key material for a KMS key with KeySpec SYMMETRIC_DEFAULT must be 256 bits (32 bytes) long.";
    for (AlgorithmSpec algorithm : List.of(AlgorithmSpec.RSAES_OAEP_SHA_1, AlgorithmSpec.RSA_AES_KEY_WRAP_SHA_1)) {
      GetParametersForImportResponse p = parameters(k, algorithm);
      byte[] wrapped = algorithm == AlgorithmSpec.RSAES_OAEP_SHA_1
          ? wrapOaepSha1(wrappingKey(p), aes128) : wrapRsaAesSha1(wrappingKey(p), aes128);
      expectError(() -> importMaterial(k, p, wrapped), IncorrectKeyMaterialException.class,
          "IncorrectKeyMaterialException", message);
      assertThat(Pkcs11Tool.objectsOf(k.keyId())).as("no object left in the token (%s)", algorithm).isEmpty();
      expectPendingImport(k);
    }
    KeyMetadata hmac = external("HMAC_256", KeyUsageType.GENERATE_VERIFY_MAC);
    GetParametersForImportResponse p = parameters(hmac, AlgorithmSpec.RSAES_OAEP_SHA_1);
    expectError(() -> importMaterial(hmac, p, wrapOaepSha1(wrappingKey(p), random(48))),
        IncorrectKeyMaterialException.class, "IncorrectKeyMaterialException",
        "The key material for a KMS key with KeySpec HMAC_256 must be 256 bits (32 bytes) long.");
    assertThat(Pkcs11Tool.objectsOf(hmac.keyId())).isEmpty();

    // The right length still imports with the same parameters.
    GetParametersForImportResponse good = parameters(k, AlgorithmSpec.RSAES_OAEP_SHA_1);
    importMaterial(k, good, wrapOaepSha1(wrappingKey(good), random(32)));
    roundTrip(k);
  }

  @Test
  void differentMaterialCannotBeReimported() throws Exception {
    KeyMetadata k = external("SYMMETRIC_DEFAULT", KeyUsageType.ENCRYPT_DECRYPT);
    GetParametersForImportResponse p1 = parameters(k, AlgorithmSpec.RSAES_OAEP_SHA_1);
    importMaterial(k, p1, wrapOaepSha1(wrappingKey(p1), random(32)));
    SdkBytes blob = kms().encrypt(b -> b.keyId(k.keyId()).plaintext(PLAINTEXT)).ciphertextBlob();
    kms().deleteImportedKeyMaterial(b -> b.keyId(k.keyId()));

    GetParametersForImportResponse p2 = parameters(k, AlgorithmSpec.RSAES_OAEP_SHA_1);
    expectError(() -> importMaterial(k, p2, wrapOaepSha1(wrappingKey(p2), random(32))),
        IncorrectKeyMaterialException.class, "IncorrectKeyMaterialException",
        "The key material is not the key material that was previously imported into this KMS key.");
    expectPendingImport(k);
    expectError(() -> kms().decrypt(b -> b.ciphertextBlob(blob)),
        KmsInvalidStateException.class, "KMSInvalidStateException", k.arn() + " is pending import.");
  }

  @Test
  void importWrappingKeysLiveInTheHsmUntilTheImport() throws Exception {
    KeyMetadata k = external("SYMMETRIC_DEFAULT", KeyUsageType.ENCRYPT_DECRYPT);
    long before = Pkcs11Tool.listObjects().stream().filter(o -> o.label().equals("trent-import")).count();
    GetParametersForImportResponse p = parameters(k, AlgorithmSpec.RSAES_OAEP_SHA_1);
    List<Pkcs11Tool.TokenObject> wrapping = Pkcs11Tool.listObjects().stream()
        .filter(o -> o.label().equals("trent-import")).toList();
    assertThat(wrapping).as("a wrapping key pair in the token").hasSize((int) before + 2);
    assertThat(wrapping).filteredOn(Pkcs11Tool.TokenObject::isKeyMaterial).allSatisfy(o -> {
      assertThat(o.access()).contains("sensitive").doesNotContain("extractable");
      assertThat(o.usage()).as("the wrapping private key only unwraps").doesNotContain("decrypt");
    });
    importMaterial(k, p, wrapOaepSha1(wrappingKey(p), random(32)));
    assertThat(Pkcs11Tool.listObjects().stream().filter(o -> o.label().equals("trent-import")).count())
        .as("the wrapping key is destroyed after its import").isEqualTo(before);
  }

  @Test
  void importedMaterialExpiresAtValidTo() throws Exception {
    KeyMetadata k = external("SYMMETRIC_DEFAULT", KeyUsageType.ENCRYPT_DECRYPT);
    GetParametersForImportResponse p = parameters(k, AlgorithmSpec.RSAES_OAEP_SHA_1);
    Instant validTo = Trent.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
    SdkBytes wrapped = SdkBytes.fromByteArray(wrapOaepSha1(wrappingKey(p), random(32)));
    kms().importKeyMaterial(b -> b.keyId(k.keyId()).importToken(p.importToken())
        .encryptedKeyMaterial(wrapped)
        .expirationModel(ExpirationModelType.KEY_MATERIAL_EXPIRES).validTo(validTo));
    KeyMetadata m = kms().describeKey(b -> b.keyId(k.keyId())).keyMetadata();
    assertThat(m.expirationModel()).isEqualTo(ExpirationModelType.KEY_MATERIAL_EXPIRES);
    assertThat(m.validTo()).isEqualTo(validTo);
    String material = Wire.currentMaterial(k.keyId());
    KeyMetadataShapeTest.assertShape(k, KeyMetadataShapeTest.with("CurrentKeyMaterialId", "EncryptionAlgorithms",
        "ExpirationModel", "ValidTo"));
    assertThat(Wire.metadata(k.keyId()).path("ValidTo").asDouble()).isEqualTo((double) validTo.getEpochSecond());
    roundTrip(k);

    Trent.clock().advance(Duration.ofDays(1));
    Trent.server().runMaintenance();
    roundTrip(k);

    Trent.clock().advance(Duration.ofDays(1).plusMinutes(5));
    Trent.server().runMaintenance();
    expectPendingImport(k);
    assertThat(Pkcs11Tool.objectsOf(k.keyId())).isEmpty();
    assertThat(Trent.server().services().keys().destructions(k.keyId())).singleElement().satisfies(r -> {
      assertThat(r.materialId().toHex()).isEqualTo(material);
      assertThat(r.reason()).isEqualTo("IMPORTED_MATERIAL_EXPIRED");
    });
  }
}
