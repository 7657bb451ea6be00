package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_COPYABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_MODIFIABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_AES;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_SECRET_KEY;

import io.trent.core.error.KeyUnavailableException;
import io.trent.core.error.KmsInternalException;
import io.trent.core.key.KeyMaterialId;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
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
 * cache and search the token only on a miss. Keys are created unmodifiable and uncopyable (see
 * {@link #template}), so they are used as token objects. Keys created by earlier versions are still
 * modifiable and copyable: on a miss such a key is copied into a session object (CKA_TOKEN=false,
 * still sensitive and non-extractable) owned by the anchor session, because SoftHSM2 re-reads a
 * token object's file on every use. Copies are visible to every session of this process and die
 * with the anchor session or a module reset, which both drop this cache. When the HSM refuses the
 * copy, the token object is used directly.
 *
 * <p>Every token call goes through the anchor session, so creation, destruction and cache fills
 * are serialized with each other; creation and destruction also hold the token's object-write lock,
 * which serializes them with the key pairs, HMAC keys and imports created on pool sessions.
 *
 * <p>{@link #destroy} and {@link #exists} cover every object named by a key material id, whatever
 * its kind, and destruction empties the other kinds' handle caches as well.
 */
final class KmsKeyObjects implements KeyHandleCache<KeyHandle> {

  private static final Logger LOG = LoggerFactory.getLogger(KmsKeyObjects.class);
  static final int AES_256_BYTES = 32;

  private final AnchorSession anchor;
  private final boolean sessionCopies;
  private final ObjectWriteLock objectWrites;
  private final Consumer<KeyMaterialId> evictOtherKinds;
  private final ConcurrentHashMap<KeyMaterialId, KeyHandle> handles = new ConcurrentHashMap<>();
  private volatile boolean copyRefusalLogged;

  /**
   * @param objectWrites the token's lock for creating and destroying token objects
   * @param evictOtherKinds drops an id from the key pair and HMAC handle caches
   */
  KmsKeyObjects(AnchorSession anchor, boolean sessionCopies, ObjectWriteLock objectWrites,
                Consumer<KeyMaterialId> evictOtherKinds) {
    this.anchor = anchor;
    this.sessionCopies = sessionCopies;
    this.objectWrites = objectWrites;
    this.evictOtherKinds = evictOtherKinds;
  }

  /**
   * The handle for a key, from the cache or (on a miss) from the token.
   *
   * @throws KeyUnavailableException when the token has no object for the key
   */
  @Override
  public KeyHandle resolve(KeyMaterialId id) throws AnchorSessionException {
    KeyHandle handle = handles.get(id);
    return handle != null ? handle : anchor.call(session -> load(session, id));
  }

  /** Drops a handle the token called invalid, unless another thread already replaced it. */
  @Override
  public void forget(KeyMaterialId id, KeyHandle stale) {
    handles.remove(id, stale);
  }

  /** Generates the key's token object and caches its handle. */
  void create(KeyMaterialId id, String keyId) throws AnchorSessionException {
    objectWrites.acquire();
    try {
      anchor.call(session -> {
        requireAbsent(session, id);
        long tokenObject = session.generateKey(new Mechanism(CKM_AES_KEY_GEN),
            template(id, keyId).valueLen(AES_256_BYTES));
        handles.put(id, new KeyHandle(tokenObject, tokenObject)); // uncopyable: no session copy
        return null;
      });
    } finally {
      objectWrites.release();
    }
  }

  /**
   * Destroys every token object with the key's CKA_ID (an AES key, both halves of a key pair, an
   * HMAC key) and the AES session copy, and empties every handle cache for it; an absent key is not
   * an error.
   */
  void destroy(KeyMaterialId id) throws AnchorSessionException {
    objectWrites.acquire();
    try {
      anchor.call(session -> {
        KeyHandle cached = handles.remove(id);
        if (cached != null && cached.isSessionCopy()) {
          TokenObjects.destroyIgnoringStaleHandle(session, cached.operational());
        }
        evictOtherKinds.accept(id);
        for (long tokenObject : TokenObjects.withId(session, id.toBytes())) {
          TokenObjects.destroyIgnoringStaleHandle(session, tokenObject);
        }
        return null;
      });
    } finally {
      objectWrites.release();
    }
  }

  /** Whether the token holds the key material (secret or private key) of this id; asks the token, not the cache. */
  boolean exists(KeyMaterialId id) throws AnchorSessionException {
    return anchor.call(session -> TokenObjects.keyMaterialExists(session, id.toBytes()));
  }

  /**
   * Refuses to create a second object under an id: lookups by CKA_ID would then find either one.
   * The caller holds the object-write lock, so nobody creates the id in between.
   */
  static void requireAbsent(Session session, KeyMaterialId id) throws PKCS11Exception {
    if (TokenObjects.withId(session, id.toBytes()).length > 0) {
      throw new KmsInternalException("Key material " + id + " already exists in the HSM.");
    }
  }

  /**
   * The attributes of a KMS AES key token object, generated or imported. CKA_VALUE_LEN is left to
   * the caller: C_GenerateKey needs it, while SoftHSM2 refuses it in a C_UnwrapKey template
   * (CKR_ATTRIBUTE_READ_ONLY).
   */
  static AttributeVector template(KeyMaterialId id, String keyId) {
    return TokenObjects.locked(AttributeVector.newAESSecretKey()
        .token(true).private_(true).sensitive(true).extractable(false)
        .encrypt(true).decrypt(true)
        .wrap(false).unwrap(false).sign(false).verify(false).derive(false)
        .id(id.toBytes())
        .label(TokenObjects.KEY_LABEL_PREFIX + keyId));
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
    if (!sessionCopies || !copyable(session, tokenObject)) {
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

  /**
   * Whether a session copy can be made: only of keys from earlier versions. A copy of an
   * unmodifiable key needs a template (CKA_TOKEN=false), which SoftHSM2 refuses for it.
   */
  private static boolean copyable(Session session, long tokenObject) throws PKCS11Exception {
    AttributeVector flags = session.getAttrValues(tokenObject, CKA_COPYABLE, CKA_MODIFIABLE);
    return !Boolean.FALSE.equals(flags.copyable()) && !Boolean.FALSE.equals(flags.modifiable());
  }

  /** The AES token objects with the key's CKA_ID. */
  private static long[] find(Session session, KeyMaterialId id) throws PKCS11Exception {
    return TokenObjects.find(session, new AttributeVector()
        .class_(CKO_SECRET_KEY).keyType(CKK_AES).token(true).id(id.toBytes()));
  }
}
