package io.trent.metadata.jdbc;

import static io.trent.metadata.jdbc.SampleKeys.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.key.Alias;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AliasStorageTest {
  @TempDir Path dataDir;
  private JdbcMetadataStore store;

  @BeforeEach
  void open() {
    store = JdbcMetadataStore.openEmbedded(dataDir);
    store.insertKey(SampleKeys.key("key-1"));
    store.insertKey(SampleKeys.key("key-2"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void refusesADuplicateNameAndKeepsTheOriginal() {
    Alias original = new Alias(SampleKeys.HOME, "alias/app", "key-1", T0, T0);
    assertThat(store.insertAlias(original)).isTrue();

    assertThat(store.insertAlias(new Alias(SampleKeys.HOME, "alias/app", "key-2", T0.plusSeconds(5), T0.plusSeconds(5))))
        .isFalse();
    assertThat(store.findAlias(SampleKeys.HOME, "alias/app")).contains(original);
  }

  @Test
  void updateRetargetsAnExistingAlias() {
    store.insertAlias(new Alias(SampleKeys.HOME, "alias/app", "key-1", T0, T0));

    assertThat(store.updateAlias(new Alias(SampleKeys.HOME, "alias/app", "key-2", T0.plusSeconds(9), T0.plusSeconds(60))))
        .isTrue();

    // Creation time is not replaced: only the target and the update time are.
    assertThat(store.findAlias(SampleKeys.HOME, "alias/app")).contains(new Alias(SampleKeys.HOME, "alias/app", "key-2", T0, T0.plusSeconds(60)));
  }

  @Test
  void updateOfAnAbsentAliasReturnsFalse() {
    assertThat(store.updateAlias(new Alias(SampleKeys.HOME, "alias/none", "key-1", T0, T0))).isFalse();
    assertThat(store.findAlias(SampleKeys.HOME, "alias/none")).isEmpty();
  }

  @Test
  void deleteRemovesOnceThenReturnsFalse() {
    store.insertAlias(new Alias(SampleKeys.HOME, "alias/app", "key-1", T0, T0));

    assertThat(store.deleteAlias(SampleKeys.HOME, "alias/app")).isTrue();
    assertThat(store.findAlias(SampleKeys.HOME, "alias/app")).isEmpty();
    assertThat(store.deleteAlias(SampleKeys.HOME, "alias/app")).isFalse();
    assertThat(store.insertAlias(new Alias(SampleKeys.HOME, "alias/app", "key-2", T0, T0))).isTrue();
  }
}
