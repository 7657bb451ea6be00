package io.trent.pkcs11;

import io.trent.core.spi.SealedBytes;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

/**
 * Where the AES-GCM IV of an encryption comes from and where it ends up.
 *
 * <p>HSMs disagree: SoftHSM2 needs the caller to supply it, FIPS-mode HSMs generate it themselves
 * and hand it back in vendor-specific ways. Decryption is the same everywhere (IV in
 * CK_GCM_PARAMS, input {@code ciphertext || tag}), so only encryption goes through this policy.
 */
interface GcmIvPolicy {

  int IV_LENGTH = 12;
  int TAG_LENGTH = 16;

  /** The IV to put into CK_GCM_PARAMS for {@code C_EncryptInit} on this session. */
  byte[] encryptionIv(Session session) throws PKCS11Exception;

  /**
   * Whether the IV is random bytes the caller draws from the token RNG (then a caller that draws
   * random bytes anyway, such as a data key, may draw the IV in the same {@code C_GenerateRandom}
   * call and pass it to {@link #sealed}), rather than something the HSM supplies.
   */
  boolean ivIsCallerRandom();

  /**
   * Turns the {@code C_Encrypt} output into the IV and {@code ciphertext || tag}.
   *
   * @param encryptionIv what {@link #encryptionIv} returned for this encryption
   * @param output the bytes {@code C_Encrypt} returned
   * @param plaintextLength the length of the plaintext that was encrypted
   * @throws io.trent.core.error.KmsInternalException when the output does not have the expected shape
   */
  SealedBytes sealed(byte[] encryptionIv, byte[] output, int plaintextLength);

  static GcmIvPolicy of(GcmIvSource source) {
    return switch (source) {
      case TOKEN_RNG -> new TokenRngIvPolicy();
      case HSM_GENERATED -> new HsmAppendedIvPolicy();
    };
  }
}
