package io.trent.it;

import static io.trent.it.KmsAssertions.expectError;
import static io.trent.it.KmsAssertions.expectValidation;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.CancelKeyDeletionResponse;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;

/** DisableKey/EnableKey and ScheduleKeyDeletion/CancelKeyDeletion, and what each state allows. */
@ExtendWith(TrentExtension.class)
class KeyStateTest {
  static final SdkBytes PLAINTEXT = SdkBytes.fromUtf8String("key state");
  static KmsClient kms;

  @BeforeAll
  static void setUp() {
    kms = Trent.kms();
  }

  static KeyMetadata describe(String keyId) {
    return kms.describeKey(b -> b.keyId(keyId)).keyMetadata();
  }

  @Test
  void disabledKeyRefusesCryptoUntilEnabled() {
    KeyMetadata k = Trent.newKey("disable");
    SdkBytes blob = kms.encrypt(b -> b.keyId(k.keyId()).plaintext(PLAINTEXT)).ciphertextBlob();
    kms.disableKey(b -> b.keyId(k.keyId()));

    KeyMetadata d = describe(k.keyId());
    assertThat(d.enabled()).isFalse();
    assertThat(d.keyState()).isEqualTo(KeyState.DISABLED);

    String msg = k.arn() + " is disabled.";
    expectError(
        () -> kms.generateDataKey(b -> b.keyId(k.keyId()).keySpec(DataKeySpec.AES_256)),
        DisabledException.class, "DisabledException", msg);
    expectError(
        () -> kms.generateDataKeyWithoutPlaintext(b -> b.keyId(k.arn()).keySpec(DataKeySpec.AES_256)),
        DisabledException.class, "DisabledException", msg);
    expectError(() -> kms.encrypt(b -> b.keyId(k.keyId()).plaintext(PLAINTEXT)), DisabledException.class, "DisabledException", msg);
    expectError(() -> kms.decrypt(b -> b.ciphertextBlob(blob)), DisabledException.class, "DisabledException", msg);

    // Idempotent, and DescribeKey keeps working.
    kms.disableKey(b -> b.keyId(k.arn()));
    assertThat(describe(k.arn()).keyState()).isEqualTo(KeyState.DISABLED);

    kms.enableKey(b -> b.keyId(k.keyId()));
    KeyMetadata e = describe(k.keyId());
    assertThat(e.enabled()).isTrue();
    assertThat(e.keyState()).isEqualTo(KeyState.ENABLED);
    assertThat(kms.decrypt(b -> b.ciphertextBlob(blob)).plaintext()).isEqualTo(PLAINTEXT);
    assertThat(kms.generateDataKey(b -> b.keyId(k.keyId()).keySpec(DataKeySpec.AES_256)).plaintext().asByteArray()).hasSize(32);
  }

  @Test
  void validationComesBeforeTheKeyStateCheck() {
    KeyMetadata k = Trent.newKey("disabled validation");
    kms.disableKey(b -> b.keyId(k.keyId()));
    expectValidation(
        () -> kms.generateDataKey(b -> b.keyId(k.keyId()).numberOfBytes(0)),
        "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1");
    expectValidation(
        () -> kms.generateDataKey(b -> b.keyId(k.keyId()).numberOfBytes(2000)),
        "1 validation error detected: Value '2000' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024");
    expectValidation(
        () -> kms.generateDataKey(b -> b.keyId(k.keyId())), "Please specify either number of bytes or key spec.");
  }

  @Test
  void pendingWindowOutsideSevenToThirtyIsRejected() {
    KeyMetadata k = Trent.newKey("window");
    // The model allows 1..365; within it, the service's own 7..30 check and message.
    expectValidation(() -> kms.scheduleKeyDeletion(b -> b.keyId(k.keyId()).pendingWindowInDays(6)),
        "PendingWindowInDays must be between 7 and 30");
    expectValidation(() -> kms.scheduleKeyDeletion(b -> b.keyId(k.keyId()).pendingWindowInDays(31)),
        "PendingWindowInDays must be between 7 and 30");
    expectValidation(() -> kms.scheduleKeyDeletion(b -> b.keyId(k.keyId()).pendingWindowInDays(0)),
        "1 validation error detected: Value '0' at 'pendingWindowInDays' failed to satisfy constraint:"
            + " Member must have value greater than or equal to 1");
    expectValidation(() -> kms.scheduleKeyDeletion(b -> b.keyId(k.keyId()).pendingWindowInDays(366)),
        "1 validation error detected: Value '366' at 'pendingWindowInDays' failed to satisfy constraint:"
            + " Member must have value less than or equal to 365");
    assertThat(describe(k.keyId()).keyState()).isEqualTo(KeyState.ENABLED);
  }

