package io.trent.it;

import static io.trent.it.KmsAssertions.expectError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import io.trent.core.key.KeyDestruction;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/**
 * Scheduled deletion carried out: when the window has passed, maintenance destroys the key's HSM
 * objects (every material) and its metadata and aliases, and records each destruction; also when
 * the server was down at that moment (the catch-up at start). Runs late: it moves the shared clock.
 */
@Order(Integer.MAX_VALUE - 1)
@ExtendWith(TrentExtension.class)
class ScheduledDeletionTest {
  static KmsClient kms() {
    return Trent.kms();
  }

  static void expectGone(KeyMetadata k) {
    expectError(() -> kms().describeKey(b -> b.keyId(k.keyId())), NotFoundException.class, "NotFoundException",
        "Key '" + k.arn() + "' does not exist");
    expectError(() -> kms().cancelKeyDeletion(b -> b.keyId(k.arn())), NotFoundException.class, "NotFoundException",
        "Key '" + k.arn() + "' does not exist");
    Set<String> listed = kms().listKeysPaginator(b -> b.limit(1000)).keys().stream().map(KeyListEntry::keyId)
        .collect(Collectors.toSet());
    assertThat(listed).as("ListKeys after deletion").doesNotContain(k.keyId());
    assertThat(Pkcs11Tool.objectsOf(k.keyId())).as("HSM objects of %s", k.keyId()).isEmpty();
  }

  static void expectDestructionRecords(KeyMetadata k, Set<String> materialIds, Instant around) {
    List<KeyDestruction> records = Trent.server().services().keys().destructions(k.keyId());
    assertThat(records).as("destruction records of %s", k.keyId()).hasSize(materialIds.size());
    assertThat(records).allSatisfy(r -> {
      assertThat(r.keyId()).isEqualTo(k.keyId());
      assertThat(r.reason()).isEqualTo("KEY_DELETED");
      assertThat(r.destroyedAt()).isCloseTo(around, within(10, ChronoUnit.MINUTES));
    });
    assertThat(records.stream().map(r -> r.materialId().toHex()).collect(Collectors.toSet())).isEqualTo(materialIds);
  }

  /** The CKA_IDs of the key's HSM objects (its material ids). */
  static Set<String> hsmIds(KeyMetadata k) {
    return Pkcs11Tool.objectsOf(k.keyId()).stream().map(Pkcs11Tool.TokenObject::id).collect(Collectors.toSet());
  }

  /**
   * The maintenance schedule is a setting ({@code kms.maintenanceIntervalMillis}): at a short
   * interval, a key whose deletion date has passed is destroyed while the server runs, with nobody
   * calling runMaintenance. The default interval (a minute) would not do it within the deadline.
   */
  @Test
  void maintenanceRunsByItselfAtTheConfiguredInterval() throws Exception {
    Trent.restartWithEnvironment(Map.of("TRENT_KMS_MAINTENANCE_INTERVAL_MILLIS", "200"));
    try {
      KeyMetadata k = Trent.newKey("ScheduledDeletionTest scheduled by itself");
      Set<String> ids = hsmIds(k);
      kms().scheduleKeyDeletion(b -> b.keyId(k.keyId()).pendingWindowInDays(7));
      Trent.clock().advance(Duration.ofDays(7).plusSeconds(1));
      Instant due = Trent.now();

      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (catchThrowable(() -> kms().describeKey(b -> b.keyId(k.keyId()))) == null) {
        assertThat(System.nanoTime() - deadline).as("key still there 20 s after its deletion date").isNegative();
        LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      }
      expectGone(k);
      expectDestructionRecords(k, ids, due);
    } finally {
      Trent.restartWithEnvironment(Map.of());
    }
  }

