package io.trent.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.server.config.ConfigException;
import io.trent.server.config.TlsConfig;
import io.trent.server.http.KmsHttpServer;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** tls.certificate and tls.privateKey: the operator's own certificate, checked before it is served. */
@Timeout(30)
class OperatorCertificateTest {
  private static final String PASSPHRASE = "correct horse battery staple";

  @TempDir Path dir;
  private TestCa ca;
  private TestCa.Issued issued;
  private Path certificate;
  private Path caFile;

  @BeforeEach
  void issue() throws Exception {
    ca = TestCa.create("Operator CA");
    issued = ca.server("kms.internal.example");
    caFile = ca.writeCertificate(dir.resolve("operator-ca.pem"));
    certificate = dir.resolve("server.pem");
    Files.writeString(certificate, Pem.encode(issued.certificate(), ca.certificate()));
  }

  private Path write(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  private static TlsConfig config(Path certificate, Path key, Path passphraseFile) {
    return new TlsConfig(true, certificate.toString(), key.toString(),
        passphraseFile == null ? "" : passphraseFile.toString(), "");
  }

  private ServerTls open(TlsConfig config) {
    return ServerTls.open(config, dir.resolve("data"), Clock.systemUTC());
  }

  private String encryptedKey(String passphrase) throws Exception {
    // PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC: what `openssl pkcs8 -topk8` writes by default.
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(new JcaPKCS8Generator(issued.key(),
          new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC).setProvider(new BouncyCastleProvider())
              .setPassword(passphrase.toCharArray()).build()));
    }
    return text.toString();
  }

  @Test
  void theOperatorsCertificateIsServedAndNothingIsGenerated() throws Exception {
    Path key = write("server.key", Pem.encode(issued.key()));
    ServerTls tls = open(config(certificate, key, null));
    KmsHttpServer server = TlsServerTest.startServer(tls, new AtomicInteger());
    try {
      HttpResponse<String> response = TlsServerTest.client(TestCa.clientContext(caFile, null))
          .send(TlsServerTest.kmsRequest(server.port()), HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(issued.certificate());
    } finally {
      server.close();
    }
    assertThat(tls.generatedCa()).isEmpty();
    assertThat(dir.resolve("data").resolve("tls")).doesNotExist();
  }

  @Test
  void anEncryptedKeyIsReadWithThePassphraseFromItsFile() throws Exception {
    Path key = write("server.key", encryptedKey(PASSPHRASE));
    Path passphrase = write("passphrase", PASSPHRASE + "\n");

    ServerCredentials credentials = OperatorCertificate.load(config(certificate, key, passphrase), Clock.systemUTC());

    assertThat(credentials.key()).isEqualTo(issued.key());
    assertThat(credentials.chain()).containsExactly(issued.certificate(), ca.certificate());
  }

  @Test
  void aWrongPassphraseIsAClearErrorThatDoesNotShowIt() throws Exception {
    Path key = write("server.key", encryptedKey(PASSPHRASE));
    Path passphrase = write("passphrase", "not it");

    assertThatThrownBy(() -> open(config(certificate, key, passphrase)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Cannot decrypt tls.privateKey " + key + " (wrong passphrase?)")
        .hasMessageNotContaining("not it");
  }

  @Test
  void anEncryptedKeyWithoutAPassphraseFileNamesTheSetting() throws Exception {
    Path key = write("server.key", encryptedKey(PASSPHRASE));

    assertThatThrownBy(() -> open(config(certificate, key, null)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is encrypted: set tls.privateKeyPassphraseFile");
  }

  @Test
  void aKeyInTheTraditionalOpensslFormIsRefusedWithTheConversionCommand() throws Exception {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(issued.key());
    }
    assertThat(text.toString()).startsWith("-----BEGIN EC PRIVATE KEY-----");
    Path key = write("server.key", text.toString());

    assertThatThrownBy(() -> open(config(certificate, key, null)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is not in PKCS#8 form")
        .hasMessageContaining("openssl pkcs8 -topk8");
  }

  @Test
  void theKeyOfAnotherCertificateIsRefused() throws Exception {
    Path key = write("server.key", Pem.encode(ca.server("other").key()));

    assertThatThrownBy(() -> open(config(certificate, key, null)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("tls.privateKey " + key + " is not the key of the first certificate in tls.certificate "
            + certificate);
  }

  @Test
  void aFileWithoutACertificateOrMissingFilesAreNamed() throws Exception {
    Path key = write("server.key", Pem.encode(issued.key()));
    Path notACertificate = write("empty.pem", "nothing here\n");
    Path missing = dir.resolve("missing.pem");

    assertThatThrownBy(() -> open(config(notACertificate, key, null)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("tls.certificate " + notACertificate + " holds no PEM certificate");
    assertThatThrownBy(() -> open(config(missing, key, null)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Cannot read tls.certificate " + missing);
    assertThatThrownBy(() -> open(config(certificate, certificate, null)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("tls.privateKey " + certificate + " holds no PEM private key");
  }
}
