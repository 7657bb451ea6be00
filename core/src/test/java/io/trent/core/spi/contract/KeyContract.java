package io.trent.core.spi.contract;

import static io.trent.core.testing.SampleKeys.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.error.KmsInternalException;
import io.trent.core.key.AccountRegion;
import io.trent.core.key.Alias;
import io.trent.core.key.ExpirationModel;
import io.trent.core.key.KeyMaterial;
import io.trent.core.key.KeySpec;
import io.trent.core.key.KeyState;
import io.trent.core.key.KeyUsage;
import io.trent.core.key.KmsKey;
import io.trent.core.key.Origin;
import io.trent.core.key.RotationType;
import io.trent.core.key.Tag;
import io.trent.core.testing.SampleKeys;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keys: every field stored and read back, updates, and what survives a reopen. */
interface KeyContract extends StoreUnderTest {

  @Test
  default void roundTripsEveryField() {
    byte[] publicKey = SampleKeys.publicKey(550);
    KmsKey key = new KmsKey("1234abcd-12ab-34cd-56ef-1234567890ab", T0, "payroll signing key",
        KeySpec.RSA_4096, KeyUsage.SIGN_VERIFY, Origin.EXTERNAL, KeyState.PendingDeletion,
        T0.plus(Duration.ofDays(7)), 7,
        List.of(
            new KeyMaterial(SampleKeys.materialId(1), T0, false, null, 0),
            new KeyMaterial(SampleKeys.materialId(2), T0.plusSeconds(60), true, RotationType.AUTOMATIC,
                Long.MAX_VALUE),
            new KeyMaterial(SampleKeys.materialId(3), T0.plusSeconds(120), false, RotationType.ON_DEMAND,
                4_294_967_296L)),
        List.of(new Tag("zeta", "last by name"), new Tag("alpha", ""), new Tag("mid", "ünïcødé")),
        publicKey, 365, T0.plus(Duration.ofDays(365)), 3, ExpirationModel.KEY_MATERIAL_EXPIRES,
        Instant.parse("2031-01-02T03:04:05.678901Z"), SampleKeys.publicKey(120), 4_294_967_295L,
        "{\n  \"Version\" : \"2012-10-17\",  \"Statement\": [ ]\t}\n",
        new AccountRegion("aws", "444455556666", "eu-west-1").keyArn("1234abcd-12ab-34cd-56ef-1234567890ab"));

    store().insertKey(key);

    KmsKey found = store().findKey(key.keyId()).orElseThrow();
    assertThat(found).isEqualTo(key);
    assertThat(found.importCheck()).isEqualTo(SampleKeys.publicKey(120));
    assertThat(found.importedEncryptionsReserved()).isEqualTo(4_294_967_295L);
    assertThat(found.publicKey()).hasSize(550).isEqualTo(SampleKeys.publicKey(550));
    assertThat(found.currentMaterial().orElseThrow().id()).isEqualTo(SampleKeys.materialId(2));
    assertThat(found.materials()).extracting(KeyMaterial::rotationType)
        .containsExactly(null, RotationType.AUTOMATIC, RotationType.ON_DEMAND);
    assertThat(found.materials()).extracting(KeyMaterial::encryptionsReserved)
        .containsExactly(0L, Long.MAX_VALUE, 4_294_967_296L);
  }

  @Test
  default void keepsTheCountOfDeletedImportedMaterialAcrossARestart() {
    KmsKey imported = KmsKey.create(SampleKeys.HOME, "imported", T0, "", KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT,
        Origin.EXTERNAL, KeyState.Enabled,
        List.of(KeyMaterial.initial(SampleKeys.materialId(7), T0).withEncryptionsReserved(1L << 31)), List.of(), null)
        .withImportCheck(SampleKeys.publicKey(64));
    store().insertKey(imported);
    // DeleteImportedKeyMaterial: the material goes, its count stays with the key.
    KmsKey deleted = imported.withMaterials(List.of()).withImportedEncryptionsReserved(1L << 31)
        .withState(KeyState.PendingImport, null, null);
    store().updateKey(deleted);

    reopen();

    KmsKey found = store().findKey("imported").orElseThrow();
    assertThat(found).isEqualTo(deleted);
    assertThat(found.importedEncryptionsReserved()).isEqualTo(1L << 31);
  }

