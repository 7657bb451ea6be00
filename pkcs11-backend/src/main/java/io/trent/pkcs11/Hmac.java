package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA224_HMAC;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA256_HMAC;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA384_HMAC;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA512_HMAC;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_KEY_SIZE_RANGE;

import io.trent.core.error.InvalidKeyUsageException;
import io.trent.core.key.KeySpec;
import io.trent.core.key.MacAlgorithm;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

/**
 * HMAC in the token: CKM_SHA{224,256,384,512}_HMAC with a KMS HMAC key.
 *
 * <p>AWS HMAC key lengths equal the digest lengths (28/32/48/64 bytes), which are also SoftHSM2's
 * minimum key sizes for these mechanisms (a shorter key gives CKR_KEY_SIZE_RANGE).
 */
final class Hmac {

  private Hmac() {}

  /** Single-part C_Sign over a message of at least one byte (checked by the caller). */
  static byte[] mac(Session session, long key, MacAlgorithm algorithm, byte[] message) throws PKCS11Exception {
    try {
      return session.signSingle(new Mechanism(mechanism(algorithm)), key, message);
    } catch (PKCS11Exception e) {
      if (e.getErrorCode() == CKR_KEY_SIZE_RANGE) {
        // C_SignInit refused before starting an operation: the key is shorter than the digest.
        throw new InvalidKeyUsageException("MacAlgorithm " + algorithm + " is not valid for this key.");
      }
      throw e;
    }
  }

  static long mechanism(MacAlgorithm algorithm) {
    return switch (algorithm) {
      case HMAC_SHA_224 -> CKM_SHA224_HMAC;
      case HMAC_SHA_256 -> CKM_SHA256_HMAC;
      case HMAC_SHA_384 -> CKM_SHA384_HMAC;
      case HMAC_SHA_512 -> CKM_SHA512_HMAC;
    };
  }

  /** The MAC algorithm an HMAC key spec is for. */
  static MacAlgorithm algorithm(KeySpec spec) {
    return switch (spec) {
      case HMAC_224 -> MacAlgorithm.HMAC_SHA_224;
      case HMAC_256 -> MacAlgorithm.HMAC_SHA_256;
      case HMAC_384 -> MacAlgorithm.HMAC_SHA_384;
      case HMAC_512 -> MacAlgorithm.HMAC_SHA_512;
      default -> throw new IllegalArgumentException("KeySpec " + spec + " is not an HMAC key spec");
    };
  }

  /** The key length in bytes of an HMAC key spec. */
  static int keyLength(KeySpec spec) {
    return switch (algorithm(spec)) {
      case HMAC_SHA_224 -> 28;
      case HMAC_SHA_256 -> 32;
      case HMAC_SHA_384 -> 48;
      case HMAC_SHA_512 -> 64;
    };
  }

  static boolean isHmacSpec(KeySpec spec) {
    return spec == KeySpec.HMAC_224 || spec == KeySpec.HMAC_256 || spec == KeySpec.HMAC_384
        || spec == KeySpec.HMAC_512;
  }
}
