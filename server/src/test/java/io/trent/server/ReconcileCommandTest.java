package io.trent.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code reconcile}'s refusals before the store or the HSM is touched; what it finds and repairs is tested on the
 * real token (softhsm-it {@code CrashTest}) and in core ({@code ReconcilerTest}).
 */
class ReconcileCommandTest {
  @TempDir Path dataDir;

  @Test
  void destroyingUntrackedMaterialNeedsRepair() {
    StringWriter err = new StringWriter();
    int exit = run(err, "reconcile", "--destroy-untracked", "--data-dir", dataDir.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--destroy-untracked needs --repair");
  }

  @Test
  void aMissingDataDirectoryIsExitOneNotDrift() {
    StringWriter err = new StringWriter();
    int exit = run(err, "reconcile", "--data-dir", dataDir.resolve("none").toString());

    assertThat(exit).as("3 means drift; this is a failure to read").isEqualTo(1);
    assertThat(err.toString()).contains("No data directory");
  }

  private static int run(StringWriter err, String... args) {
    return new CommandLine(new Main()).setErr(new PrintWriter(err)).setOut(new PrintWriter(new StringWriter()))
        .execute(args);
  }
}
