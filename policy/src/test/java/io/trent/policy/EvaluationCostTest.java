package io.trent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine runs on every request: policies are compiled once, and nothing in evaluation compiles a regex.
 * What a decision costs is measured by the benchmark once the engine is on the request path, never
 * asserted as a time here.
 */
class EvaluationCostTest {
  @Test
  void noClassOfTheEngineUsesRegex() throws IOException {
    Path classes = Path.of(CompiledPolicy.class.getProtectionDomain().getCodeSource().getLocation().getPath(), "io", "trent", "policy");
    try (Stream<Path> files = Files.list(classes)) {
      List<Path> all = files.filter(f -> f.toString().endsWith(".class")).toList();
      assertThat(all).hasSizeGreaterThan(10);
      for (Path f : all) {
        String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertThat(bytes).as(f.getFileName().toString()).doesNotContain("java/util/regex");
      }
    }
  }
}
