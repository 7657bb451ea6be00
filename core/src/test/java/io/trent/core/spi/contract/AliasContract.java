package io.trent.core.spi.contract;

import static io.trent.core.testing.SampleKeys.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.key.Alias;
import io.trent.core.testing.SampleKeys;
import org.junit.jupiter.api.Test;

/** Aliases: one per name, retargeting, deletion. */
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

  private void givenTwoKeys() {
    store().insertKey(SampleKeys.key("key-1"));
    store().insertKey(SampleKeys.key("key-2"));
  }
}