  @Test
  void scheduleThenCancelKeyDeletion() {
    KeyMetadata k = Trent.newKey("schedule deletion");
    SdkBytes blob = kms.encrypt(b -> b.keyId(k.keyId()).plaintext(PLAINTEXT)).ciphertextBlob();

    Instant before = Trent.now();
    ScheduleKeyDeletionResponse s = kms.scheduleKeyDeletion(b -> b.keyId(k.keyId()).pendingWindowInDays(7));
    assertThat(s.keyId()).isEqualTo(k.arn());
    assertThat(s.keyState()).isEqualTo(KeyState.PENDING_DELETION);
    assertThat(s.pendingWindowInDays()).isEqualTo(7);
    assertThat(s.deletionDate())
        .isBetween(before.plus(Duration.ofDays(7)).minus(Duration.ofDays(1)), before.plus(Duration.ofDays(8)));

    KeyMetadata p = describe(k.keyId());
    assertThat(p.enabled()).isFalse();
    assertThat(p.keyState()).isEqualTo(KeyState.PENDING_DELETION);
    assertThat(p.deletionDate()).isEqualTo(s.deletionDate());

    String msg = k.arn() + " is pending deletion.";
    expectError(
        () -> kms.generateDataKey(b -> b.keyId(k.keyId()).keySpec(DataKeySpec.AES_256)),
        KmsInvalidStateException.class, "KMSInvalidStateException", msg);
    expectError(
        () -> kms.encrypt(b -> b.keyId(k.keyId()).plaintext(PLAINTEXT)),
        KmsInvalidStateException.class, "KMSInvalidStateException", msg);
    expectError(
        () -> kms.decrypt(b -> b.ciphertextBlob(blob)), KmsInvalidStateException.class, "KMSInvalidStateException", msg);
    expectError(
        () -> kms.scheduleKeyDeletion(b -> b.keyId(k.keyId()).pendingWindowInDays(7)),
        KmsInvalidStateException.class, "KMSInvalidStateException", msg);
    expectError(() -> kms.enableKey(b -> b.keyId(k.keyId())), KmsInvalidStateException.class, "KMSInvalidStateException", msg);
    expectError(() -> kms.disableKey(b -> b.keyId(k.keyId())), KmsInvalidStateException.class, "KMSInvalidStateException", msg);
    expectError(
        () -> kms.createAlias(b -> b.aliasName(Trent.uniqueAlias("pending")).targetKeyId(k.keyId())),
        KmsInvalidStateException.class, "KMSInvalidStateException", msg);
    // DescribeKey works in every state.
    assertThat(describe(k.arn()).keyState()).isEqualTo(KeyState.PENDING_DELETION);

    // Keys pending deletion are still listed.
    assertThat(kms.listKeysPaginator(b -> b.limit(1000)).keys()).anyMatch(e -> e.keyId().equals(k.keyId()));

    CancelKeyDeletionResponse c = kms.cancelKeyDeletion(b -> b.keyId(k.keyId()));
    assertThat(c.keyId()).isEqualTo(k.arn());
    KeyMetadata afterCancel = describe(k.keyId());
    assertThat(afterCancel.keyState()).isEqualTo(KeyState.DISABLED);
    assertThat(afterCancel.enabled()).isFalse();
    assertThat(afterCancel.deletionDate()).isNull();
    expectError(
        () -> kms.decrypt(b -> b.ciphertextBlob(blob)), DisabledException.class, "DisabledException", k.arn() + " is disabled.");

    kms.enableKey(b -> b.keyId(k.keyId()));
    assertThat(describe(k.keyId()).keyState()).isEqualTo(KeyState.ENABLED);
    assertThat(kms.decrypt(b -> b.ciphertextBlob(blob)).plaintext()).isEqualTo(PLAINTEXT);
  }

  @Test
  void scheduleDeletionOfADisabledKeyAndDefaultWindow() {
    KeyMetadata k = Trent.newKey("schedule disabled");
    kms.disableKey(b -> b.keyId(k.keyId()));
    Instant before = Trent.now();
    ScheduleKeyDeletionResponse s = kms.scheduleKeyDeletion(b -> b.keyId(k.arn()));
    assertThat(s.pendingWindowInDays()).as("default window").isEqualTo(30);
    assertThat(s.deletionDate())
        .isBetween(before.plus(Duration.ofDays(29)), before.plus(Duration.ofDays(31)));
    kms.cancelKeyDeletion(b -> b.keyId(k.arn()));
    assertThat(describe(k.keyId()).keyState()).isEqualTo(KeyState.DISABLED);
  }

  @Test
  void cancelOnAKeyNotPendingDeletionIsRejected() {
    KeyMetadata k = Trent.newKey("cancel not pending");
    expectError(
        () -> kms.cancelKeyDeletion(b -> b.keyId(k.keyId())),
        KmsInvalidStateException.class, "KMSInvalidStateException", k.arn() + " is not pending deletion.");
  }
}
