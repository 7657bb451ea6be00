package io.trent.metadata.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.key.Alias;
import io.trent.core.testing.SampleKeys;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write that returned survives the process dying right after, with no shutdown hook run. */
class CrashDurabilityTest {
  @TempDir Path dataDir;

  @Test
  void aReturnedWriteSurvivesAnAbruptExit() throws Exception {
    Process child = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
        WriteThenHalt.class.getName(), dataDir.toString())
        .inheritIO()
        .start();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).isEqualTo(WriteThenHalt.HALTED);

    try (JdbcMetadataStore store = JdbcMetadataStore.openEmbedded(dataDir)) {
      assertThat(store.findKey("survivor")).isPresent();
      assertThat(store.findAlias(SampleKeys.HOME, "alias/survivor")).map(Alias::targetKeyId).contains("survivor");
    }
  }

  /** Runs in the child JVM: writes, then halts without closing anything. */
  static final class WriteThenHalt {
    static final int HALTED = 42;

    public static void main(String[] args) {
      JdbcMetadataStore store = JdbcMetadataStore.openEmbedded(Path.of(args[0]));
      store.insertKey(SampleKeys.key("survivor"));
      store.insertAlias(new Alias(SampleKeys.HOME, "alias/survivor", "survivor", SampleKeys.T0, SampleKeys.T0));
      Runtime.getRuntime().halt(HALTED);
    }
  }
}