  @Test
  default void keepsTheKeyPolicyTextExactlyAcrossARestart() {
    // Latin-1 characters, tabs and CRLF are all allowed in a key policy and must come back unchanged.
    String policy = "{\r\n\t\"Version\": \"2012-10-17\", \"Id\": \"caf\u00e9 \u00ff\",\n\"Statement\": []}  ";
    KmsKey key = SampleKeys.key("with-policy").withPolicy(policy);
    store().insertKey(key);
    String replaced = policy + "\n";
    store().updateKey(key.withPolicy(replaced));

    reopen();

    assertThat(store().findKey("with-policy").orElseThrow().policy()).isEqualTo(replaced);
  }

  @Test
  default void roundTripsNullOptionalFieldsAndEmptyMaterialsAndTags() {
    KmsKey key = KmsKey.create(SampleKeys.HOME, "pending-import", T0, "", KeySpec.SYMMETRIC_DEFAULT,
        KeyUsage.ENCRYPT_DECRYPT, Origin.EXTERNAL, KeyState.PendingImport, List.of(), List.of(), null);

    store().insertKey(key);

    KmsKey found = store().findKey("pending-import").orElseThrow();
    assertThat(found).isEqualTo(key);
    assertThat(found.publicKey()).isNull();
    assertThat(found.rotationPeriodDays()).isNull();
    assertThat(found.nextRotationDate()).isNull();
    assertThat(found.onDemandRotations()).isZero();
    assertThat(found.expirationModel()).isNull();
    assertThat(found.validTo()).isNull();
  }

  @Test
  default void roundTripsAnEmptyPublicKeyAndTheOtherExpirationModel() {
    KmsKey key = KmsKey.create(SampleKeys.HOME, "empty-der", T0, "", KeySpec.ECC_NIST_P256, KeyUsage.SIGN_VERIFY,
        Origin.EXTERNAL, KeyState.Enabled, List.of(KeyMaterial.initial(SampleKeys.materialId(5), T0)), List.of(),
        new byte[0]).withImport(ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null);

    store().insertKey(key);

    KmsKey found = store().findKey("empty-der").orElseThrow();
    assertThat(found).usingRecursiveComparison().isEqualTo(key);
    assertThat(found.publicKey()).isNotNull().isEmpty();
  }

  @Test
  default void readsBackMillisecondAndMicrosecondInstantsEqual() {
    Instant millis = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Instant micros = Instant.parse("2030-12-31T23:59:59.123456Z");
    Instant nanos = Instant.parse("2031-06-30T12:00:00.123456789Z");
    KmsKey key = KmsKey.create(SampleKeys.HOME, "precise", millis, "", KeySpec.HMAC_256, KeyUsage.GENERATE_VERIFY_MAC,
        Origin.AWS_KMS, KeyState.PendingDeletion, List.of(KeyMaterial.initial(SampleKeys.materialId(9), micros)),
        List.of(), null)
        .withState(KeyState.PendingDeletion, micros, 30)
        .withRotation(90, micros)
        .withImport(ExpirationModel.KEY_MATERIAL_EXPIRES, nanos);
    store().insertKey(key);
    store().insertAlias(new Alias(SampleKeys.HOME, "alias/precise", "precise", millis, micros));

    KmsKey found = store().findKey("precise").orElseThrow();
    assertThat(found.createdAt()).isEqualTo(millis);
    assertThat(found.deletionDate()).isEqualTo(micros);
    assertThat(found.materials().get(0).createdAt()).isEqualTo(micros);
    assertThat(found.nextRotationDate()).isEqualTo(micros);
    // Kept to the microsecond at least; finer digits may be truncated, never rounded up.
    assertThat(found.validTo()).isIn(nanos, Instant.parse("2031-06-30T12:00:00.123456Z"));
    assertThat(store().findAlias(SampleKeys.HOME, "alias/precise"))
        .contains(new Alias(SampleKeys.HOME, "alias/precise", "precise", millis, micros));
  }

