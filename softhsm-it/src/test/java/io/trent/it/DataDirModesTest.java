package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server started on a fresh data directory (the fixture lets it create it) under the usual
 * umask 022: the directory and everything Trent wrote in it (PIN files, the H2 database) are
 * owner-only.
 */
@ExtendWith(TrentExtension.class)
class DataDirModesTest {

  @Test
  void nothingUnderTheDataDirectoryIsOpenToOtherUsers() throws IOException {
    Trent.newKey("DataDirModesTest"); // so the database holds a key

    Path dataDir = Trent.dataDir();
    List<String> modes;
    try (Stream<Path> tree = Files.walk(dataDir)) {
      modes = tree.map(path -> dataDir.relativize(path) + " " + mode(path)).toList();
    }

    assertThat(modes).contains(" rwx------", "pin rw-------", "so-pin rw-------", "metadata rwx------",
        "metadata/trent.mv.db rw-------");
    assertThat(modes).allSatisfy(entry -> assertThat(entry).matches(".* rw[-x]------"));
  }

  private static String mode(Path path) {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
