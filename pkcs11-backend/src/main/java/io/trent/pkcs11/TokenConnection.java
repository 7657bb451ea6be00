package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_GCM;

import io.trent.core.key.KeyMaterialId;
import java.util.Arrays;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.xipki.pkcs11.wrapper.Token;
import org.xipki.pkcs11.wrapper.TokenInfo;

/**
 * Everything that lives between one C_Initialize and the next C_Finalize: the token, the logged-in
 * anchor session, the session pool and the key handles. A module reset throws it away whole and
 * opens a new one, so no handle or session outlives the module state it came from.
 *
 * <p>Requests reach keys through the {@link CheckedHandles} views of the three handle caches, so
 * that a key whose token object was destroyed outside Trent stops working within the object check
 * interval; creation and destruction go to the caches themselves.
 */
final class TokenConnection implements AutoCloseable {

  final Token token;
  final AnchorSession anchor;
  final Pkcs11SessionPool pool;
  final ObjectWriteLock objectWrites;
  final KmsKeyObjects keys;
  final KmsKeyPairObjects keyPairs;
  final HmacKeyObjects hmacKeys;
  final CheckedHandles<KeyHandle> checkedKeys;
  final CheckedHandles<KeyPairHandle> checkedKeyPairs;
  final CheckedHandles<Long> checkedHmacKeys;
  final String description;
  final String serial;

  private TokenConnection(Token token, AnchorSession anchor, Pkcs11SessionPool pool, boolean sessionCopies,
                          ObjectWriteLock objectWrites, long objectCheckNanos, String description, String serial) {
    this.token = token;
    this.anchor = anchor;
    this.pool = pool;
    this.objectWrites = objectWrites;
    this.keyPairs = new KmsKeyPairObjects(anchor);
    this.hmacKeys = new HmacKeyObjects(anchor);
    this.keys = new KmsKeyObjects(anchor, sessionCopies, objectWrites, id -> {
      keyPairs.evict(id);
      hmacKeys.evict(id);
    });
    this.checkedKeys = new CheckedHandles<>(keys, anchor, key -> new long[] {key.tokenObject()},
        key -> key.isSessionCopy() ? new long[] {key.operational()} : new long[0], objectCheckNanos, System::nanoTime);
    this.checkedKeyPairs = new CheckedHandles<>(keyPairs, anchor,
        pair -> new long[] {pair.privateKey(), pair.publicKey()}, pair -> new long[0], objectCheckNanos, System::nanoTime);
    this.checkedHmacKeys = new CheckedHandles<>(hmacKeys, anchor, key -> new long[] {key}, key -> new long[0],
        objectCheckNanos, System::nanoTime);
    this.description = description;
    this.serial = serial;
  }

  /**
   * Finds the token, checks it can do AES-GCM and logs in. The module must be initialized.
   *
   * @throws IllegalStateException when the token is missing, lacks CKM_AES_GCM or refuses the PIN;
   *     the message names the token and the CKR code, never the PIN
   */
  static TokenConnection open(PKCS11Module module, Pkcs11Settings settings, char[] pin,
                              boolean sessionCopies) {
    String label = settings.tokenLabel().trim();
    Token token;
    TokenInfo info;
    try {
      token = TokenLookup.byLabel(module, label);
      if (token == null) {
        throw new IllegalStateException("No token labelled '" + label + "' is present in "
            + settings.library() + " (tokens found: " + TokenLookup.labels(module) + ").");
      }
      info = token.getTokenInfo();
    } catch (PKCS11Exception e) {
      throw new IllegalStateException("Cannot list the tokens of " + settings.library() + ": "
          + e.getErrorName(), e);
    }
    if (Arrays.stream(token.getMechanismList()).noneMatch(mechanism -> mechanism == CKM_AES_GCM)) {
      throw new IllegalStateException("Token '" + label + "' does not offer CKM_AES_GCM.");
    }
    AnchorSession anchor;
    try {
      anchor = AnchorSession.open(token, pin, settings.borrowTimeout());
    } catch (PKCS11Exception e) {
      throw new IllegalStateException("Cannot log in to token '" + label + "': " + e.getErrorName(), e);
    }
    String description = "token '" + label + "' serial " + TokenLookup.trimmed(info.getSerialNumber())
        + ", " + TokenLookup.trimmed(info.getManufacturerID()) + " " + TokenLookup.trimmed(info.getModel())
        + ", library " + settings.library();
    return new TokenConnection(token, anchor,
        new Pkcs11SessionPool(token, settings.sessionPoolSize(), settings.borrowTimeout()),
        sessionCopies, new ObjectWriteLock(settings.borrowTimeout()), settings.objectCheckInterval().toNanos(),
        description, TokenLookup.trimmed(info.getSerialNumber()));
  }

  /** Checks that the token still holds the objects behind every handle requests have used. */
  void checkObjects() throws AnchorSessionException {
    checkedKeys.checkAll();
    checkedKeyPairs.checkAll();
    checkedHmacKeys.checkAll();
  }

  /** Drops every cached handle (and session copy) of a key the token no longer holds. */
  void dropHandles(KeyMaterialId id) throws AnchorSessionException {
    checkedKeys.drop(id);
    checkedKeyPairs.drop(id);
    checkedHmacKeys.drop(id);
  }

  /** Whether the token still answers C_GetTokenInfo. */
  boolean tokenAnswers() {
    try {
      token.getTokenInfo();
      return true;
    } catch (PKCS11Exception | RuntimeException e) {
      return false;
    }
  }

  /** Closes the pool, then logs out and closes the anchor (which destroys the session copies). */
  @Override
  public void close() {
    pool.close();
    anchor.logoutAndClose();
  }
}