  @Test
  void whenTheWindowHasPassedTheKeyIsDestroyed() {
    KeyMetadata sym = Trent.newKey("ScheduledDeletionTest symmetric");
    String m0 = Wire.currentMaterial(sym.keyId());
    kms().rotateKeyOnDemand(b -> b.keyId(sym.keyId()));
    String m1 = Wire.currentMaterial(sym.keyId());
    SdkBytes blob = kms().encrypt(b -> b.keyId(sym.keyId()).plaintext(SdkBytes.fromUtf8String("doomed"))).ciphertextBlob();
    KeyMetadata ecc = TestKeys.create("ECC_NIST_P256", KeyUsageType.SIGN_VERIFY, "ScheduledDeletionTest ecc");
    KeyMetadata hmac = TestKeys.create("HMAC_256", KeyUsageType.GENERATE_VERIFY_MAC, "ScheduledDeletionTest hmac");
    KeyMetadata kept = Trent.newKey("ScheduledDeletionTest kept");
    String alias = Trent.uniqueAlias("doomed");
    kms().createAlias(b -> b.aliasName(alias).targetKeyId(sym.keyId()));

    assertThat(hsmIds(sym)).containsExactlyInAnyOrder(m0, m1);
    Set<String> eccIds = hsmIds(ecc);
    Set<String> hmacIds = hsmIds(hmac);
    assertThat(eccIds).as("an ECC key's private and public objects share one id").hasSize(1);
    assertThat(Pkcs11Tool.objectsOf(ecc.keyId())).hasSize(2);
    assertThat(hmacIds).hasSize(1);

    for (KeyMetadata k : List.of(sym, ecc, hmac)) {
      kms().scheduleKeyDeletion(b -> b.keyId(k.keyId()).pendingWindowInDays(7));
    }
    kms().scheduleKeyDeletion(b -> b.keyId(kept.keyId()).pendingWindowInDays(30));

    // One day short: nothing happens.
    Trent.clock().advance(Duration.ofDays(6));
    Trent.server().runMaintenance();
    assertThat(kms().describeKey(b -> b.keyId(sym.keyId())).keyMetadata().keyState()).isEqualTo(KeyState.PENDING_DELETION);
    assertThat(hsmIds(sym)).hasSize(2);
    assertThat(Trent.server().services().keys().destructions(sym.keyId())).isEmpty();

    Trent.clock().advance(Duration.ofDays(1).plusMinutes(1));
    Trent.server().runMaintenance();
    Instant destroyed = Trent.now();

    for (KeyMetadata k : List.of(sym, ecc, hmac)) {
      expectGone(k);
    }
    expectDestructionRecords(sym, Set.of(m0, m1), destroyed);
    expectDestructionRecords(ecc, eccIds, destroyed);
    expectDestructionRecords(hmac, hmacIds, destroyed);

    // The alias went with the key.
    assertThat(kms().listAliasesPaginator(b -> b.limit(100)).aliases()).extracting(AliasListEntry::aliasName)
        .doesNotContain(alias);
    expectError(() -> kms().describeKey(b -> b.keyId(alias)), NotFoundException.class, "NotFoundException",
        "Alias " + Trent.ALIAS_ARN_PREFIX + alias.substring("alias/".length()) + " is not found.");
    // Its ciphertexts can no longer be decrypted (an AWS error, not a 5xx).
    Throwable t = catchThrowable(() -> kms().decrypt(b -> b.ciphertextBlob(blob)));
    assertThat(t).isInstanceOf(KmsException.class);
    assertThat(((KmsException) t).statusCode()).isEqualTo(400);

    // The key with a longer window is untouched.
    assertThat(kms().describeKey(b -> b.keyId(kept.keyId())).keyMetadata().keyState()).isEqualTo(KeyState.PENDING_DELETION);
    assertThat(hsmIds(kept)).hasSize(1);
    kms().cancelKeyDeletion(b -> b.keyId(kept.keyId()));

    // Running maintenance again is harmless.
    assertThat(Trent.server().runMaintenance().failures()).isZero();
  }