  @Test
  default void keysKeepTheirAccountAndRegionAndTheirIdsAreUniqueAcrossThem() {
    AccountRegion otherAccount = new AccountRegion("aws", "444455556666", "us-east-1");
    AccountRegion otherRegion = SampleKeys.HOME.withRegion("ap-southeast-2");
    KmsKey home = SampleKeys.key("home-key");
    KmsKey elsewhere = SampleKeys.key(otherAccount, "account-key");
    KmsKey inOtherRegion = SampleKeys.key(otherRegion, "region-key");
    store().insertKey(home);
    store().insertKey(elsewhere);
    store().insertKey(inOtherRegion);

    // A key id is unique across accounts and regions: a second insert fails and changes nothing.
    assertThatThrownBy(() -> store().insertKey(SampleKeys.key(otherAccount, "home-key").withDescription("dup")))
        .isInstanceOf(KmsInternalException.class);
    store().updateKey(elsewhere.withDescription("updated"));
    reopen();

    assertThat(store().findKey("home-key")).contains(home);
    assertThat(store().findKey("account-key").orElseThrow().arn().value())
        .isEqualTo("arn:aws:kms:us-east-1:444455556666:key/account-key");
    assertThat(store().findKey("account-key")).contains(elsewhere.withDescription("updated"));
    assertThat(store().findKey("region-key").orElseThrow().home()).isEqualTo(otherRegion);
  }

  @Test
  default void answersThatItIsAvailable() {
    store().checkAvailable();
    store().insertKey(SampleKeys.key("after-the-check"));
    store().checkAvailable();
    assertThat(store().findKey("after-the-check")).isPresent();
  }

  @Test
  default void findsNothingForAnUnknownKey() {
    assertThat(store().findKey("no-such-key")).isEmpty();
  }

  @Test
  default void updateReplacesMutableFieldsMaterialsAndTags() {
    KmsKey original = SampleKeys.key("rotating");
    store().insertKey(original);
    KmsKey rotated = new KmsKey("rotating", T0, "now rotated", KeySpec.SYMMETRIC_DEFAULT,
        KeyUsage.ENCRYPT_DECRYPT, Origin.AWS_KMS, KeyState.PendingDeletion, T0.plus(Duration.ofDays(30)), 30,
        List.of(
            original.materials().get(0).withCurrent(false).withEncryptionsReserved(1_000_000),
            new KeyMaterial(SampleKeys.materialId(42), T0.plusSeconds(3600), true, RotationType.ON_DEMAND, 4096)),
        List.of(new Tag("team", "payments"), new Tag("env", "prod")),
        null, 180, T0.plus(Duration.ofDays(180)), 1, null, null, null, 0, "{\"Version\":\"2012-10-17\"}",
        SampleKeys.HOME.keyArn("rotating"));

    store().updateKey(rotated);
    assertThat(store().findKey("rotating")).contains(rotated);

    KmsKey cancelled = rotated.withState(KeyState.Disabled, null, null).withTags(List.of(new Tag("env", "prod")));
    store().updateKey(cancelled);
    KmsKey found = store().findKey("rotating").orElseThrow();
    assertThat(found.state()).isEqualTo(KeyState.Disabled);
    assertThat(found.deletionDate()).isNull();
    assertThat(found.pendingWindowDays()).isNull();
    assertThat(found.materials()).isEqualTo(rotated.materials());
    assertThat(found.tags()).containsExactly(new Tag("env", "prod"));
  }

  @Test
  default void updateReplacesRotationFields() {
    KmsKey original = SampleKeys.key("auto");
    store().insertKey(original);

    KmsKey enabled = original.withRotation(365, T0.plus(Duration.ofDays(365)));
    store().updateKey(enabled);
    assertThat(store().findKey("auto")).contains(enabled);

    // An automatic rotation, then an on-demand one, then automatic rotation off.
    KmsKey automatic = enabled
        .withNewCurrentMaterial(new KeyMaterial(SampleKeys.materialId(100), T0.plus(Duration.ofDays(365)), true,
            RotationType.AUTOMATIC, 0))
        .withRotation(365, T0.plus(Duration.ofDays(730)));
    store().updateKey(automatic);
    assertThat(store().findKey("auto")).contains(automatic);

    KmsKey onDemand = automatic
        .withNewCurrentMaterial(new KeyMaterial(SampleKeys.materialId(101), T0.plus(Duration.ofDays(400)), true,
            RotationType.ON_DEMAND, 0))
        .withOnDemandRotations(1);
    store().updateKey(onDemand);
    KmsKey off = onDemand.withRotation(null, null);
    store().updateKey(off);

    KmsKey found = store().findKey("auto").orElseThrow();
    assertThat(found).isEqualTo(off);
    assertThat(found.rotationPeriodDays()).isNull();
    assertThat(found.nextRotationDate()).isNull();
    assertThat(found.onDemandRotations()).isEqualTo(1);
    assertThat(found.materials()).extracting(KeyMaterial::rotationType)
        .containsExactly(null, RotationType.AUTOMATIC, RotationType.ON_DEMAND);
    assertThat(found.currentMaterial().orElseThrow().id()).isEqualTo(SampleKeys.materialId(101));
  }

