package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_VALUE_LEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_GENERIC_SECRET;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_WRAP_PAD;

import io.trent.core.error.IncorrectKeyMaterialException;
import io.trent.core.error.InvalidCiphertextException;
import io.trent.core.error.InvalidKeyUsageException;
import io.trent.core.error.KmsException;
import io.trent.core.error.KmsUnsupportedOperationException;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeySpec;
import io.trent.core.key.MacAlgorithm;
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
 * <p>Material of the wrong length is refused with IncorrectKeyMaterialException before any token
 * object exists: the material is first unwrapped into a staging session object (a sign-only
 * generic secret) whose length is checked, then destroyed. Tokens that report CKA_VALUE_LEN of an
 * unwrapped key are checked exactly. SoftHSM2 2.6.1 stores none for unwrapped keys (and refuses
 * it in the template), so the staging key is measured with HMAC instead: SoftHSM2 refuses an HMAC
 * key shorter than the digest (28, 32, 48, 64 bytes for SHA-224..512, as its mechanism info
 * declares) with CKR_KEY_SIZE_RANGE, so CKM_SHA256_HMAC working and CKM_SHA384_HMAC refusing bound
 * the length to 32..47 bytes. The
 * target key is then used once (AES-GCM accepts only 16, 24 or 32 bytes), which pins
 * SYMMETRIC_DEFAULT to exactly 32 bytes; HMAC specs are bounded from below exactly and from above
 * by the next digest length (and by the KWP length under RSA_AES_KEY_WRAP).
 */
final class KeyImporter {

  private static final int KWP_OVERHEAD = 8;
  /** SoftHSM2's minimum HMAC key sizes (the digest lengths of SHA-224, -256, -384, -512). */
  private static final int[] HMAC_FLOORS = {28, 32, 48, 64};

  private final AesGcm gcm;

  KeyImporter(AesGcm gcm) {
    this.gcm = gcm;
  }

  /**
   * Unwraps into a new token object named {@code id}; the caller holds the object-write lock.
   *
   * @throws InvalidCiphertextException when the material does not unwrap
   * @throws IncorrectKeyMaterialException when it unwraps but has the wrong length
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
    // The KWP part is a multiple of 8 bytes and wraps at least one byte; its length is checked
    // after unwrapping, as for OAEP, so that a wrong length gets the same answer either way.
    boolean wellFormed = encrypted != null && (keyWrap
        ? encrypted.length >= rsaPart + 2 * KWP_OVERHEAD && (encrypted.length - rsaPart) % KWP_OVERHEAD == 0
        : encrypted.length == rsaPart);
    if (!wellFormed) {
      throw new InvalidCiphertextException();
    }
    KmsKeyObjects.requireAbsent(session, id);
    AttributeVector target = spec == KeySpec.SYMMETRIC_DEFAULT
        ? KmsKeyObjects.template(id, keyId) : HmacKeyObjects.template(id, keyId);

    long imported;
    if (!keyWrap) {
      requireLength(session, unwrap(session, oaep.mechanism(), wrappingKey.privateKey(), encrypted,
          stagingKeyTemplate(), algorithm), spec, expectedLength);
      imported = unwrap(session, oaep.mechanism(), wrappingKey.privateKey(), encrypted, target, algorithm);
    } else {
      long ephemeral = unwrap(session, oaep.mechanism(), wrappingKey.privateKey(),
          Arrays.copyOfRange(encrypted, 0, rsaPart), ephemeralKeyTemplate(), algorithm);
      try {
        byte[] kwp = Arrays.copyOfRange(encrypted, rsaPart, encrypted.length);
        Mechanism kwpMechanism = new Mechanism(CKM_AES_KEY_WRAP_PAD);
        requireLength(session, unwrap(session, kwpMechanism, ephemeral, kwp, stagingKeyTemplate(), algorithm),
            spec, expectedLength);
        imported = unwrap(session, kwpMechanism, ephemeral, kwp, target, algorithm);
      } finally {
        TokenObjects.destroyQuietly(session, ephemeral); // a session object: it also dies with the session
      }
    }
    try {
      requireUsable(session, imported, spec);
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
   * The staging copy of the material, to be measured and destroyed: lives only in this session, can
   * only sign (HMAC), never leaves the token.
   */
  private static AttributeVector stagingKeyTemplate() {
    return AttributeVector.newSecretKey(CKK_GENERIC_SECRET)
        .token(false).private_(true).sensitive(true).extractable(false)
        .sign(true).verify(false).encrypt(false).decrypt(false).wrap(false).unwrap(false).derive(false);
  }

