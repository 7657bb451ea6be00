package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PRIVATE_KEY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_SECRET_KEY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_USER_NOT_LOGGED_IN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKS_RO_USER_FUNCTIONS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKS_RW_USER_FUNCTIONS;

import java.util.Arrays;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

/** Creating, finding and destroying token objects, shared by every kind of key object. */
final class TokenObjects {

  /**
   * The label of every KMS key object is this prefix and the key id, so that operators and the
   * orphan sweep ({@link ObjectInventory}) can tell Trent's objects; import wrapping keys are
   * labelled {@value ImportWrappingKeys#LABEL}.
   */
  static final String KEY_LABEL_PREFIX = "trent:";

  private TokenObjects() {}

  /**
   * Locks a template's object as created: CKA_MODIFIABLE false, so nobody holding the PIN can turn
   * on CKA_DERIVE, CKA_WRAP or another use later (C_SetAttributeValue answers
   * CKR_ACTION_PROHIBITED); CKA_COPYABLE false, so no copy with other attributes can be made
   * either. CKA_DESTROYABLE stays at its default (true): Trent destroys keys when they are deleted.
   *
   * <p>Call it last: SoftHSM2 applies a C_UnwrapKey template in order and refuses every attribute
   * after CKA_MODIFIABLE=false (CKR_ATTRIBUTE_READ_ONLY).
   */
  static AttributeVector locked(AttributeVector template) {
    return template.copyable(false).modifiable(false);
  }

  /**
   * The objects that match the criteria. Logged out, C_FindObjects silently skips private objects,
   * so an empty result from a logged-out session is reported as CKR_USER_NOT_LOGGED_IN rather than
   * as "no such object"; and a token that went away finds nothing at all, so an empty result from a
   * token that does not answer is CKR_TOKEN_NOT_PRESENT (see {@link TokenPresence}).
   */
  static long[] find(Session session, AttributeVector criteria) throws PKCS11Exception {
    long[] found = new long[0];
    session.findObjectsInit(criteria);
    try {
      for (long[] batch = session.findObjects(16); batch.length > 0; batch = session.findObjects(16)) {
        int start = found.length;
        found = Arrays.copyOf(found, start + batch.length);
        System.arraycopy(batch, 0, found, start, batch.length);
      }
    } finally {
      session.findObjectsFinal();
    }
    if (found.length == 0) {
      long state = session.getSessionInfo().getState();
      if (state != CKS_RW_USER_FUNCTIONS && state != CKS_RO_USER_FUNCTIONS) {
        throw new PKCS11Exception(CKR_USER_NOT_LOGGED_IN);
      }
      TokenPresence.require(session.getToken());
    }
    return found;
  }

  /** Every token object with this CKA_ID, whatever its class: a secret key, or both halves of a pair. */
  static long[] withId(Session session, byte[] id) throws PKCS11Exception {
    return find(session, new AttributeVector().token(true).id(id));
  }

  /**
   * Whether key material with this CKA_ID exists: a secret key or a private key. A public key left
   * behind without its private half is no usable key.
   */
  static boolean keyMaterialExists(Session session, byte[] id) throws PKCS11Exception {
    return find(session, new AttributeVector().class_(CKO_SECRET_KEY).token(true).id(id)).length > 0
        || find(session, new AttributeVector().class_(CKO_PRIVATE_KEY).token(true).id(id)).length > 0;
  }

  /** Destroys an object, ignoring a handle that is already gone (another thread destroyed it). */
  static void destroyIgnoringStaleHandle(Session session, long handle) throws PKCS11Exception {
    try {
      session.destroyObject(handle);
    } catch (PKCS11Exception e) {
      if (Pkcs11Recovery.after(e.getErrorCode(), true) != Pkcs11Recovery.RETRY_WITH_FRESH_HANDLE) {
        throw e;
      }
    }
  }

  /** Best-effort cleanup on an error path; the original error is what the caller reports. */
  static void destroyQuietly(Session session, long... handles) {
    for (long handle : handles) {
      try {
        session.destroyObject(handle);
      } catch (PKCS11Exception | RuntimeException e) {
        // a session object dies with its session; a leftover token object is found by its CKA_ID
      }
    }
  }
}
