package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_ARGUMENTS_BAD;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_DATA_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_DATA_LEN_RANGE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_FUNCTION_NOT_SUPPORTED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_KEY_SIZE_RANGE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_MECHANISM_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_MECHANISM_PARAM_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_TEMPLATE_INCONSISTENT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_WRAPPED_KEY_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_WRAPPED_KEY_LEN_RANGE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_USER_NOT_LOGGED_IN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKS_RO_USER_FUNCTIONS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKS_RW_USER_FUNCTIONS;

import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

/**
 * PKCS#11 return codes that say something about the caller's data or the token's abilities rather
 * than about the session or the device. After these the single-part call has ended its operation,
 * so the session is kept.
 *
 * <p>Some of them are not conclusive: SoftHSM2 answers CKR_GENERAL_ERROR, and nShield
 * CKR_FUNCTION_FAILED, both for a GCM tag that does not verify and for a fault inside the token. So
 * a "bad input" answer is only given after {@link #confirmHealthy} found the session and the token
 * in order; a device, session or token error ({@link Pkcs11Recovery} other than NONE) never counts
 * as bad input.
 */
final class DataErrors {

  private DataErrors() {}

  /**
   * A ciphertext that does not decrypt: bad RSA-OAEP padding (SoftHSM2 says CKR_GENERAL_ERROR, as
   * for a GCM tag), a value out of range, or a length the mechanism refuses.
   */
  static boolean isBadCiphertext(long code) {
    return AesGcm.isAuthenticationFailure(code) || code == CKR_DATA_INVALID || code == CKR_DATA_LEN_RANGE;
  }

  /**
   * A wrapped key that does not unwrap: everything {@link #isBadCiphertext} covers, plus the
   * unwrap-specific codes, and key material whose length does not fit the target key type
   * (HSMs report that as CKR_KEY_SIZE_RANGE or CKR_TEMPLATE_INCONSISTENT).
   */
  static boolean isBadWrappedKey(long code) {
    return isBadCiphertext(code) || code == CKR_WRAPPED_KEY_INVALID || code == CKR_WRAPPED_KEY_LEN_RANGE
        || code == CKR_KEY_SIZE_RANGE || code == CKR_TEMPLATE_INCONSISTENT;
  }

  /**
   * The token refuses a mechanism or its parameters. SoftHSM2 2.6.1 answers CKR_ARGUMENTS_BAD for
   * RSA-OAEP parameters other than SHA-1/MGF1-SHA1, where the standard says
   * CKR_MECHANISM_PARAM_INVALID.
   */
  static boolean isRefusedMechanism(long code) {
    return code == CKR_MECHANISM_INVALID || code == CKR_MECHANISM_PARAM_INVALID
        || code == CKR_ARGUMENTS_BAD || code == CKR_FUNCTION_NOT_SUPPORTED;
  }

  /**
   * A code that is about the session, the login, the token, the device or a key handle: never bad
   * input, whichever call returned it. None of the data error lists above contains one.
   */
  static boolean isFault(long code) {
    return Pkcs11Recovery.after(code, false) != Pkcs11Recovery.NONE;
  }

  /**
   * Checks, after a token answered "bad input", that the session and the token are healthy, so the
   * answer can be believed: C_GetSessionInfo must succeed in a logged-in state and C_GetTokenInfo
   * must succeed. Costs two calls, on failure paths only.
   *
   * @throws PKCS11Exception what the check found wrong (the session's or token's error, or
   *     CKR_USER_NOT_LOGGED_IN), to be handled as a fault: the session is discarded and the request
   *     retried or failed with a retryable error
   */
  static void confirmHealthy(Session session) throws PKCS11Exception {
    long state = session.getSessionInfo().getState();
    if (state != CKS_RW_USER_FUNCTIONS && state != CKS_RO_USER_FUNCTIONS) {
      throw new PKCS11Exception(CKR_USER_NOT_LOGGED_IN);
    }
    // ulDeviceError is not consulted: nShield reports one routinely (ipkcs11wrapper ignores it there),
    // and a reset after every bad ciphertext would let any caller reset the module at will.
    session.getToken().getTokenInfo();
  }
}