  /**
   * Checks the staging key's length (see the class comment) and destroys it, whatever the outcome.
   *
   * @throws IncorrectKeyMaterialException when the material is not of the spec's length
   */
  private static void requireLength(Session session, long staging, KeySpec spec, int expectedLength)
      throws PKCS11Exception {
    try {
      Integer reported = session.getAttrValues(staging, CKA_VALUE_LEN).valueLen();
      boolean fits;
      if (reported != null && reported > 0) {
        fits = reported == expectedLength;
      } else {
        // An HMAC refusal proves a length only where the token declares that minimum key size;
        // elsewhere the probe cannot tell, and the key's one use (requireUsable) is all there is.
        int above = expectedLength >= HMAC_FLOORS[HMAC_FLOORS.length - 1] ? 0 : nextFloor(expectedLength);
        fits = hmacAccepts(session, staging, expectedLength)
            && (above == 0 || !declaresMinimum(session, above) || !hmacAccepts(session, staging, above));
      }
      if (!fits) {
        throw wrongLength(spec, expectedLength);
      }
    } finally {
      TokenObjects.destroyQuietly(session, staging);
    }
  }

  /** Whether the HMAC whose minimum key size is {@code floor} bytes accepts the key. */
  private static boolean hmacAccepts(Session session, long key, int floor) throws PKCS11Exception {
    try {
      Hmac.mac(session, key, hmacFor(floor), new byte[1]);
      return true;
    } catch (InvalidKeyUsageException e) {
      return false; // CKR_KEY_SIZE_RANGE: shorter than the digest
    }
  }

  private static MacAlgorithm hmacFor(int floor) {
    return switch (floor) {
      case 28 -> MacAlgorithm.HMAC_SHA_224;
      case 32 -> MacAlgorithm.HMAC_SHA_256;
      case 48 -> MacAlgorithm.HMAC_SHA_384;
      case 64 -> MacAlgorithm.HMAC_SHA_512;
      default -> throw new IllegalArgumentException("no HMAC with a " + floor + "-byte minimum key");
    };
  }

  /** Whether the token says the HMAC for this floor needs keys of at least {@code floor} bytes. */
  private static boolean declaresMinimum(Session session, int floor) throws PKCS11Exception {
    return session.getToken().getMechanismInfo(Hmac.mechanism(hmacFor(floor))).getMinKeySize() == floor;
  }

  private static int nextFloor(int floor) {
    for (int candidate : HMAC_FLOORS) {
      if (candidate > floor) {
        return candidate;
      }
    }
    throw new IllegalArgumentException("no HMAC floor above " + floor);
  }

  /**
   * AWS's error type for material that unwrapped but is not usable for the key: its API reference
   * says IncorrectKeyMaterialException means the key material "is, expired, invalid, or does not
   * meet expectations", while InvalidCiphertextException means the wrapped material could not be
   * decrypted. AWS's message for this case is not documented; this one names the rule (its docs:
   * symmetric encryption key material is 256 bits).
   */
  private static IncorrectKeyMaterialException wrongLength(KeySpec spec, int expectedLength) {
    return new IncorrectKeyMaterialException("The key material for a KMS key with KeySpec " + spec + " must be "
        + expectedLength * 8 + " bits (" + expectedLength + " bytes) long.");
  }

  /**
   * Uses the imported key once (see the class comment). A failure of that use that is not a
   * session or device fault means the material is of the wrong length.
   */
  private void requireUsable(Session session, long key, KeySpec spec) throws PKCS11Exception {
    try {
      if (spec == KeySpec.SYMMETRIC_DEFAULT) {
        gcm.encrypt(session, key, new byte[1], null);
      } else {
        Hmac.mac(session, key, Hmac.algorithm(spec), new byte[1]);
      }
    } catch (KmsException e) {
      throw wrongLength(spec, keyLength(spec)); // Hmac: shorter than the digest
    } catch (PKCS11Exception e) {
      if (Pkcs11Recovery.after(e.getErrorCode(), false) != Pkcs11Recovery.NONE) {
        throw e;
      }
      throw wrongLength(spec, keyLength(spec)); // AES-GCM refused the key's length
    }
  }

}