  @Test
  void aKeyWhoseWindowPassedWhileTheServerWasDownIsDestroyedAtStart() throws Exception {
    KeyMetadata sym = Trent.newKey("ScheduledDeletionTest down");
    KeyMetadata hmac = TestKeys.create("HMAC_384", KeyUsageType.GENERATE_VERIFY_MAC, "ScheduledDeletionTest down hmac");
    String alias = Trent.uniqueAlias("down");
    kms().createAlias(b -> b.aliasName(alias).targetKeyId(sym.keyId()));
    Set<String> symIds = hsmIds(sym);
    Set<String> hmacIds = hsmIds(hmac);
    kms().scheduleKeyDeletion(b -> b.keyId(sym.keyId()).pendingWindowInDays(7));
    kms().scheduleKeyDeletion(b -> b.keyId(hmac.keyId()).pendingWindowInDays(7));

    Trent.stop();
    try {
      Trent.clock().advance(Duration.ofDays(8));
    } finally {
      Trent.startAgain();
    }
    Instant started = Trent.now();

    expectGone(sym);
    expectGone(hmac);
    expectDestructionRecords(sym, symIds, started);
    expectDestructionRecords(hmac, hmacIds, started);
    assertThat(kms().listAliasesPaginator(b -> b.limit(100)).aliases()).extracting(AliasListEntry::aliasName)
        .doesNotContain(alias);
  }

  @Test
  void importedAndNeverImportedExternalKeysAreDestroyedToo() throws Exception {
    KeyMetadata imported = KeyMaterialNeverLeavesTheTokenTest.imported("SYMMETRIC_DEFAULT", KeyUsageType.ENCRYPT_DECRYPT,
        software.amazon.awssdk.services.kms.model.AlgorithmSpec.RSAES_OAEP_SHA_1);
    String material = Wire.currentMaterial(imported.keyId());
    KeyMetadata empty = kms().createKey(b -> b.origin(software.amazon.awssdk.services.kms.model.OriginType.EXTERNAL)
        .description("ScheduledDeletionTest never imported")).keyMetadata();
    kms().scheduleKeyDeletion(b -> b.keyId(imported.keyId()).pendingWindowInDays(7));
    kms().scheduleKeyDeletion(b -> b.keyId(empty.keyId()).pendingWindowInDays(7));
    Trent.clock().advance(Duration.ofDays(7).plusMinutes(1));
    Trent.server().runMaintenance();
    expectGone(imported);
    expectGone(empty);
    expectDestructionRecords(imported, Set.of(material), Trent.now());
    assertThat(Trent.server().services().keys().destructions(empty.keyId())).isEmpty();
  }

  @Test
  void cancellingFromTheDeletionDateOnIsRefusedEvenBeforeMaintenanceRuns() {
    KeyMetadata k = Trent.newKey("ScheduledDeletionTest boundary");
    Set<String> ids = hsmIds(k);
    kms().scheduleKeyDeletion(b -> b.keyId(k.keyId()).pendingWindowInDays(7));
    Trent.clock().advance(Duration.ofDays(7).plusSeconds(1));

    Throwable t = catchThrowable(() -> kms().cancelKeyDeletion(b -> b.keyId(k.keyId())));
    assertThat(t).as("CancelKeyDeletion after the deletion date").isInstanceOf(KmsException.class);
    KmsException e = (KmsException) t;
    assertThat(e.statusCode()).isEqualTo(400);
    if (e instanceof NotFoundException) {
      // The server's own scheduled maintenance ran in the instant since the clock moved: the key is gone.
      expectGone(k);
      return;
    }
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("KMSInvalidStateException");
    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(k.arn() + " is pending deletion.");
    assertThat(kms().describeKey(b -> b.keyId(k.keyId())).keyMetadata().keyState()).isEqualTo(KeyState.PENDING_DELETION);
    assertThat(hsmIds(k)).isEqualTo(ids);

    Trent.server().runMaintenance();
    expectGone(k);
    expectDestructionRecords(k, ids, Trent.now());
  }

  @Test
  void destructionRecordsOutliveTheKeyAndUnknownKeysHaveNone() {
    assertThat(Trent.server().services().keys().destructions(java.util.UUID.randomUUID().toString())).isEmpty();
  }
}
