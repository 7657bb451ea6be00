package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKU_SO;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Token;

/**
 * Creates the token for Trent's keys on a fresh HSM (in practice SoftHSM2 for tests and
 * development), through the PKCS#11 API so that no PIN ever appears on a command line.
 */
public final class Pkcs11TokenProvisioner {

  private static final Logger LOG = LoggerFactory.getLogger(Pkcs11TokenProvisioner.class);

  private Pkcs11TokenProvisioner() {}

  /**
   * Initializes a new token with this label in the first free (uninitialized) slot (C_InitToken with
   * the SO PIN, then C_InitPIN with the user PIN), unless a token with the label already exists.
   * Returns true when it created one. The PINs never pass through a command line.
   *
   * <p>When this call initializes the PKCS#11 module it also finalizes it, so that
   * {@link Pkcs11KeyBackend#open} can follow in the same JVM; when the module is already
   * initialized in this JVM it is left as it is.
   *
   * @throws IllegalStateException when the library cannot be used, there is no free slot, or the
   *     token refuses a step; the message names the CKR code, never a PIN
   */
  public static boolean provisionIfAbsent(Path library, String tokenLabel, char[] soPin, char[] userPin) {
    Objects.requireNonNull(library, "library");
    Objects.requireNonNull(tokenLabel, "tokenLabel");
    Objects.requireNonNull(soPin, "soPin");
    Objects.requireNonNull(userPin, "userPin");
    Pkcs11Settings.requireValidLabel(tokenLabel);
    if (soPin.length == 0 || userPin.length == 0) {
      throw new IllegalArgumentException("the SO PIN and the user PIN must not be empty");
    }
    String label = tokenLabel.trim();
    PKCS11Module module = LoadedModules.module(library);
    boolean initializedHere;
    try {
      initializedHere = LoadedModules.initialize(module);
    } catch (PKCS11Exception e) {
      throw new IllegalStateException("C_Initialize failed for " + library + ": " + e.getErrorName(), e);
    }
    String step = "C_GetSlotList";
    try {
      if (TokenLookup.byLabel(module, label) != null) {
        return false;
      }
      Token free = TokenLookup.firstUninitialized(module);
      if (free == null) {
        throw new IllegalStateException("No free slot in " + library + " to create token '" + label + "'.");
      }
      step = "C_InitToken";
      module.getPKCS11Module().C_InitToken(free.getTokenID(), soPin, paddedLabel(label), true);
      step = "C_InitPIN";
      initUserPin(module, label, soPin, userPin);
      LOG.info("Created token '{}' in {}", label, library);
      return true;
    } catch (PKCS11Exception e) {
      throw new IllegalStateException("Provisioning token '" + label + "' failed at " + step + ": "
          + e.getErrorName(), e);
    } catch (iaik.pkcs.pkcs11.wrapper.PKCS11Exception e) {
      PKCS11Exception converted = module.convertException(e);
      throw new IllegalStateException("Provisioning token '" + label + "' failed at " + step + ": "
          + converted.getErrorName(), converted);
    } finally {
      if (initializedHere) {
        LoadedModules.finalizeQuietly(module);
      }
    }
  }

  /**
   * CK_TOKEN_INFO.label is exactly 32 bytes, blank-padded. The wrapper passes the label unpadded and
   * SoftHSM2 reads 32 bytes regardless, so without padding the label ends in stray memory.
   */
  static char[] paddedLabel(String label) {
    int bytes = label.getBytes(StandardCharsets.UTF_8).length;
    return (label + " ".repeat(Pkcs11Settings.MAX_LABEL_BYTES - bytes)).toCharArray();
  }

  /** Logs in as SO on the new token (found again by label) and sets the user PIN. */
  private static void initUserPin(PKCS11Module module, String label, char[] soPin, char[] userPin)
      throws PKCS11Exception {
    Token token = TokenLookup.byLabel(module, label);
    if (token == null) {
      throw new IllegalStateException("Token '" + label + "' is not visible after C_InitToken.");
    }
    Session session = token.openSession(true);
    try {
      session.login(CKU_SO, soPin);
      try {
        session.initPIN(userPin);
      } finally {
        session.logout();
      }
    } finally {
      session.closeSession();
    }
  }
}
