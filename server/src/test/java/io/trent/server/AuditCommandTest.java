package io.trent.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.trent.audit.AuditSettings;
import io.trent.audit.AuditTrail;
import io.trent.audit.DigestSigner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code trent-server audit verify|public-key}: exit codes and output (the jar run is in softhsm-it). */
class AuditCommandTest {
  @TempDir Path dataDir;

  private record Result(int exit, String out, String err) { }

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  private Path writeTrail(int events) {
    ObjectMapper json = new ObjectMapper();
    try (AuditTrail trail = AuditTrail.open(new AuditSettings(dataDir.resolve("audit"), "n1", 1 << 20,
        Duration.ofHours(1), Duration.ofSeconds(60)), new EcSigner())) {
      for (int i = 0; i < events; i++) {
        trail.append(json.createObjectNode().put("eventName", "Decrypt"));
      }
    }
    return dataDir.resolve("audit").resolve("trail-n1-00000001.jsonl");
  }

  @Test
  void aValidTrailExitsZeroWithOneLine() {
    writeTrail(3);
    Result result = run("audit", "verify", "--data-dir", dataDir.toString());
    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.out()).startsWith("audit trail valid: 3 events, 1 digests, 1 files, 1 node(s), first ")
        .endsWith("\n").hasLineCount(1);
  }

  @Test
  void aTamperedTrailExitsOneNamingThePlace() throws Exception {
    Path file = writeTrail(3);
    List<String> lines = Files.readAllLines(file);
    lines.remove(2);
    Files.write(file, lines);
    Result result = run("audit", "verify", "--data-dir", dataDir.toString());
    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).startsWith("audit trail NOT valid: trail-n1-00000001.jsonl:3: sequence number 4 after 2");
  }

  @Test
  void withAnotherTrustedKeyTheDigestsAreRefused() throws Exception {
    writeTrail(1);
    Path other = dataDir.resolve("other.pem");
    Files.writeString(other, io.trent.audit.PublicKeyPem.encode(new EcSigner().publicKey()));
    Result result = run("audit", "verify", "--data-dir", dataDir.toString(), "--public-key", other.toString());
    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).contains("unknown key");
  }

  @Test
  void noTrailExitsOne() {
    Result result = run("audit", "verify", "--data-dir", dataDir.toString());
    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).contains("no audit directory");
  }

  @Test
  void publicKeyPrintsThePem() throws Exception {
    writeTrail(1);
    Result result = run("audit", "public-key", "--data-dir", dataDir.toString());
    assertThat(result.exit()).isZero();
    assertThat(result.out()).isEqualTo(Files.readString(dataDir.resolve("audit/public-key.pem")));
  }

  /** A software signer: the command checks signatures with the public key alone, whoever made them. */
  private static final class EcSigner implements DigestSigner {
    private final KeyPair pair;

    EcSigner() {
      try {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        pair = generator.generateKeyPair();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public byte[] sign(byte[] message) {
      try {
        Signature signature = Signature.getInstance("SHA256withECDSA");
        signature.initSign(pair.getPrivate());
        signature.update(message);
        return signature.sign();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public byte[] publicKey() {
      return pair.getPublic().getEncoded();
    }

    @Override
    public String algorithm() {
      return "SHA256withECDSA";
    }
  }
}
