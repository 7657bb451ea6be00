package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_AES;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_SECRET_KEY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_USER_NOT_LOGGED_IN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKS_RO_USER_FUNCTIONS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKS_RW_USER_FUNCTIONS;

import io.trent.core.error.KeyUnavailableException;
import io.trent.core.error.KmsInternalException;
import io.trent.core.key.KeyMaterialId;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

/**
 * The KMS keys' AES-256 token objects and the cached handles that reach them.
 *
 * <p>SoftHSM2's C_FindObjects reads every object file, so requests resolve a key through the
 * cache and search the token only on a miss. On a miss the key is also copied into a session object
 * (CKA_TOKEN=false, still sensitive and non-extractable) owned by the anchor session: SoftHSM2
 * re-reads a token object's file on every use, so the copy is markedly faster. Copies are visible
 * to every session of this process and die with the anchor session or a module reset, which both
 * drop this cache. When the HSM refuses the copy, the token object is used directly.
 *
 * <p>Every token call goes through the anchor session, so creation, destruction and cache fills
 * are serialized with each other.
 */
final class KmsKeyObjects {

  private static final Logger LOG = LoggerFactory.getLogger(KmsKeyObjects.class);
  private static final int AES_256_BYTES = 32;

  private final AnchorSession anchor;
  private final boolean sessionCopies;
  private final ConcurrentHashMap<KeyMaterialId, KeyHandle> handles = new ConcurrentHashMap<>();
  private volatile boolean copyRefusalLogged;

  KmsKeyObjects(AnchorSession anchor, boolean sessionCopies) {
    this.anchor = anchor;
    this.sessionCopies = sessionCopies;
  }

  /**
   * The handle for a key, from the cache or (on a miss) from the token.
   *
   * @throws KeyUnavailableException when the token has no object for the key
   */
  KeyHandle resolve(KeyMaterialId id) throws AnchorSessionException {
    KeyHandle handle = handles.get(id);
    return handle != null ? handle : anchor.call(session -> load(session, id));
  }

  /** Drops a handle the token called invalid, unless another thread already replaced it. */
  void forget(KeyMaterialId id, KeyHandle stale) {
    handles.remove(id, stale);
  }

  /** Generates the key's token object and caches its handle. */
  void create(KeyMaterialId id, String keyId) throws AnchorSessionException {
    anchor.call(session -> {
      if (find(session, id).length > 0) {
        throw new KmsInternalException("Key material " + id + " already exists in the HSM.");
      }
      long tokenObject = session.generateKey(new Mechanism(CKM_AES_KEY_GEN), template(id, keyId));
      handles.put(id, handleFor(session, tokenObject));
      return null;
    });
  }

  /** Destroys the key's token object(s) and session copy; an absent key is not an error. */
  void destroy(KeyMaterialId id) throws AnchorSessionException {
    anchor.call(session -> {
      KeyHandle cached = handles.remove(id);
      if (cached != null && cached.isSessionCopy()) {
        destroyIgnoringStaleHandle(session, cached.operational());
      }
      for (long tokenObject : find(session, id)) {
        destroyIgnoringStaleHandle(session, tokenObject);
      }
      return null;
    });
  }

  /** Whether the token holds an object for the key (asks the token, not the cache). */
  boolean exists(KeyMaterialId id) throws AnchorSessionException {
    return anchor.call(session -> find(session, id).length > 0);
  }

  private KeyHandle load(Session session, KeyMaterialId id) throws PKCS11Exception {
    // Another thread may have filled the entry while this one waited for the anchor.
    KeyHandle handle = handles.get(id);
    if (handle != null) {
      return handle;
    }
    long[] found = find(session, id);
    if (found.length == 0) {
      throw new KeyUnavailableException("Key material " + id + " does not exist in the HSM.");
    }
    handle = handleFor(session, found[0]);
    handles.put(id, handle);
    return handle;
  }

  private KeyHandle handleFor(Session session, long tokenObject) throws PKCS11Exception {
    if (!sessionCopies) {
      return new KeyHandle(tokenObject, tokenObject);
    }
    try {
      return new KeyHandle(tokenObject, session.copyObject(tokenObject, new AttributeVector().token(false)));
    } catch (PKCS11Exception e) {
      if (Pkcs11Recovery.after(e.getErrorCode(), true) != Pkcs11Recovery.NONE) {
        throw e; // the anchor itself is in trouble, not the copy
      }
      if (!copyRefusalLogged) {
        copyRefusalLogged = true;
        LOG.warn("The HSM refused a session copy of a KMS key ({}); such keys are used as token objects.",
            e.getErrorName());
      }
      return new KeyHandle(tokenObject, tokenObject);
    }
  }

  private static AttributeVector template(KeyMaterialId id, String keyId) {
    // CKA_MODIFIABLE stays at its default (true): SoftHSM2 refuses C_CopyObject with a template
    // otherwise. Sensitive/extractable can never be relaxed on a modifiable object either.
    return AttributeVector.newAESSecretKey()
        .token(true).private_(true).sensitive(true).extractable(false)
        .encrypt(true).decrypt(true)
        .valueLen(AES_256_BYTES)
        .id(id.toBytes())
        .label("trent:" + keyId);
  }

  /**
   * The token objects with the key's CKA_ID. Logged out, C_FindObjects silently skips private
   * objects, so an empty result from a logged-out session is reported as CKR_USER_NOT_LOGGED_IN
   * rather than as "no such key".
   */
  private static long[] find(Session session, KeyMaterialId id) throws PKCS11Exception {
    AttributeVector criteria = new AttributeVector()
        .class_(CKO_SECRET_KEY).keyType(CKK_AES).token(true).id(id.toBytes());
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
    }
    return found;
  }

  private static void destroyIgnoringStaleHandle(Session session, long handle) throws PKCS11Exception {
    try {
      session.destroyObject(handle);
    } catch (PKCS11Exception e) {
      if (Pkcs11Recovery.after(e.getErrorCode(), true) != Pkcs11Recovery.RETRY_WITH_FRESH_HANDLE) {
        throw e;
      }
    }
  }
}
