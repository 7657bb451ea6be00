package io.trent.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFileTest {
  @TempDir Path dir;

  @Test
  void createdFilesAreOwnerOnlyAndReadBack() throws Exception {
    Path file = dir.resolve("pin");
    Secret pin = SecretFile.generatePin();

    SecretFile.create(file, pin);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(SecretFile.read(file)).isEqualTo(pin);
    assertThat(SecretFile.isReadableByOthers(file)).isFalse();
  }

  @Test
  void anExistingFileIsNeverOverwritten() throws Exception {
    Path file = dir.resolve("pin");
    Files.writeString(file, "old");

    assertThatThrownBy(() -> SecretFile.create(file, Secret.of("new"))).isInstanceOf(ConfigException.class);
    assertThat(Files.readString(file)).isEqualTo("old");
  }

  @Test
  void readingTrimsSurroundingWhitespace() throws Exception {
    Path file = dir.resolve("pin");
    Files.writeString(file, "  1234\n");

    assertThat(SecretFile.read(file).chars()).containsExactly('1', '2', '3', '4');
  }

  @Test
  void generatedPinsAreLongAndDistinct() {
    char[] a = SecretFile.generatePin().chars();
    char[] b = SecretFile.generatePin().chars();

    assertThat(a).hasSizeGreaterThanOrEqualTo(16);
    assertThat(new String(a)).matches("[A-Za-z0-9]+").isNotEqualTo(new String(b));
    assertThat(SecretFile.generatePin().toString()).isEqualTo("****");
  }
}
