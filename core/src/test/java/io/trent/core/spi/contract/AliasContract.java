package io.trent.core.spi.contract;

import static io.trent.core.testing.SampleKeys.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.error.KmsInternalException;
import io.trent.core.key.AccountRegion;
import io.trent.core.key.Alias;
import io.trent.core.testing.SampleKeys;
import org.junit.jupiter.api.Test;

/** Aliases: one per name in an account and region, retargeting, deletion. */
interface AliasContract extends StoreUnderTest {

  @Test
  default void refusesADuplicateNameAndKeepsTheOriginal() {
    givenTwoKeys();
    Alias original = new Alias(SampleKeys.HOME, "alias/app", "key-1", T0, T0);
    assertThat(store().insertAlias(original)).isTrue();

    assertThat(store().insertAlias(new Alias(SampleKeys.HOME, "alias/app", "key-2", T0.plusSeconds(5), T0.plusSeconds(5))))
        .isFalse();
    assertThat(store().findAlias(SampleKeys.HOME, "alias/app")).contains(original);
  }

  @Test
  default void updateRetargetsAnExistingAlias() {
    givenTwoKeys();
    store().insertAlias(new Alias(SampleKeys.HOME, "alias/app", "key-1", T0, T0));

    assertThat(store().updateAlias(new Alias(SampleKeys.HOME, "alias/app", "key-2", T0.plusSeconds(9), T0.plusSeconds(60))))
        .isTrue();

    // Creation time is not replaced: only the target and the update time are.
    assertThat(store().findAlias(SampleKeys.HOME, "alias/app")).contains(new Alias(SampleKeys.HOME, "alias/app", "key-2", T0, T0.plusSeconds(60)));
  }

  @Test
  default void updateOfAnAbsentAliasReturnsFalse() {
    givenTwoKeys();
    assertThat(store().updateAlias(new Alias(SampleKeys.HOME, "alias/none", "key-1", T0, T0))).isFalse();
    assertThat(store().findAlias(SampleKeys.HOME, "alias/none")).isEmpty();
  }

  @Test
  default void deleteRemovesOnceThenReturnsFalse() {
    givenTwoKeys();
    store().insertAlias(new Alias(SampleKeys.HOME, "alias/app", "key-1", T0, T0));

    assertThat(store().deleteAlias(SampleKeys.HOME, "alias/app")).isTrue();
    assertThat(store().findAlias(SampleKeys.HOME, "alias/app")).isEmpty();
    assertThat(store().deleteAlias(SampleKeys.HOME, "alias/app")).isFalse();
    assertThat(store().insertAlias(new Alias(SampleKeys.HOME, "alias/app", "key-2", T0, T0))).isTrue();
  }

  @Test
  default void aliasNamesAreUniquePerAccountAndRegion() {
    AccountRegion otherAccount = new AccountRegion("aws", "444455556666", "us-east-1");
    AccountRegion otherRegion = SampleKeys.HOME.withRegion("eu-west-1");
    givenTwoKeys();
    store().insertKey(SampleKeys.key(otherAccount, "key-a"));
    store().insertKey(SampleKeys.key(otherRegion, "key-r"));
    Alias home = new Alias(SampleKeys.HOME, "alias/app", "key-1", T0, T0);
    Alias inOtherAccount = new Alias(otherAccount, "alias/app", "key-a", T0, T0);
    Alias inOtherRegion = new Alias(otherRegion, "alias/app", "key-r", T0, T0);

    assertThat(store().insertAlias(home)).isTrue();
    assertThat(store().insertAlias(inOtherAccount)).isTrue();
    assertThat(store().insertAlias(inOtherRegion)).isTrue();
    assertThat(store().insertAlias(new Alias(otherRegion, "alias/app", "key-r", T0, T0))).isFalse();
    reopen();

    assertThat(store().findAlias(SampleKeys.HOME, "alias/app")).contains(home);
    assertThat(store().findAlias(otherAccount, "alias/app")).contains(inOtherAccount);
    assertThat(store().findAlias(otherRegion, "alias/app")).contains(inOtherRegion);
    assertThat(store().findAlias(otherAccount.withRegion("eu-west-1"), "alias/app")).isEmpty();

    // Each account and region's alias changes alone.
    assertThat(store().updateAlias(new Alias(SampleKeys.HOME, "alias/app", "key-2", T0, T0.plusSeconds(1)))).isTrue();
    assertThat(store().deleteAlias(otherAccount, "alias/app")).isTrue();
    assertThat(store().findAlias(SampleKeys.HOME, "alias/app"))
        .contains(new Alias(SampleKeys.HOME, "alias/app", "key-2", T0, T0.plusSeconds(1)));
    assertThat(store().findAlias(otherAccount, "alias/app")).isEmpty();
    assertThat(store().findAlias(otherRegion, "alias/app")).contains(inOtherRegion);
    assertThat(store().deleteAlias(otherAccount.withRegion("eu-west-1"), "alias/app")).isFalse();
  }

  @Test
  default void deletingAKeyDeletesTheAliasesOfItAlone() {
    AccountRegion otherRegion = SampleKeys.HOME.withRegion("eu-west-1");
    givenTwoKeys();
    store().insertKey(SampleKeys.key(otherRegion, "key-r"));
    store().insertAlias(new Alias(SampleKeys.HOME, "alias/one", "key-1", T0, T0));
    store().insertAlias(new Alias(SampleKeys.HOME, "alias/two", "key-1", T0, T0));
    store().insertAlias(new Alias(SampleKeys.HOME, "alias/kept", "key-2", T0, T0));
    Alias sameNameElsewhere = new Alias(otherRegion, "alias/one", "key-r", T0, T0);
    store().insertAlias(sameNameElsewhere);

    store().deleteKey("key-1", T0);

    assertThat(store().findAlias(SampleKeys.HOME, "alias/one")).isEmpty();
    assertThat(store().findAlias(SampleKeys.HOME, "alias/two")).isEmpty();
    assertThat(store().findAlias(SampleKeys.HOME, "alias/kept")).isPresent();
    assertThat(store().findAlias(otherRegion, "alias/one")).contains(sameNameElsewhere);
  }

  @Test
  default void refusesAnAliasOfAnUnknownKey() {
    givenTwoKeys();
    assertThatThrownBy(() -> store().insertAlias(new Alias(SampleKeys.HOME, "alias/ghost", "no-such-key", T0, T0)))
        .isInstanceOf(KmsInternalException.class);
    assertThat(store().findAlias(SampleKeys.HOME, "alias/ghost")).isEmpty();

    store().insertAlias(new Alias(SampleKeys.HOME, "alias/app", "key-1", T0, T0));
    assertThatThrownBy(() -> store().updateAlias(new Alias(SampleKeys.HOME, "alias/app", "no-such-key", T0, T0)))
        .isInstanceOf(KmsInternalException.class);
    assertThat(store().findAlias(SampleKeys.HOME, "alias/app"))
        .contains(new Alias(SampleKeys.HOME, "alias/app", "key-1", T0, T0));
  }

  private void givenTwoKeys() {
    store().insertKey(SampleKeys.key("key-1"));
    store().insertKey(SampleKeys.key("key-2"));
  }
}
