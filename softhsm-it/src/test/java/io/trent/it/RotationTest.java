package io.trent.it;

import static io.trent.it.KmsAssertions.expectError;
import static io.trent.it.KmsAssertions.expectValidation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.GetKeyRotationStatusResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.LimitExceededException;
import software.amazon.awssdk.services.kms.model.ListKeyRotationsResponse;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.RotationType;
import software.amazon.awssdk.services.kms.model.UnsupportedOperationException;

/**
 * Key rotation: RotateKeyOnDemand (new material in the HSM, CurrentKeyMaterialId and the
 * KeyMaterialId of new ciphertexts change, old ciphertexts still decrypt), ListKeyRotations, the
 * on-demand limit, Enable/Disable/GetKeyRotationStatus, automatic rotation driven by the shared
 * clock and runMaintenance, and rotation across a restart. Runs late: it moves the shared clock.
 */
@Order(Integer.MAX_VALUE - 1)
@ExtendWith(TrentExtension.class)
class RotationTest {
  static final SdkBytes PLAINTEXT = SdkBytes.fromUtf8String("rotated");

  static KmsClient kms() {
    return Trent.kms();
  }

  static SdkBytes encrypt(String keyId) {
    return kms().encrypt(b -> b.keyId(keyId).plaintext(PLAINTEXT)).ciphertextBlob();
  }

  static void assertDecrypts(SdkBytes blob, String materialId) {
    assertThat(kms().decrypt(b -> b.ciphertextBlob(blob)).plaintext()).isEqualTo(PLAINTEXT);
    assertThat(Wire.decryptMaterial(blob)).isEqualTo(materialId);
  }

