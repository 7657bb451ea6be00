package io.trent.pkcs11;

import org.xipki.pkcs11.wrapper.PKCS11Exception;

/**
 * A PKCS#11 error on the anchor session, kept apart from pool-session errors because losing the
 * anchor loses the login and every session copy of a key, so it calls for a reset rather than a
 * fresh session.
 */
final class AnchorSessionException extends Exception {

  private final long errorCode;
  private final String errorName;

  AnchorSessionException(PKCS11Exception cause) {
    super("anchor session: " + cause.getErrorName(), cause);
    this.errorCode = cause.getErrorCode();
    this.errorName = cause.getErrorName();
  }

  long errorCode() {
    return errorCode;
  }

  String errorName() {
    return errorName;
  }
}
