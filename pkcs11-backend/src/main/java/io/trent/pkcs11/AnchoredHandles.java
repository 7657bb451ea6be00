package io.trent.pkcs11;

import io.trent.core.key.KeyMaterialId;
import java.util.concurrent.ConcurrentHashMap;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

/**
 * A cache of one kind of key object's handles whose misses are filled on the anchor session, the
 * part that key pairs and HMAC keys share.
 *
 * @param <H> what a request needs to use the key
 */
final class AnchoredHandles<H> {
  /** Finds a key's object(s) in the token; throws KeyUnavailableException when there are none. */
  interface Finder<H> {
    H find(Session session, KeyMaterialId id) throws PKCS11Exception;
  }

  private final AnchorSession anchor;
  private final Finder<H> finder;
  private final ConcurrentHashMap<KeyMaterialId, H> handles = new ConcurrentHashMap<>();

  AnchoredHandles(AnchorSession anchor, Finder<H> finder) {
    this.anchor = anchor;
    this.finder = finder;
  }

  H resolve(KeyMaterialId id) throws AnchorSessionException {
    H handle = handles.get(id);
    return handle != null ? handle : anchor.call(session -> {
      // Another thread may have filled the entry while this one waited for the anchor.
      H filled = handles.get(id);
      if (filled != null) {
        return filled;
      }
      H found = finder.find(session, id);
      handles.put(id, found);
      return found;
    });
  }

  void put(KeyMaterialId id, H handle) {
    handles.put(id, handle);
  }

  /** Drops a handle the token called invalid, unless another thread already replaced it. */
  void forget(KeyMaterialId id, H stale) {
    handles.remove(id, stale);
  }

  void evict(KeyMaterialId id) {
    handles.remove(id);
  }
}
