package io.trent.server.tls;

import io.trent.server.config.ConfigException;
import io.trent.server.config.Secret;
import io.trent.server.config.SecretFile;
import io.trent.server.config.TlsConfig;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.Date;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The certificate and key an operator configured ({@code tls.certificate}, {@code tls.privateKey}). */
final class OperatorCertificate {
  private static final Logger log = LoggerFactory.getLogger(OperatorCertificate.class);

  private OperatorCertificate() {}

  /**
   * Reads and checks the configured files.
   *
   * @throws ConfigException if a file is unreadable, the key is not PKCS#8, cannot be decrypted
   *     or does not belong to the certificate
   */
  static ServerCredentials load(TlsConfig config, Clock clock) {
    Path certificateFile = config.certificatePath().orElseThrow();
    Path keyFile = config.privateKeyPath().orElseThrow();
    var chain = Pem.certificates(certificateFile, "tls.certificate");
    PrivateKey key;
    char[] passphrase = config.passphrasePath().map(OperatorCertificate::passphrase).orElse(null);
    try {
      key = Pem.privateKey(keyFile, "tls.privateKey", passphrase);
    } finally {
      if (passphrase != null) {
        Arrays.fill(passphrase, '\0');
      }
    }
    ServerCredentials credentials = new ServerCredentials(key, chain);
    if (!credentials.keyMatchesCertificate()) {
      throw new ConfigException("tls.privateKey " + keyFile + " is not the key of the first certificate in "
          + "tls.certificate " + certificateFile);
    }
    warnWhenNotValid(credentials.certificate(), certificateFile, clock);
    return credentials;
  }

  private static char[] passphrase(Path file) {
    Secret secret = SecretFile.read(file);
    if (SecretFile.isReadableByOthers(file)) {
      log.warn("tls.privateKeyPassphraseFile {} is readable by other users; chmod 600 it", file);
    }
    return secret.chars();
  }

  /** Served anyway (the operator may be replacing it), but every client will refuse it. */
  private static void warnWhenNotValid(X509Certificate certificate, Path file, Clock clock) {
    try {
      certificate.checkValidity(Date.from(clock.instant()));
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      log.warn("tls.certificate {} is not valid now (valid {} to {}); clients will refuse it", file,
          certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
    }
  }
}
