package io.trent.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificate made on first start with TLS on and no operator certificate. */
class GeneratedCertificateTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dataDir;

  private static Clock at(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }

  private Path tlsDir() {
    return dataDir.resolve("tls");
  }

  private X509Certificate ca() {
    return Pem.certificates(GeneratedCertificate.caFile(dataDir), "ca").get(0);
  }

  private static String mode(Path path) {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void firstStartWritesOwnerOnlyFilesAndNoCaPrivateKey() throws Exception {
    GeneratedCertificate.ensure(dataDir, at(T0));

    List<String> entries;
    try (Stream<Path> files = Files.list(tlsDir())) {
      entries = files.map(p -> p.getFileName() + " " + mode(p)).sorted().toList();
    }
    assertThat(entries).containsExactly("ca.pem rw-------", "server.key rw-------", "server.pem rw-------");
    assertThat(mode(tlsDir())).isEqualTo("rwx------");
    // The only private key written is the server's own.
    assertThat(Files.readString(tlsDir().resolve("ca.pem"))).doesNotContain("PRIVATE KEY");
    assertThat(Files.readString(tlsDir().resolve("server.pem"))).doesNotContain("PRIVATE KEY");
    assertThat(Files.readString(tlsDir().resolve("server.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void theServerCertificateNamesLocalhostAndTheLoopbackAddressesAndIsSignedByCaPem() throws Exception {
    ServerCredentials credentials = GeneratedCertificate.ensure(dataDir, at(T0));
    X509Certificate server = credentials.certificate();
    X509Certificate ca = ca();

    server.verify(ca.getPublicKey());
    List<String> names = server.getSubjectAlternativeNames().stream().map(name -> (String) name.get(1)).toList();
    assertThat(names).containsExactlyInAnyOrder("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
    assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth
    assertThat(server.getBasicConstraints()).isEqualTo(-1);
    assertThat(server.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(ca.getBasicConstraints()).isEqualTo(0);
    assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(server.getNotAfter().toInstant()).isEqualTo(T0.plus(GeneratedCertificate.VALIDITY));
    assertThat(credentials.keyMatchesCertificate()).isTrue();
  }

  @Test
  void laterStartsReuseTheFiles() throws Exception {
    X509Certificate first = GeneratedCertificate.ensure(dataDir, at(T0)).certificate();
    String caPem = Files.readString(GeneratedCertificate.caFile(dataDir));

    X509Certificate second = GeneratedCertificate.ensure(dataDir, at(T0.plus(java.time.Duration.ofDays(100))))
        .certificate();

    assertThat(second).isEqualTo(first);
    assertThat(Files.readString(GeneratedCertificate.caFile(dataDir))).isEqualTo(caPem);
  }

  @Test
  void aCertificateCloseToExpiryIsReplacedWithANewCa() throws Exception {
    X509Certificate first = GeneratedCertificate.ensure(dataDir, at(T0)).certificate();
    String caPem = Files.readString(GeneratedCertificate.caFile(dataDir));
    Instant later = first.getNotAfter().toInstant().minus(GeneratedCertificate.RENEW_BEFORE).plusSeconds(1);

    X509Certificate renewed = GeneratedCertificate.ensure(dataDir, at(later)).certificate();

    assertThat(renewed).isNotEqualTo(first);
    assertThat(renewed.getNotAfter().toInstant()).isEqualTo(later.plus(GeneratedCertificate.VALIDITY));
    assertThat(Files.readString(GeneratedCertificate.caFile(dataDir))).isNotEqualTo(caPem);
    renewed.verify(ca().getPublicKey());
  }

  @Test
  void aMissingFileMeansNewFiles() throws Exception {
    X509Certificate first = GeneratedCertificate.ensure(dataDir, at(T0)).certificate();
    Files.delete(tlsDir().resolve("server.key"));

    X509Certificate second = GeneratedCertificate.ensure(dataDir, at(T0)).certificate();

    assertThat(second).isNotEqualTo(first);
    assertThat(tlsDir().resolve("server.key")).exists();
    second.verify(ca().getPublicKey());
  }

  @Test
  void filesThatDoNotBelongTogetherAreReplaced() throws Exception {
    X509Certificate first = GeneratedCertificate.ensure(dataDir, at(T0)).certificate();
    Files.writeString(tlsDir().resolve("ca.pem"), Pem.encode(TestCa.create("Another CA").certificate()));

    X509Certificate second = GeneratedCertificate.ensure(dataDir, at(T0)).certificate();

    assertThat(second).isNotEqualTo(first);
    second.verify(ca().getPublicKey());
  }

  @Test
  void anUnreadableKeyFileIsReplaced() throws Exception {
    X509Certificate first = GeneratedCertificate.ensure(dataDir, at(T0)).certificate();
    Files.writeString(tlsDir().resolve("server.key"), "not a key");

    X509Certificate second = GeneratedCertificate.ensure(dataDir, at(T0)).certificate();

    assertThat(second).isNotEqualTo(first);
    assertThat(Files.readString(tlsDir().resolve("server.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
  }
}
