package io.trent.metadata.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.spi.MetadataStore;
import io.trent.core.spi.contract.MetadataStoreContract;
import io.trent.core.testing.SampleKeys;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SPI contract on the embedded H2 store, plus what only a file database has. */
class H2MetadataStoreTest extends MetadataStoreContract {
  @TempDir Path dataDir;

  @Override
  protected MetadataStore open() {
    return JdbcMetadataStore.openEmbedded(dataDir);
  }

  /** A second pool on the same file: claims must hold across pools too. */
  @Override
  protected MetadataStore openPeer() {
    store();
    return JdbcMetadataStore.openEmbedded(dataDir);
  }

  @Test
  void keepsItsDataInOneFileUnderTheDataDirectory() {
    store().insertKey(SampleKeys.key("first"));
    reopen();
    assertThat(dataDir.resolve("metadata").resolve("trent.mv.db")).isRegularFile();
    assertThat(store().findKey("first")).isPresent();
  }

  @Test
  void opensAnyJdbcUrl() {
    String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("other");
    try (JdbcMetadataStore other = JdbcMetadataStore.open(url, "someone", "secret")) {
      other.insertKey(SampleKeys.key("elsewhere"));
    }
    try (JdbcMetadataStore reopened = JdbcMetadataStore.open(url, "someone", "secret")) {
      assertThat(reopened.findKey("elsewhere")).isPresent();
    }
  }
}
