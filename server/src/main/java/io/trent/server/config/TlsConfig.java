package io.trent.server.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code tls} section: HTTPS instead of HTTP on {@code server.port}.
 *
 * @param enabled serve HTTPS only (also {@code serve --tls}); plain HTTP then fails the handshake
 * @param certificate PEM file with the server certificate first, then any intermediates; empty
 *     means a certificate for localhost generated under {@code <dataDir>/tls} on first start
 * @param privateKey PEM file with the certificate's private key in PKCS#8 form, plain or encrypted
 * @param privateKeyPassphraseFile file holding the passphrase of an encrypted {@code privateKey}
 *     (never the command line or this file)
 * @param clientCa PEM bundle of the CA certificates that sign client certificates; set, it makes
 *     a client certificate mandatory (mutual TLS)
 */
public record TlsConfig(
    boolean enabled, String certificate, String privateKey, String privateKeyPassphraseFile, String clientCa) {

  public TlsConfig {
    certificate = trimmed(certificate);
    privateKey = trimmed(privateKey);
    privateKeyPassphraseFile = trimmed(privateKeyPassphraseFile);
    clientCa = trimmed(clientCa);
    if (certificate.isEmpty() != privateKey.isEmpty()) {
      throw new ConfigException("tls.certificate and tls.privateKey are set together or not at all");
    }
    if (!privateKeyPassphraseFile.isEmpty() && privateKey.isEmpty()) {
      throw new ConfigException("tls.privateKeyPassphraseFile is set but tls.privateKey is not");
    }
  }

  /** TLS off, nothing configured. */
  public static TlsConfig off() {
    return new TlsConfig(false, "", "", "", "");
  }

  public TlsConfig withEnabled(boolean on) {
    return new TlsConfig(on, certificate, privateKey, privateKeyPassphraseFile, clientCa);
  }

  public TlsConfig withClientCa(String file) {
    return new TlsConfig(enabled, certificate, privateKey, privateKeyPassphraseFile, file);
  }

  /** True when the operator supplies the certificate; false means a generated one. */
  public boolean operatorCertificate() {
    return !certificate.isEmpty();
  }

  public Optional<Path> certificatePath() {
    return path(certificate);
  }

  public Optional<Path> privateKeyPath() {
    return path(privateKey);
  }

  public Optional<Path> passphrasePath() {
    return path(privateKeyPassphraseFile);
  }

  public Optional<Path> clientCaPath() {
    return path(clientCa);
  }

  private static Optional<Path> path(String value) {
    return value.isEmpty() ? Optional.empty() : Optional.of(Path.of(value).toAbsolutePath().normalize());
  }

  private static String trimmed(String value) {
    return value == null ? "" : value.trim();
  }
}
