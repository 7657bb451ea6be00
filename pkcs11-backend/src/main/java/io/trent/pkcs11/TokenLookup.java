package io.trent.pkcs11;

import java.util.ArrayList;
import java.util.List;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.xipki.pkcs11.wrapper.Slot;
import org.xipki.pkcs11.wrapper.Token;
import org.xipki.pkcs11.wrapper.TokenInfo;

/**
 * Finds a token by label. Slot ids are not stable (SoftHSM2 derives them from the token serial at
 * initialization), so the label, trimmed of its blank padding, is the only reliable name.
 */
final class TokenLookup {

  private TokenLookup() {}

  /** The initialized token with this label in a slot with a token present, or null. */
  static Token byLabel(PKCS11Module module, String label) throws PKCS11Exception {
    String wanted = label.trim();
    for (Slot slot : module.getSlotList(true)) {
      Token token = slot.getToken();
      TokenInfo info = token.getTokenInfo();
      if (info.isTokenInitialized() && trimmed(info.getLabel()).equals(wanted)) {
        return token;
      }
    }
    return null;
  }

  /** The first present token that is not initialized yet, or null. */
  static Token firstUninitialized(PKCS11Module module) throws PKCS11Exception {
    for (Slot slot : module.getSlotList(true)) {
      Token token = slot.getToken();
      if (!token.getTokenInfo().isTokenInitialized()) {
        return token;
      }
    }
    return null;
  }

  /** The labels of the initialized tokens, for error messages. */
  static List<String> labels(PKCS11Module module) throws PKCS11Exception {
    List<String> labels = new ArrayList<>();
    for (Slot slot : module.getSlotList(true)) {
      TokenInfo info = slot.getToken().getTokenInfo();
      if (info.isTokenInitialized()) {
        labels.add("'" + trimmed(info.getLabel()) + "'");
      }
    }
    return labels;
  }

  static String trimmed(String value) {
    return value == null ? "" : value.trim();
  }
}
