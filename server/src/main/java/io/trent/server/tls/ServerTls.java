package io.trent.server.tls;

import io.netty.handler.ssl.SslContext;
import io.trent.server.config.ConfigException;
import io.trent.server.config.TlsConfig;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS as configured: the server context and what an operator must tell clients.
 *
 * @param context the Netty server context (protocols and suites of {@link TlsPolicy})
 * @param generatedCa the CA certificate clients must trust when Trent made its own certificate
 *     ({@code <dataDir>/tls/ca.pem}); empty with an operator's certificate
 * @param mutual true when clients must present a certificate signed by {@code tls.clientCa}
 */
public record ServerTls(SslContext context, Optional<Path> generatedCa, boolean mutual) {
  private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

  /**
   * {@link #open} when {@code tls.enabled}, empty when not.
   *
   * @throws ConfigException when TLS is off but certificates are configured: an operator who set
   *     {@code tls.clientCa} and forgot {@code tls.enabled} must not get plain HTTP unawares
   */
  public static Optional<ServerTls> ifEnabled(TlsConfig config, Path dataDir, Clock clock) {
    if (config.enabled()) {
      return Optional.of(open(config, dataDir, clock));
    }
    if (config.operatorCertificate() || config.clientCaPath().isPresent()) {
      throw new ConfigException("tls.certificate or tls.clientCa is set but tls.enabled is false: set "
          + "tls.enabled: true (or serve --tls) to serve HTTPS, or remove them to serve plain HTTP");
    }
    return Optional.empty();
  }

  /**
   * Loads the operator's certificate, or makes or reuses the generated one, and builds the context.
   *
   * @param clock the real time: certificates are judged by clients against their wall clock
   * @throws ConfigException for unreadable or mismatched files
   */
  public static ServerTls open(TlsConfig config, Path dataDir, Clock clock) {
    ServerCredentials credentials = config.operatorCertificate()
        ? OperatorCertificate.load(config, clock)
        : GeneratedCertificate.ensure(dataDir, clock);
    List<X509Certificate> clientCas = config.clientCaPath()
        .map(file -> Pem.certificates(file, "tls.clientCa"))
        .orElse(List.of());
    try {
      SslContext context = TlsPolicy.serverContext(credentials, clientCas);
      Optional<Path> ca = config.operatorCertificate()
          ? Optional.empty()
          : Optional.of(GeneratedCertificate.caFile(dataDir));
      log.info("HTTPS only ({}), certificate {}{}", String.join(", ", TlsPolicy.PROTOCOLS),
          credentials.certificate().getSubjectX500Principal().getName(),
          clientCas.isEmpty() ? "" : "; client certificates required (tls.clientCa)");
      return new ServerTls(context, ca, !clientCas.isEmpty());
    } catch (SSLException | IllegalArgumentException e) {
      throw new ConfigException("Cannot set up TLS: " + e.getMessage(), e);
    }
  }
}
