package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_RSA_X_509;

import io.trent.core.error.InvalidCiphertextException;
import io.trent.core.error.InvalidKeyUsageException;
import io.trent.core.error.KmsUnsupportedOperationException;
import io.trent.core.error.ValidationException;
import io.trent.core.key.EncryptionAlgorithm;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import org.bouncycastle.crypto.AsymmetricBlockCipher;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.encodings.OAEPEncoding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

/**
 * RSAES-OAEP with a KMS RSA key pair: SHA-1 or SHA-256, MGF1 over the same hash, empty label.
 *
 * <p>SHA-1 runs in the token (CKM_RSA_PKCS_OAEP). Tokens that accept only SHA-1 OAEP parameters
 * (SoftHSM2 2.6.1 answers CKR_ARGUMENTS_BAD otherwise) get SHA-256 another way:
 * <ul>
 *   <li>encryption in software with the public key: no secret is involved;
 *   <li>decryption as raw RSA in the token (CKM_RSA_X_509) and EME-OAEP decoding here, with Bouncy
 *       Castle's constant-time decoder; the encoded message and every copy are wiped.
 * </ul>
 * The token is asked first and its refusal remembered, so an HSM that does SHA-256 OAEP keeps the
 * whole decryption inside.
 *
 * <p>Every decryption failure (bad padding, wrong length, value out of range) is the same
 * InvalidCiphertextException, so callers cannot tell them apart.
 */
final class RsaOaep {

  private static final Logger LOG = LoggerFactory.getLogger(RsaOaep.class);

  // null until the token first accepts or refuses SHA-256 OAEP parameters.
  private volatile Boolean tokenDoesSha256;

  byte[] encrypt(Session session, KeyPairHandle key, EncryptionAlgorithm algorithm, byte[] plaintext)
      throws PKCS11Exception {
    OaepParameters oaep = parameters(key, algorithm);
    int max = oaep.maxMessageLength(key.algorithm().rsaBytes());
    if (plaintext == null || plaintext.length == 0 || plaintext.length > max) {
      // The token would fail with CKR_GENERAL_ERROR (too long) or a stuck operation (empty).
      throw new ValidationException("The plaintext for " + algorithm + " with this key must be 1 to "
          + max + " bytes long.");
    }
    if (oaep == OaepParameters.SHA_1) {
      return session.encryptSingle(oaep.mechanism(), key.publicKey(), plaintext);
    }
    if (tokenTries(session, oaep, key.publicKey(), true)) {
      return session.encrypt(plaintext); // C_EncryptInit succeeded in tokenTries
    }
    return encryptInSoftware(key, oaep, plaintext);
  }

  byte[] decrypt(Session session, KeyPairHandle key, EncryptionAlgorithm algorithm, byte[] ciphertext)
      throws PKCS11Exception {
    OaepParameters oaep = parameters(key, algorithm);
    int modulusBytes = key.algorithm().rsaBytes();
    if (ciphertext == null || ciphertext.length != modulusBytes) {
      throw new InvalidCiphertextException();
    }
    try {
      if (oaep == OaepParameters.SHA_1) {
        return session.decryptSingle(oaep.mechanism(), key.privateKey(), ciphertext);
      }
      if (tokenTries(session, oaep, key.privateKey(), false)) {
        return session.decrypt(ciphertext); // C_DecryptInit succeeded in tokenTries
      }
      return decodeRaw(oaep, modulusBytes,
          session.decryptSingle(new Mechanism(CKM_RSA_X_509), key.privateKey(), ciphertext));
    } catch (PKCS11Exception e) {
      if (DataErrors.isBadCiphertext(e.getErrorCode())) {
        throw new InvalidCiphertextException();
      }
      throw e;
    }
  }

  private static OaepParameters parameters(KeyPairHandle key, EncryptionAlgorithm algorithm) {
    if (algorithm == EncryptionAlgorithm.SM2PKE) {
      throw new KmsUnsupportedOperationException("EncryptionAlgorithm SM2PKE is not supported by this HSM.");
    }
    OaepParameters oaep = OaepParameters.of(algorithm);
    if (oaep == null || !key.isRsa()) {
      throw new InvalidKeyUsageException("EncryptionAlgorithm " + algorithm + " is not valid for this key.");
    }
    return oaep;
  }

