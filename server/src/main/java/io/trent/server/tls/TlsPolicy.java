package io.trent.server.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The protocol versions and cipher suites Trent accepts, and the Netty server context built on them.
 *
 * <p>TLS 1.3 and 1.2 only. For 1.2, only ECDHE key exchange (forward secrecy) with AEAD ciphers
 * (AES-GCM, ChaCha20-Poly1305): the "intermediate" profile of Mozilla's server-side TLS guidance,
 * which every current AWS SDK, the aws CLI and curl support. The JDK's own TLS provider is used:
 * no native library to ship, and the JDK's TLS 1.3 is as current as the JVM.
 */
final class TlsPolicy {
  /** In preference order. */
  static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /** In preference order; suites the JVM lacks are dropped when the context is built. */
  static final List<String> CIPHER_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256",
      "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private TlsPolicy() {}

  /**
   * A server context presenting {@code credentials}.
   *
   * @param clientCas the CAs whose client certificates are accepted; empty means no client
   *     certificate is asked for, otherwise one signed by them is required (mutual TLS)
   */
  static SslContext serverContext(ServerCredentials credentials, List<X509Certificate> clientCas)
      throws SSLException {
    SslContextBuilder builder = SslContextBuilder
        .forServer(credentials.key(), credentials.chain().toArray(X509Certificate[]::new))
        .sslProvider(SslProvider.JDK)
        .protocols(PROTOCOLS)
        .ciphers(CIPHER_SUITES, SupportedCipherSuiteFilter.INSTANCE);
    if (clientCas.isEmpty()) {
      builder.clientAuth(ClientAuth.NONE);
    } else {
      builder.trustManager(clientCas.toArray(X509Certificate[]::new)).clientAuth(ClientAuth.REQUIRE);
    }
    return builder.build();
  }
}
