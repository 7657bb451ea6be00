package io.trent.metadata.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.testing.SampleKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded database is owner-only whatever the process umask (usually 022: world-readable). */
class EmbeddedFileModesTest {
  @TempDir Path tmp;

  @Test
  void theDatabaseDirectoryAndEveryFileInItAreOwnerOnly() throws Exception {
    Path dataDir = tmp.resolve("data");
    try (JdbcMetadataStore store = JdbcMetadataStore.openEmbedded(dataDir)) {
      store.insertKey(SampleKeys.key("key-1"));
    }
    // Reopened: the existing database is read as it is (and stays owner-only).
    try (JdbcMetadataStore store = JdbcMetadataStore.openEmbedded(dataDir)) {
      assertThat(store.findKey("key-1")).isPresent();
      // While open, H2's lock file holds the key to its mixed-mode server (AUTO_SERVER).
      assertThat(mode(dataDir.resolve("metadata/trent.lock.db"))).isEqualTo("rw-------");
    }

    List<String> modes;
    try (Stream<Path> tree = Files.walk(dataDir)) {
      modes = tree.map(path -> dataDir.relativize(path) + " " + mode(path)).toList();
    }
    assertThat(modes).contains("metadata/trent.mv.db rw-------");
    assertThat(modes).allSatisfy(entry -> assertThat(entry).matches(".* rw[-x]------"));
  }

  private static String mode(Path path) {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
