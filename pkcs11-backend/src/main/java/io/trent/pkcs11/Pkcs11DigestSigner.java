package io.trent.pkcs11;

import io.trent.audit.DigestSigner;
import io.trent.core.error.KeyUnavailableException;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeySpec;
import io.trent.core.key.KeyUsage;
import io.trent.core.key.SigningAlgorithm;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs audit digests with an EC P-256 key pair generated in the token: the private key sensitive,
 * non-extractable and sign-only, named (as {@link SealKey} is) by a fixed CKA_ID that no KMS key's
 * random material id can be, and labelled {@code trent:audit-signing}. No KMS key's metadata names
 * that id, so no KMS request can reach it: the key signs digests and nothing else. The message is
 * hashed here with SHA-256 and the token signs the hash with CKM_ECDSA (the backend's session pool,
 * as KMS Sign does); the signature is DER, what {@code SHA256withECDSA} verifies.
 */
public final class Pkcs11DigestSigner implements DigestSigner {
  private static final Logger LOG = LoggerFactory.getLogger(Pkcs11DigestSigner.class);
  static final String LABEL = "audit-signing";
  static final KeyMaterialId ID = KeyMaterialId.of(sha256("trent audit signing key v1".getBytes(StandardCharsets.US_ASCII)));

  private final Pkcs11KeyBackend backend;
  private final byte[] publicKey;

  private Pkcs11DigestSigner(Pkcs11KeyBackend backend, byte[] publicKey) {
    this.backend = backend;
    this.publicKey = publicKey;
  }

  /** Finds the token's audit signing key, or generates it on first use. */
  public static Pkcs11DigestSigner open(Pkcs11KeyBackend backend) {
    Objects.requireNonNull(backend, "backend");
    synchronized (Pkcs11DigestSigner.class) {
      byte[] existing;
      try {
        existing = backend.publicKeyInfo(ID);
      } catch (KeyUnavailableException e) {
        existing = null;
      }
      if (existing == null) {
        existing = backend.createAsymmetricKey(ID, LABEL, KeySpec.ECC_NIST_P256, KeyUsage.SIGN_VERIFY);
        LOG.info("Created the audit signing key (EC P-256, label trent:{}) in {}", LABEL, backend.describe());
      }
      return new Pkcs11DigestSigner(backend, existing);
    }
  }

  @Override
  public byte[] sign(byte[] message) {
    return backend.sign(ID, SigningAlgorithm.ECDSA_SHA_256, sha256(message));
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public String algorithm() {
    return "SHA256withECDSA";
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
