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

/**
 * PKCS#11 return codes that say something about the caller's data or the token's abilities rather
 * than about the session or the device. After these the single-part call has ended its operation,
 * so the session is kept.
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
}
