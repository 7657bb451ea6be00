package io.trent.server.tls;

import io.trent.server.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What the server presents in a TLS handshake: its private key and its certificate chain (the
 * server's certificate first, then any intermediates).
 *
 * @param key the private key of {@code chain.get(0)}
 * @param chain the certificate chain, never empty
 */
record ServerCredentials(PrivateKey key, List<X509Certificate> chain) {
  public ServerCredentials {
    Objects.requireNonNull(key, "key");
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a certificate chain has at least the server's certificate");
    }
  }

  /** The server's own certificate. */
  X509Certificate certificate() {
    return chain.get(0);
  }

  /**
   * True when {@link #key()} belongs to {@link #certificate()}: a signature made with the key
   * verifies with the certificate's public key (a mismatch would otherwise show only as every
   * client's handshake failing).
   */
  boolean keyMatchesCertificate() {
    String algorithm = signatureAlgorithm(key);
    if (algorithm == null) {
      throw new ConfigException("Unsupported private key algorithm " + key.getAlgorithm()
          + " (use an EC, RSA or Ed25519 key)");
    }
    byte[] challenge = "trent key match".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate().getPublicKey());
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false; // e.g. an EC key against an RSA certificate
    }
  }

  private static String signatureAlgorithm(PrivateKey key) {
    return switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
  }
}
