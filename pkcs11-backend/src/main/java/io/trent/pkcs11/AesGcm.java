package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_GCM;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_ENCRYPTED_DATA_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_ENCRYPTED_DATA_LEN_RANGE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_FUNCTION_FAILED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_GENERAL_ERROR;

import io.trent.core.error.InvalidCiphertextException;
import io.trent.core.spi.GeneratedDataKey;
import io.trent.core.spi.SealedBytes;
import java.util.Arrays;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.params.GCM_PARAMS;

/** CKM_AES_GCM with a 128-bit tag and a 12-byte IV on a caller-owned session. */
final class AesGcm {

  private static final int TAG_BITS = 128;

  private final GcmIvPolicy ivPolicy;

  AesGcm(GcmIvPolicy ivPolicy) {
    this.ivPolicy = ivPolicy;
  }

  /** Encrypts at least one byte of plaintext (an empty C_Encrypt leaves SoftHSM2's session stuck). */
  SealedBytes encrypt(Session session, long key, byte[] plaintext, byte[] aad) throws PKCS11Exception {
    return encrypt(session, key, plaintext, aad, ivPolicy.encryptionIv(session));
  }

  /**
   * A fresh data key of {@code length} random bytes, sealed under the key. Where the IV policy takes
   * a random caller IV, the key and the IV come from one {@code C_GenerateRandom} call: on the hot
   * path of GenerateDataKey that saves a token call, and disjoint parts of one RNG output are as
   * independent as two outputs.
   */
  GeneratedDataKey generateDataKey(Session session, long key, int length, byte[] aad) throws PKCS11Exception {
    int ivLength = ivPolicy.ivIsCallerRandom() ? GcmIvPolicy.IV_LENGTH : 0;
    byte[] random = session.generateRandom(length + ivLength);
    byte[] dataKey = Arrays.copyOf(random, length);
    try {
      byte[] iv = ivLength > 0 ? Arrays.copyOfRange(random, length, random.length) : ivPolicy.encryptionIv(session);
      return new GeneratedDataKey(dataKey, encrypt(session, key, dataKey, aad, iv));
    } catch (PKCS11Exception | RuntimeException e) {
      Arrays.fill(dataKey, (byte) 0);
      throw e;
    } finally {
      Arrays.fill(random, (byte) 0);
    }
  }

  private SealedBytes encrypt(Session session, long key, byte[] plaintext, byte[] aad, byte[] iv)
      throws PKCS11Exception {
    session.encryptInit(mechanism(iv, aad), key);
    byte[] output = session.encrypt(plaintext);
    return ivPolicy.sealed(iv, output, plaintext.length);
  }

  /**
   * Authenticates and decrypts.
   *
   * @throws InvalidCiphertextException when the tag does not verify; C_Decrypt has then ended the
   *     operation, so the session stays usable
   */
  byte[] decrypt(Session session, long key, byte[] iv, byte[] ciphertextAndTag, byte[] aad)
      throws PKCS11Exception {
    session.decryptInit(mechanism(iv, aad), key);
    try {
      return session.decrypt(ciphertextAndTag);
    } catch (PKCS11Exception e) {
      if (isAuthenticationFailure(e.getErrorCode())) {
        throw new InvalidCiphertextException();
      }
      throw e;
    }
  }

  /**
   * How HSMs report a failed tag from C_Decrypt: SoftHSM2 says CKR_GENERAL_ERROR, spec-following
   * HSMs CKR_ENCRYPTED_DATA_INVALID, nShield CKR_FUNCTION_FAILED.
   */
  static boolean isAuthenticationFailure(long code) {
    return code == CKR_GENERAL_ERROR || code == CKR_ENCRYPTED_DATA_INVALID
        || code == CKR_FUNCTION_FAILED || code == CKR_ENCRYPTED_DATA_LEN_RANGE;
  }

  private static Mechanism mechanism(byte[] iv, byte[] aad) {
    byte[] additionalData = aad == null || aad.length == 0 ? null : aad;
    return new Mechanism(CKM_AES_GCM, new GCM_PARAMS(iv, additionalData, TAG_BITS));
  }
}