  @Test
  default void updateReplacesImportFieldsAndReservedEncryptions() {
    KmsKey pending = KmsKey.create(SampleKeys.HOME, "byok", T0, "", KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT,
        Origin.EXTERNAL, KeyState.PendingImport, List.of(), List.of(), null);
    store().insertKey(pending);

    Instant validTo = T0.plus(Duration.ofDays(30));
    KmsKey imported = pending.withState(KeyState.Enabled, null, null)
        .withMaterials(List.of(KeyMaterial.initial(SampleKeys.materialId(7), T0.plusSeconds(5))))
        .withImport(ExpirationModel.KEY_MATERIAL_EXPIRES, validTo);
    store().updateKey(imported);
    assertThat(store().findKey("byok")).contains(imported);

    KmsKey reserved = imported.withMaterials(List.of(imported.materials().get(0).withEncryptionsReserved(65_536)));
    store().updateKey(reserved);
    assertThat(store().findKey("byok").orElseThrow().materials().get(0).encryptionsReserved()).isEqualTo(65_536);

    KmsKey reimported = reserved.withImport(ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null);
    store().updateKey(reimported);
    KmsKey found = store().findKey("byok").orElseThrow();
    assertThat(found).isEqualTo(reimported);
    assertThat(found.expirationModel()).isEqualTo(ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE);
    assertThat(found.validTo()).isNull();

    KmsKey expired = reimported.withState(KeyState.PendingImport, null, null).withMaterials(List.of())
        .withImport(null, null);
    store().updateKey(expired);
    assertThat(store().findKey("byok")).contains(expired);
  }

  @Test
  default void updateKeepsImmutableFields() {
    KmsKey original = KmsKey.create(SampleKeys.HOME, "fixed", T0, "", KeySpec.ECC_NIST_P384, KeyUsage.SIGN_VERIFY,
        Origin.AWS_KMS, KeyState.Enabled, List.of(KeyMaterial.initial(SampleKeys.materialId(8), T0)), List.of(),
        SampleKeys.publicKey(120));
    store().insertKey(original);

    store().updateKey(KmsKey.create(SampleKeys.HOME, "fixed", T0.plusSeconds(1), "", KeySpec.RSA_4096, KeyUsage.ENCRYPT_DECRYPT,
        Origin.EXTERNAL, KeyState.Enabled, original.materials(), List.of(), SampleKeys.publicKey(550)));
    KmsKey found = store().findKey("fixed").orElseThrow();
    assertThat(found).usingRecursiveComparison().isEqualTo(original);

    store().updateKey(KmsKey.create(SampleKeys.HOME, "fixed", T0, "", KeySpec.ECC_NIST_P384, KeyUsage.SIGN_VERIFY, Origin.AWS_KMS,
        KeyState.Enabled, original.materials(), List.of(), null).withDescription("no public key in the update"));
    assertThat(store().findKey("fixed").orElseThrow().publicKey()).isEqualTo(SampleKeys.publicKey(120));
  }

  @Test
  default void updateOfAnUnknownKeyFailsAndChangesNothing() {
    assertThat(store().updateKey(SampleKeys.key("ghost"))).isFalse();
    assertThat(store().findKey("ghost")).isEmpty();
  }

  @Test
  default void persistsAcrossCloseAndReopen() {
    KmsKey first = SampleKeys.key("first");
    store().insertKey(first);
    store().insertAlias(new Alias(SampleKeys.HOME, "alias/first", "first", T0, T0));
    reopen();
    KmsKey second = SampleKeys.key("second");
    store().insertKey(second);

    assertThat(store().findKey("first")).contains(first);
    assertThat(store().findAlias(SampleKeys.HOME, "alias/first")).contains(new Alias(SampleKeys.HOME, "alias/first", "first", T0, T0));
    assertThat(store().listKeys(SampleKeys.HOME, 10, null).items()).containsExactly(first, second);
  }
}
