package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_TOKEN_NOT_PRESENT;

import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Token;

/**
 * Tells "this object is not in the token" from "the token is not there". A token that went away
 * (SoftHSM2 whose token directory is gone, a network HSM that dropped off) stops finding objects
 * before it fails other calls: C_FindObjects finds nothing and an object handle reads as invalid.
 * Taking that for a key destroyed outside Trent would report every key missing; so before any
 * absence is believed, the token must still answer C_GetTokenInfo.
 */
final class TokenPresence {

  private TokenPresence() {}

  /**
   * @throws PKCS11Exception CKR_TOKEN_NOT_PRESENT when the token does not answer C_GetTokenInfo
   *     (whatever its own code), which the backend answers by resetting the module
   */
  static void require(Token token) throws PKCS11Exception {
    try {
      token.getTokenInfo();
    } catch (PKCS11Exception | RuntimeException e) {
      throw new PKCS11Exception(CKR_TOKEN_NOT_PRESENT);
    }
  }
}
