package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_CRYPTOKI_NOT_INITIALIZED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_DEVICE_ERROR;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_DEVICE_REMOVED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_KEY_HANDLE_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_OBJECT_HANDLE_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_OPERATION_ACTIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_SESSION_CLOSED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_SESSION_HANDLE_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_TOKEN_NOT_PRESENT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_TOKEN_NOT_RECOGNIZED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_USER_NOT_LOGGED_IN;

/**
 * What the backend does after a PKCS#11 error that is not a data error. In every case the session
 * that saw the error is discarded.
 */
enum Pkcs11Recovery {
  /** Nothing beyond discarding the session; the request fails. */
  NONE,
  /** The cached key handle is stale (key destroyed, copy gone): forget it and retry once. */
  RETRY_WITH_FRESH_HANDLE,
  /** The pool session itself is gone or stuck: retry once on another session. */
  RETRY_WITH_FRESH_SESSION,
  /** The token forgot the login: the request fails and the anchor session logs in again. */
  LOGIN_AGAIN,
  /** The module, token or anchor session is gone: the request fails and the module is reset. */
  RESET_MODULE;

  /**
   * @param code the CKR_ return value
   * @param onAnchor whether the anchor session (rather than a pool session) returned it
   */
  static Pkcs11Recovery after(long code, boolean onAnchor) {
    if (code == CKR_OBJECT_HANDLE_INVALID || code == CKR_KEY_HANDLE_INVALID) {
      return RETRY_WITH_FRESH_HANDLE;
    }
    if (code == CKR_SESSION_HANDLE_INVALID || code == CKR_SESSION_CLOSED || code == CKR_OPERATION_ACTIVE) {
      return onAnchor ? RESET_MODULE : RETRY_WITH_FRESH_SESSION;
    }
    if (code == CKR_USER_NOT_LOGGED_IN) {
      return LOGIN_AGAIN;
    }
    if (code == CKR_DEVICE_ERROR || code == CKR_DEVICE_REMOVED || code == CKR_TOKEN_NOT_PRESENT
        || code == CKR_TOKEN_NOT_RECOGNIZED || code == CKR_CRYPTOKI_NOT_INITIALIZED) {
      return RESET_MODULE;
    }
    return NONE;
  }
}