  @Test
  void onDemandRotationMakesNewHsmMaterialCurrentAndOldCiphertextsStillDecrypt() {
    KeyMetadata k = Trent.newKey("RotationTest on demand");
    String m0 = Wire.currentMaterial(k.keyId());
    assertThat(m0).matches("^[0-9a-f]{64}$");
    SdkBytes before = encrypt(k.keyId());
    assertDecrypts(before, m0);

    Instant at = Trent.now();
    assertThat(kms().rotateKeyOnDemand(b -> b.keyId(k.keyId())).keyId()).isEqualTo(k.arn());

    String m1 = Wire.currentMaterial(k.keyId());
    assertThat(m1).matches("^[0-9a-f]{64}$").isNotEqualTo(m0);
    SdkBytes after = encrypt(k.keyId());
    assertDecrypts(after, m1);
    assertDecrypts(before, m0);
    JsonNode gdk = Wire.ok("GenerateDataKey", Map.of("KeyId", k.keyId(), "KeySpec", "AES_256"));
    assertThat(gdk.path("KeyMaterialId").asText()).isEqualTo(m1);
    assertThat(kms().decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(
        java.util.Base64.getDecoder().decode(gdk.path("CiphertextBlob").asText())))).plaintext().asByteArray())
        .isEqualTo(java.util.Base64.getDecoder().decode(gdk.path("Plaintext").asText()));

    // ReEncrypt reports both materials.
    JsonNode re = Wire.ok("ReEncrypt", Map.of("CiphertextBlob", Wire.b64(before), "DestinationKeyId", k.keyId()));
    assertThat(re.path("SourceKeyMaterialId").asText()).isEqualTo(m0);
    assertThat(re.path("DestinationKeyMaterialId").asText()).isEqualTo(m1);

    // The new material is a new HSM object of the key, named by its material id.
    List<String> ids = Pkcs11Tool.objectsOf(k.keyId()).stream()
        .filter(o -> o.kind().equals("Secret Key")).map(Pkcs11Tool.TokenObject::id).toList();
    assertThat(ids).containsExactlyInAnyOrder(m0, m1);

    // ListKeyRotations: the rotation, not the initial material.
    JsonNode list = Wire.ok("ListKeyRotations", Map.of("KeyId", k.keyId()));
    assertThat(list.path("Rotations")).hasSize(1);
    JsonNode entry = list.path("Rotations").get(0);
    assertThat(entry.path("KeyId").asText()).isEqualTo(k.arn());
    assertThat(entry.path("KeyMaterialId").asText()).isEqualTo(m1);
    assertThat(entry.path("RotationType").asText()).isEqualTo("ON_DEMAND");
    assertThat(entry.path("RotationDate").asDouble()).isCloseTo(at.getEpochSecond(), within(120.0));
    assertThat(list.path("Truncated").asBoolean()).isFalse();
    assertThat(list.has("NextMarker")).isFalse();
    ListKeyRotationsResponse sdk = kms().listKeyRotations(b -> b.keyId(k.arn()));
    assertThat(sdk.rotations()).singleElement().satisfies(r -> {
      assertThat(r.keyId()).isEqualTo(k.arn());
      assertThat(r.rotationType()).isEqualTo(RotationType.ON_DEMAND);
    });

    // On-demand rotation does not turn automatic rotation on.
    assertThat(kms().getKeyRotationStatus(b -> b.keyId(k.keyId())).keyRotationEnabled()).isFalse();
  }

  @Test
  void listKeyRotationsPagesOldestFirst() {
    KeyMetadata k = Trent.newKey("RotationTest list");
    assertThat(kms().listKeyRotations(b -> b.keyId(k.keyId())).rotations()).isEmpty();
    List<String> materials = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      kms().rotateKeyOnDemand(b -> b.keyId(k.keyId()));
      materials.add(Wire.currentMaterial(k.keyId()));
    }
    JsonNode first = Wire.ok("ListKeyRotations", Map.of("KeyId", k.keyId(), "Limit", 2));
    assertThat(first.path("Truncated").asBoolean()).isTrue();
    assertThat(first.path("NextMarker").asText()).isNotEmpty();
    JsonNode second = Wire.ok("ListKeyRotations", Map.of("KeyId", k.keyId(), "Limit", 2,
        "Marker", first.path("NextMarker").asText()));
    assertThat(second.path("Truncated").asBoolean()).isFalse();
    List<String> listed = new ArrayList<>();
    first.path("Rotations").forEach(r -> listed.add(r.path("KeyMaterialId").asText()));
    second.path("Rotations").forEach(r -> listed.add(r.path("KeyMaterialId").asText()));
    assertThat(listed).containsExactlyElementsOf(materials);
  }

  @Test
  void onDemandRotationsAreLimitedTo25PerKey() {
    KeyMetadata k = Trent.newKey("RotationTest limit");
    for (int i = 0; i < 25; i++) {
      kms().rotateKeyOnDemand(b -> b.keyId(k.keyId()));
    }
    expectError(() -> kms().rotateKeyOnDemand(b -> b.keyId(k.keyId())),
        LimitExceededException.class, "LimitExceededException",
        "The on-demand rotations limit has been reached for the given keyId. "
            + "No more on-demand rotations can be performed for this key: " + k.arn());
    assertThat(kms().listKeyRotationsPaginator(b -> b.keyId(k.keyId())).rotations()).hasSize(25);
    // Every material still decrypts what it encrypted: spot-check the latest.
    SdkBytes blob = encrypt(k.keyId());
    assertDecrypts(blob, Wire.currentMaterial(k.keyId()));
  }

  @Test
  void rotationStatusShapes() {
    KeyMetadata k = Trent.newKey("RotationTest status");
    JsonNode initial = Wire.ok("GetKeyRotationStatus", Map.of("KeyId", k.keyId()));
    assertThat(Wire.fieldNames(initial)).containsExactlyInAnyOrder("KeyId", "KeyRotationEnabled");
    assertThat(initial.path("KeyRotationEnabled").asBoolean()).isFalse();

    kms().enableKeyRotation(b -> b.keyId(k.keyId()));
    GetKeyRotationStatusResponse d = kms().getKeyRotationStatus(b -> b.keyId(k.keyId()));
    assertThat(d.keyRotationEnabled()).isTrue();
    assertThat(d.rotationPeriodInDays()).as("default period").isEqualTo(365);
    assertThat(d.nextRotationDate()).isCloseTo(Trent.now().plus(Duration.ofDays(365)), within(1, ChronoUnit.DAYS));

    kms().enableKeyRotation(b -> b.keyId(k.arn()).rotationPeriodInDays(90));
    JsonNode ninety = Wire.ok("GetKeyRotationStatus", Map.of("KeyId", k.keyId()));
    assertThat(Wire.fieldNames(ninety))
        .containsExactlyInAnyOrder("KeyId", "KeyRotationEnabled", "NextRotationDate", "RotationPeriodInDays");
    assertThat(ninety.path("RotationPeriodInDays").asInt()).isEqualTo(90);
    assertThat(ninety.path("NextRotationDate").isNumber()).as("epoch seconds").isTrue();
    assertThat(ninety.path("NextRotationDate").asDouble())
        .isCloseTo(Trent.now().plus(Duration.ofDays(90)).getEpochSecond(), within(86400.0));

    kms().enableKeyRotation(b -> b.keyId(k.keyId()).rotationPeriodInDays(2560));
    assertThat(kms().getKeyRotationStatus(b -> b.keyId(k.keyId())).rotationPeriodInDays()).isEqualTo(2560);

    kms().disableKeyRotation(b -> b.keyId(k.keyId()));
    JsonNode off = Wire.ok("GetKeyRotationStatus", Map.of("KeyId", k.keyId()));
    assertThat(Wire.fieldNames(off)).containsExactlyInAnyOrder("KeyId", "KeyRotationEnabled");
    assertThat(off.path("KeyRotationEnabled").asBoolean()).isFalse();

    // A key pending deletion reads as not rotating.
    kms().enableKeyRotation(b -> b.keyId(k.keyId()));
    kms().scheduleKeyDeletion(b -> b.keyId(k.keyId()).pendingWindowInDays(30));
    assertThat(kms().getKeyRotationStatus(b -> b.keyId(k.keyId())).keyRotationEnabled()).isFalse();
    kms().cancelKeyDeletion(b -> b.keyId(k.keyId()));
  }

  @Test
  void rotationPeriodOutside90To2560IsRejected() {
    KeyMetadata k = Trent.newKey("RotationTest bounds");
    expectValidation(() -> kms().enableKeyRotation(b -> b.keyId(k.keyId()).rotationPeriodInDays(89)),
        "1 validation error detected: Value '89' at 'rotationPeriodInDays' failed to satisfy constraint: "
            + "Member must have value greater than or equal to 90");
    expectValidation(() -> kms().enableKeyRotation(b -> b.keyId(k.keyId()).rotationPeriodInDays(2561)),
        "1 validation error detected: Value '2561' at 'rotationPeriodInDays' failed to satisfy constraint: "
            + "Member must have value less than or equal to 2560");
    assertThat(kms().getKeyRotationStatus(b -> b.keyId(k.keyId())).keyRotationEnabled()).isFalse();
  }

  @Test
  void disabledKeyCannotBeRotated() {
    KeyMetadata k = Trent.newKey("RotationTest disabled");
    kms().disableKey(b -> b.keyId(k.keyId()));
    String msg = k.arn() + " is disabled.";
    expectError(() -> kms().rotateKeyOnDemand(b -> b.keyId(k.keyId())), DisabledException.class, "DisabledException", msg);
    expectError(() -> kms().enableKeyRotation(b -> b.keyId(k.keyId())), DisabledException.class, "DisabledException", msg);
    expectError(() -> kms().disableKeyRotation(b -> b.keyId(k.keyId())), DisabledException.class, "DisabledException", msg);
  }

  @Test
  void hmacAndAsymmetricKeysCannotBeRotated() {
    for (KeyMetadata k : List.of(TestKeys.hmac("HMAC_256"), TestKeys.ecc("ECC_NIST_P256"), TestKeys.rsaEncryption(2048))) {
      KmsException e = expectError(() -> kms().rotateKeyOnDemand(b -> b.keyId(k.keyId())),
          UnsupportedOperationException.class, "UnsupportedOperationException");
      assertThat(e.awsErrorDetails().errorMessage()).as("RotateKeyOnDemand %s: AWS sends no message", k.keySpec())
          .isNullOrEmpty();
      KmsException enable = expectError(() -> kms().enableKeyRotation(b -> b.keyId(k.keyId())),
          UnsupportedOperationException.class, "UnsupportedOperationException");
      assertThat(enable.awsErrorDetails().errorMessage()).as("EnableKeyRotation %s", k.keySpec()).isNullOrEmpty();
      // AWS answers the status of a key that cannot rotate rather than refusing.
      GetKeyRotationStatusResponse status = kms().getKeyRotationStatus(b -> b.keyId(k.keyId()));
      assertThat(status.keyRotationEnabled()).isFalse();
      assertThat(status.rotationPeriodInDays()).isNull();
    }
  }

  @Test
  void keyPendingDeletionCannotBeRotated() {
    KeyMetadata k = Trent.newKey("RotationTest pending deletion");
    kms().scheduleKeyDeletion(b -> b.keyId(k.keyId()).pendingWindowInDays(30));
    try {
      String msg = k.arn() + " is pending deletion.";
      expectError(() -> kms().rotateKeyOnDemand(b -> b.keyId(k.keyId())),
          software.amazon.awssdk.services.kms.model.KmsInvalidStateException.class, "KMSInvalidStateException", msg);
      expectError(() -> kms().enableKeyRotation(b -> b.keyId(k.keyId())),
          software.amazon.awssdk.services.kms.model.KmsInvalidStateException.class, "KMSInvalidStateException", msg);
    } finally {
      kms().cancelKeyDeletion(b -> b.keyId(k.keyId()));
    }
  }

  @Test
  void unknownKeyIsNotFound() {
    String id = java.util.UUID.randomUUID().toString();
    expectError(() -> kms().rotateKeyOnDemand(b -> b.keyId(id)), NotFoundException.class, "NotFoundException",
        "Key '" + Trent.KEY_ARN_PREFIX + id + "' does not exist");
  }

  @Test
  void automaticRotationRunsOnTheClock() {
    KeyMetadata k = Trent.newKey("RotationTest automatic");
    KeyMetadata disabled = Trent.newKey("RotationTest automatic, disabled");
    KeyMetadata manual = Trent.newKey("RotationTest no automatic rotation");
    kms().enableKeyRotation(b -> b.keyId(k.keyId()).rotationPeriodInDays(90));
    kms().enableKeyRotation(b -> b.keyId(disabled.keyId()).rotationPeriodInDays(90));
    kms().disableKey(b -> b.keyId(disabled.keyId()));
    String m0 = Wire.currentMaterial(k.keyId());
    String d0 = Wire.currentMaterial(disabled.keyId());
    String n0 = Wire.currentMaterial(manual.keyId());
    SdkBytes before = encrypt(k.keyId());

    Trent.clock().advance(Duration.ofDays(89));
    Trent.server().runMaintenance();
    assertThat(Wire.currentMaterial(k.keyId())).as("not due yet").isEqualTo(m0);

    Trent.clock().advance(Duration.ofDays(2));
    Trent.server().runMaintenance();
    String m1 = Wire.currentMaterial(k.keyId());
    assertThat(m1).as("rotated on schedule").isNotEqualTo(m0);
    assertThat(Wire.currentMaterial(disabled.keyId())).as("a disabled key is not rotated").isEqualTo(d0);
    assertThat(Wire.currentMaterial(manual.keyId())).as("a key without automatic rotation").isEqualTo(n0);

    List<JsonNode> rotations = new ArrayList<>();
    Wire.ok("ListKeyRotations", Map.of("KeyId", k.keyId())).path("Rotations").forEach(rotations::add);
    assertThat(rotations).hasSize(1);
    assertThat(rotations.get(0).path("RotationType").asText()).isEqualTo("AUTOMATIC");
    assertThat(rotations.get(0).path("KeyMaterialId").asText()).isEqualTo(m1);
    assertThat(rotations.get(0).path("RotationDate").asDouble())
        .isCloseTo(Trent.now().getEpochSecond(), within(120.0));

    GetKeyRotationStatusResponse s = kms().getKeyRotationStatus(b -> b.keyId(k.keyId()));
    assertThat(s.keyRotationEnabled()).isTrue();
    assertThat(s.rotationPeriodInDays()).isEqualTo(90);
    assertThat(s.nextRotationDate()).as("the next one is a period later")
        .isCloseTo(Trent.now().plus(Duration.ofDays(90)), within(1, ChronoUnit.HOURS));

    assertDecrypts(before, m0);
    SdkBytes after = encrypt(k.keyId());
    assertDecrypts(after, m1);

    // Running maintenance again does not rotate again.
    Trent.server().runMaintenance();
    assertThat(Wire.currentMaterial(k.keyId())).isEqualTo(m1);
    // Once enabled again, the overdue disabled key is rotated at the next run.
    kms().enableKey(b -> b.keyId(disabled.keyId()));
    Trent.server().runMaintenance();
    assertThat(Wire.currentMaterial(disabled.keyId())).isNotEqualTo(d0);
  }

  @Test
  void aRotationThatCameDueWhileTheServerWasDownRunsAtStart() throws Exception {
    KeyMetadata k = Trent.newKey("RotationTest down");
    kms().enableKeyRotation(b -> b.keyId(k.keyId()).rotationPeriodInDays(90));
    String m0 = Wire.currentMaterial(k.keyId());
    SdkBytes before = encrypt(k.keyId());
    Trent.stop();
    try {
      Trent.clock().advance(Duration.ofDays(91));
    } finally {
      Trent.startAgain();
    }
    String m1 = Wire.currentMaterial(k.keyId());
    assertThat(m1).as("rotated at start").isNotEqualTo(m0);
    assertThat(kms().listKeyRotations(b -> b.keyId(k.keyId())).rotations()).singleElement()
        .satisfies(r -> assertThat(r.rotationType()).isEqualTo(RotationType.AUTOMATIC));
    assertDecrypts(before, m0);
  }

  @Test
  void ciphertextsFromBeforeAndAfterARotationDecryptAfterARestart() throws Exception {
    KeyMetadata k = Trent.newKey("RotationTest restart");
    SdkBytes before = encrypt(k.keyId());
    String m0 = Wire.currentMaterial(k.keyId());
    kms().rotateKeyOnDemand(b -> b.keyId(k.keyId()));
    String m1 = Wire.currentMaterial(k.keyId());
    SdkBytes after = encrypt(k.keyId());
    SdkBytes dataKey = kms().generateDataKey(b -> b.keyId(k.keyId()).keySpec(DataKeySpec.AES_256)).ciphertextBlob();

    Trent.restart();

    assertThat(Wire.currentMaterial(k.keyId())).isEqualTo(m1);
    assertDecrypts(before, m0);
    assertDecrypts(after, m1);
    assertThat(Wire.decryptMaterial(dataKey)).isEqualTo(m1);
    assertThat(kms().listKeyRotations(b -> b.keyId(k.keyId())).rotations()).hasSize(1);
    // And it rotates again after the restart.
    kms().rotateKeyOnDemand(b -> b.keyId(k.keyId()));
    String m2 = Wire.currentMaterial(k.keyId());
    assertThat(m2).isNotIn(m0, m1);
    assertDecrypts(encrypt(k.keyId()), m2);
    assertDecrypts(before, m0);
  }
}
