package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_VALUE_LEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_WRAP_PAD;

import io.trent.core.error.InvalidCiphertextException;
import io.trent.core.error.KmsException;
import io.trent.core.error.KmsUnsupportedOperationException;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeySpec;
import io.trent.core.key.WrappingAlgorithm;
import java.util.Arrays;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

/**
 * ImportKeyMaterial: unwraps key material inside the token straight into the KMS key's token
 * object, so the material never exists in process memory.
 *
 * <ul>
 *   <li>RSAES_OAEP_SHA_*: one C_UnwrapKey(CKM_RSA_PKCS_OAEP) with the wrapping key.
 *   <li>RSA_AES_KEY_WRAP_SHA_*: AWS's {@code RSA-OAEP(ephemeral AES key) || AES-KWP(material)}, the
 *       first part as long as the wrapping key's modulus. CKM_RSA_AES_KEY_WRAP would do it in one
 *       call, but SoftHSM2 2.6.1 lacks it (and ipkcs11wrapper 1.0.9 aborts the JVM when handed its
 *       parameters), so it takes two unwraps: the ephemeral key into a sensitive session object,
 *       then CKM_AES_KEY_WRAP_PAD (RFC 5649) with it into the target; the session key is destroyed
 *       at once.
 * </ul>
 *
 * <p>Material of the wrong length is refused. Tokens that report CKA_VALUE_LEN of the unwrapped key
 * are checked exactly. SoftHSM2 2.6.1 stores none for unwrapped keys (and refuses it in the
 * template), so the new key is also used once: AES-GCM fails for anything but 16, 24 or 32 bytes,
 * and HMAC for keys shorter than the digest. With the KWP length (a multiple of 8) that pins every
 * spec but HMAC_224 (28..32 bytes) under RSA_AES_KEY_WRAP; under plain OAEP, a 16- or 24-byte AES
 * key and an over-long HMAC key still pass on SoftHSM2.
 */
final class KeyImporter {

  private static final int KWP_OVERHEAD = 8;

  private final AesGcm gcm;

  KeyImporter(AesGcm gcm) {
    this.gcm = gcm;
  }

  /**
   * Unwraps into a new token object named {@code id}; the caller holds the object-write lock.
   *
   * @throws InvalidCiphertextException when the material does not unwrap or has the wrong length
   * @throws KmsUnsupportedOperationException when the token refuses a mechanism on the way
   */
  void importKey(Session session, KeyMaterialId id, String keyId, KeySpec spec,
                 ImportWrappingKeys.WrappingKey wrappingKey, WrappingAlgorithm algorithm, byte[] encrypted)
      throws PKCS11Exception {
    OaepParameters oaep = OaepParameters.of(algorithm);
    if (oaep == null) {
      throw new KmsUnsupportedOperationException("WrappingAlgorithm " + algorithm + " is not supported by this HSM.");
    }
    boolean keyWrap = algorithm == WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_1
        || algorithm == WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256;
    int expectedLength = keyLength(spec);
    int rsaPart = wrappingKey.modulusBytes();
    int expectedTotal = keyWrap ? rsaPart + KWP_OVERHEAD + roundUpTo8(expectedLength) : rsaPart;
    if (encrypted == null || encrypted.length != expectedTotal) {
      throw new InvalidCiphertextException();
    }
    KmsKeyObjects.requireAbsent(session, id);
    AttributeVector target = spec == KeySpec.SYMMETRIC_DEFAULT
        ? KmsKeyObjects.template(id, keyId) : HmacKeyObjects.template(id, keyId);

    long imported;
    if (!keyWrap) {
      imported = unwrap(session, oaep.mechanism(), wrappingKey.privateKey(), encrypted, target, algorithm);
    } else {
      long ephemeral = unwrap(session, oaep.mechanism(), wrappingKey.privateKey(),
          Arrays.copyOfRange(encrypted, 0, rsaPart), ephemeralKeyTemplate(), algorithm);
      try {
        imported = unwrap(session, new Mechanism(CKM_AES_KEY_WRAP_PAD), ephemeral,
            Arrays.copyOfRange(encrypted, rsaPart, encrypted.length), target, algorithm);
      } finally {
        TokenObjects.destroyQuietly(session, ephemeral); // a session object: it also dies with the session
      }
    }
    try {
      requireUsable(session, imported, spec, expectedLength);
    } catch (PKCS11Exception | RuntimeException e) {
      TokenObjects.destroyQuietly(session, imported);
      throw e;
    }
  }

  /** The length in bytes of importable key material of a spec. */
  static int keyLength(KeySpec spec) {
    if (spec == KeySpec.SYMMETRIC_DEFAULT) {
      return KmsKeyObjects.AES_256_BYTES;
    }
    if (Hmac.isHmacSpec(spec)) {
      return Hmac.keyLength(spec);
    }
    throw new KmsUnsupportedOperationException("Importing key material for KeySpec " + spec
        + " is not supported by this HSM.");
  }

  private static long unwrap(Session session, Mechanism mechanism, long unwrappingKey, byte[] wrapped,
                             AttributeVector template, WrappingAlgorithm algorithm) throws PKCS11Exception {
    try {
      return session.unwrapKey(mechanism, unwrappingKey, wrapped, template);
    } catch (PKCS11Exception e) {
      if (DataErrors.isBadWrappedKey(e.getErrorCode())) {
        throw new InvalidCiphertextException();
      }
      if (DataErrors.isRefusedMechanism(e.getErrorCode())) {
        throw new KmsUnsupportedOperationException("WrappingAlgorithm " + algorithm
            + " is not supported by this HSM.");
      }
      throw e;
    }
  }

  /** The RFC 5649 key-encryption key of RSA_AES_KEY_WRAP: lives only in this session, unwraps only. */
  private static AttributeVector ephemeralKeyTemplate() {
    return AttributeVector.newAESSecretKey()
        .token(false).private_(true).sensitive(true).extractable(false)
        .unwrap(true).wrap(false).encrypt(false).decrypt(false).derive(false);
  }

  /**
   * Checks the length the token reports, if any, and uses the key once (see the class comment).
   * A failure of that use that is not a session or device fault means the material is wrong.
   */
  private void requireUsable(Session session, long key, KeySpec spec, int expectedLength) throws PKCS11Exception {
    Integer reported = session.getAttrValues(key, CKA_VALUE_LEN).valueLen();
    if (reported != null && reported > 0 && reported != expectedLength) {
      throw new InvalidCiphertextException();
    }
    try {
      if (spec == KeySpec.SYMMETRIC_DEFAULT) {
        gcm.encrypt(session, key, new byte[1], null);
      } else {
        Hmac.mac(session, key, Hmac.algorithm(spec), new byte[1]);
      }
    } catch (KmsException e) {
      throw new InvalidCiphertextException(); // Hmac: shorter than the digest
    } catch (PKCS11Exception e) {
      if (Pkcs11Recovery.after(e.getErrorCode(), false) != Pkcs11Recovery.NONE) {
        throw e;
      }
      throw new InvalidCiphertextException(); // AES-GCM refused the key's length
    }
  }

  private static int roundUpTo8(int length) {
    return (length + 7) / 8 * 8;
  }
}
