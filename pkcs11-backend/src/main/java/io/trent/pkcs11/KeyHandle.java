package io.trent.pkcs11;

/**
 * How to reach one KMS key in the token.
 *
 * @param tokenObject the persistent token object
 * @param operational the handle requests use: a session copy of the token object, or the token
 *     object itself when the HSM could not copy it
 */
record KeyHandle(long tokenObject, long operational) {

  boolean isSessionCopy() {
    return operational != tokenObject;
  }
}
