package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The audit trail of a real server on SoftHSM2: its digests signed in the token verify offline
 * through the server jar's {@code audit verify}, as {@code ./trent audit verify} runs it, and
 * {@code GET /health} reports a trail that cannot be written.
 */
class AuditTrailTest {

  @Test
  void aServerStartedAndStoppedCleanlyLeavesATrailThatVerifiesWithThePublicKeyAlone() throws Exception {
    Path dataDir;
    try (SigV4Process server = SigV4Process.start()) {
      dataDir = server.dataDir();
    } // SIGTERM: the shutdown hook closes the trail with a final digest signed in the HSM
    Path audit = dataDir.resolve("audit");
    List<Path> files = trailFiles(audit);
    assertThat(files).hasSize(1);
    List<String> lines = Files.readAllLines(files.get(0));
    assertThat(lines.get(0)).contains("\"type\":\"file\"").contains("\"reason\":\"start\"");
    assertThat(lines.get(lines.size() - 1)).contains("\"type\":\"digest\"").contains("SHA256withECDSA");

    Run verify = jar("audit", "verify", "--data-dir", dataDir.toString());
    assertThat(verify.exit).as(verify.toString()).isZero();
    // The server's own StartServer and StopServer events, then the closing digest.
    assertThat(lines).filteredOn(l -> l.contains("\"eventName\":\"StartServer\"")).hasSize(1);
    assertThat(lines).filteredOn(l -> l.contains("\"eventName\":\"StopServer\"")).hasSize(1);
    assertThat(verify.out.strip()).startsWith("audit trail valid: 2 events, 1 digests, 1 files, 1 node(s)")
        .doesNotContain("NOT YET COVERED").doesNotContain("\n");

    Run publicKey = jar("audit", "public-key", "--data-dir", dataDir.toString());
    assertThat(publicKey.exit).as(publicKey.toString()).isZero();
    assertThat(publicKey.out).isEqualTo(Files.readString(audit.resolve("public-key.pem")))
        .startsWith("-----BEGIN PUBLIC KEY-----");

    // With a trusted copy of the key, on a copy of the trail elsewhere: the same answer.
    Path copy = Files.createTempDirectory(Trent.buildDir(), "audit-copy");
    Path key = copy.resolve("trusted.pem");
    Files.writeString(key, publicKey.out);
    Files.createDirectories(copy.resolve("data/audit"));
    Files.copy(files.get(0), copy.resolve("data/audit").resolve(files.get(0).getFileName()));
    Run offline = jar("audit", "verify", "--data-dir", copy.resolve("data").toString(), "--public-key", key.toString());
    assertThat(offline.exit).as(offline.toString()).isZero();

    // A forged digest: the signature altered (still valid base64).
    String last = lines.get(lines.size() - 1);
    int at = last.indexOf("\"signature\":\"") + "\"signature\":\"".length();
    char flipped = last.charAt(at + 4) == 'A' ? 'B' : 'A';
    lines.set(lines.size() - 1, last.substring(0, at + 4) + flipped + last.substring(at + 5));
    Files.write(files.get(0), lines, StandardCharsets.UTF_8);
    Run tampered = jar("audit", "verify", "--data-dir", dataDir.toString());
    assertThat(tampered.exit).as(tampered.toString()).isEqualTo(1);
    assertThat(tampered.err.strip()).startsWith("audit trail NOT valid: " + files.get(0).getFileName() + ":"
        + lines.size() + ": digest signature is not valid");
  }

  @Test
  void healthIs503WhileTheTrailCannotBeWrittenAndRecoversByItself() throws IOException {
    Trent.ensureStarted();
    Path audit = Trent.dataDir().resolve("audit");
    Path aside = Trent.dataDir().resolve("audit-aside");
    assertThat(RawKms.get("/health").status()).isEqualTo(200);
    Files.move(audit, aside);
    Files.writeString(audit, "a file where the audit directory was");
    try {
      RawKms.Response down = RawKms.get("/health");
      assertThat(down.status()).as("%s", down).isEqualTo(503);
    } finally {
      Files.delete(audit);
      Files.move(aside, audit);
    }
    assertThat(RawKms.get("/health").status()).isEqualTo(200);
  }

  private static List<Path> trailFiles(Path audit) throws IOException {
    try (Stream<Path> listing = Files.list(audit)) {
      return listing.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
    }
  }

  private record Run(int exit, String out, String err) { }

  /** {@code java -jar server/target/trent-server.jar <args>}, as {@code ./trent} runs it. */
  private static Run jar(String... args) throws IOException, InterruptedException {
    Path jar = Path.of("").toAbsolutePath().getParent().resolve("server/target/trent-server.jar");
    assertThat(jar).as("the server jar (built by the server module's package phase)").exists();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
    command.addAll(List.of(args));
    Path err = Files.createTempFile(Trent.buildDir(), "audit-cli", ".err");
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().keySet().removeIf(name -> name.startsWith("TRENT_"));
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("audit " + String.join(" ", args) + " did not finish");
    }
    return new Run(process.exitValue(), out, Files.readString(err));
  }
}
