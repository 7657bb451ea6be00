package io.trent.metadata.jdbc.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding Debian's PostgreSQL: the newest version, or a failure that says how to install it (never a skip). */
class PostgresServerTest {
  @TempDir Path versions;

  @Test
  void withoutPostgresTheTestsFailNamingTheInstallCommand() {
    assertThatThrownBy(() -> PostgresServer.binDirectory(versions))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Install it with: sudo apt-get install -y postgresql");
    assertThatThrownBy(() -> PostgresServer.binDirectory(versions.resolve("absent")))
        .hasMessageContaining("sudo apt-get install -y postgresql");
  }

  @Test
  void picksTheNewestVersionWithAnInitdb() throws Exception {
    for (String version : new String[] {"9.6", "15", "16"}) {
      Path bin = Files.createDirectories(versions.resolve(version).resolve("bin"));
      if (!version.equals("16")) {
        Files.createFile(bin.resolve("initdb")).toFile().setExecutable(true);
      }
    }
    // 16 has no initdb (a client-only package): 15 is the newest server.
    assertThat(PostgresServer.binDirectory(versions)).isEqualTo(versions.resolve("15").resolve("bin"));
  }
}
