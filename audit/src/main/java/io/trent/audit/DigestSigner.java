package io.trent.audit;

/**
 * Signs the audit trail's digest records with a key used for nothing else. The production
 * implementation keeps the private key in the HSM (non-extractable, sign-only); an auditor verifies
 * with {@link #publicKey()} alone, offline.
 */
public interface DigestSigner {
  /**
   * Signs a message (the digest statement's bytes; see {@link DigestStatement#signedBytes()}).
   *
   * @return the signature in the JCA encoding of {@link #algorithm()} (DER for ECDSA)
   * @throws RuntimeException when the signing device fails; the trail then tries again later
   */
  byte[] sign(byte[] message);

  /** The public key, DER SubjectPublicKeyInfo. */
  byte[] publicKey();

  /** The JCA signature algorithm a verifier uses with {@link #publicKey()}, e.g. {@code SHA256withECDSA}. */
  String algorithm();
}