  /**
   * Starts SHA-256 OAEP in the token unless it refused before; true when the operation is now
   * initialized on the session. A refused C_*Init starts no operation, so the session stays usable.
   */
  private boolean tokenTries(Session session, OaepParameters oaep, long key, boolean encrypt)
      throws PKCS11Exception {
    if (Boolean.FALSE.equals(tokenDoesSha256)) {
      return false;
    }
    try {
      if (encrypt) {
        session.encryptInit(oaep.mechanism(), key);
      } else {
        session.decryptInit(oaep.mechanism(), key);
      }
    } catch (PKCS11Exception e) {
      if (!DataErrors.isRefusedMechanism(e.getErrorCode())) {
        throw e;
      }
      tokenDoesSha256 = Boolean.FALSE;
      LOG.info("The HSM refuses RSA-OAEP with SHA-256 ({}); using raw RSA in the HSM plus OAEP "
          + "decoding in the backend to decrypt, and the public key in software to encrypt.", e.getErrorName());
      return false;
    }
    tokenDoesSha256 = Boolean.TRUE;
    return true;
  }

  private static byte[] encryptInSoftware(KeyPairHandle key, OaepParameters oaep, byte[] plaintext) {
    try {
      PublicKey publicKey = KeyFactory.getInstance("RSA")
          .generatePublic(new X509EncodedKeySpec(key.publicKeyInfo()));
      Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
      cipher.init(Cipher.ENCRYPT_MODE, publicKey, oaep.jceSpec());
      return cipher.doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA-OAEP encryption with the JDK failed: " + e.getMessage(), e);
    }
  }

  /**
   * EME-OAEP decoding of the raw RSA output {@code EM = Y || maskedSeed || maskedDB}. Bouncy Castle
   * checks the label hash and the 0x01 separator in constant time; Y, the leading byte, is checked
   * here without a branch of its own, so a bad Y and bad padding fail alike.
   */
  private static byte[] decodeRaw(OaepParameters oaep, int modulusBytes, byte[] raw) {
    byte[] encoded = new byte[modulusBytes];
    // Some HSMs drop leading zero bytes from CKM_RSA_X_509 output.
    int copied = Math.min(raw.length, modulusBytes);
    System.arraycopy(raw, raw.length - copied, encoded, modulusBytes - copied, copied);
    Arrays.fill(raw, (byte) 0);
    int leading = encoded[0] | (raw.length > modulusBytes ? 1 : 0);
    byte[] message = null;
    try {
      OAEPEncoding decoder = new OAEPEncoding(new EncodedMessage(modulusBytes - 1), oaep.newDigest(),
          oaep.newDigest(), null);
      decoder.init(false, null);
      message = decoder.decodeBlock(encoded, 1, modulusBytes - 1);
    } catch (InvalidCipherTextException | RuntimeException e) {
      leading |= 1;
    } finally {
      Arrays.fill(encoded, (byte) 0);
    }
    if (leading != 0) {
      if (message != null) {
        Arrays.fill(message, (byte) 0);
      }
      throw new InvalidCiphertextException();
    }
    return message;
  }

  /**
   * The "cipher" under Bouncy Castle's OAEP decoder: the token already did the RSA operation, so it
   * hands back (a copy of) the encoded message without its leading byte, as an RSA engine would.
   * The decoder wipes the copy.
   */
  private static final class EncodedMessage implements AsymmetricBlockCipher {
    private final int length;

    EncodedMessage(int length) {
      this.length = length;
    }

    @Override
    public void init(boolean forEncryption, CipherParameters parameters) {
      if (forEncryption) {
        throw new IllegalArgumentException("decoding only");
      }
    }

    @Override
    public int getInputBlockSize() {
      return length;
    }

    @Override
    public int getOutputBlockSize() {
      return length;
    }

    @Override
    public byte[] processBlock(byte[] in, int offset, int length) {
      return Arrays.copyOfRange(in, offset, offset + length);
    }
  }
}
