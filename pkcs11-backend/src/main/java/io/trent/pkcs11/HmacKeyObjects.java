package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_GENERIC_SECRET;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_GENERIC_SECRET_KEY_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_SECRET_KEY;

import io.trent.core.error.KeyUnavailableException;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeySpec;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

/**
 * The KMS keys' HMAC keys (CKK_GENERIC_SECRET token objects) and the cached handles that reach them.
 * Like key pairs, they are used as token objects, without session copies.
 */
final class HmacKeyObjects implements KeyHandleCache<Long> {

  private final AnchoredHandles<Long> handles;

  HmacKeyObjects(AnchorSession anchor) {
    this.handles = new AnchoredHandles<>(anchor, HmacKeyObjects::find);
  }

  @Override
  public Long resolve(KeyMaterialId id) throws AnchorSessionException {
    return handles.resolve(id);
  }

  @Override
  public void forget(KeyMaterialId id, Long stale) {
    handles.forget(id, stale);
  }

  /** Drops the id's handle; {@link KmsKeyObjects#destroy} calls it on the anchor session. */
  void evict(KeyMaterialId id) {
    handles.evict(id);
  }

  /**
   * Generates the HMAC key as a token object of the spec's length. The caller holds the
   * object-write lock.
   */
  void create(Session session, KeyMaterialId id, String keyId, KeySpec spec) throws PKCS11Exception {
    KmsKeyObjects.requireAbsent(session, id);
    long handle = session.generateKey(new Mechanism(CKM_GENERIC_SECRET_KEY_GEN),
        template(id, keyId).valueLen(Hmac.keyLength(spec)));
    handles.put(id, handle);
  }

  /**
   * The attributes of a KMS HMAC key token object, generated or imported; CKA_VALUE_LEN is left to
   * the caller, as for AES keys.
   */
  static AttributeVector template(KeyMaterialId id, String keyId) {
    return TokenObjects.locked(AttributeVector.newSecretKey(CKK_GENERIC_SECRET)
        .token(true).private_(true).sensitive(true).extractable(false)
        .sign(true).verify(true)
        .encrypt(false).decrypt(false).wrap(false).unwrap(false).derive(false)
        .id(id.toBytes())
        .label(TokenObjects.KEY_LABEL_PREFIX + keyId));
  }

  private static Long find(Session session, KeyMaterialId id) throws PKCS11Exception {
    long[] found = TokenObjects.find(session, new AttributeVector()
        .class_(CKO_SECRET_KEY).keyType(CKK_GENERIC_SECRET).token(true).id(id.toBytes()));
    if (found.length == 0) {
      throw new KeyUnavailableException("Key material " + id + " does not exist in the HSM.");
    }
    return found[0];
  }
}
