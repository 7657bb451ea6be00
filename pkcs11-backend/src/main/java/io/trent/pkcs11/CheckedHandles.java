package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_ID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_TOKEN;

import io.trent.core.error.KeyUnavailableException;
import io.trent.core.key.KeyMaterialId;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

/**
 * A handle cache that notices when the token objects behind its handles are gone, for instance
 * destroyed by an HSM administrator with {@code pkcs11-tool --delete-object}.
 *
 * <p>A session copy of a key keeps working after its token object is destroyed, and ciphertexts
 * made with it could not be decrypted after the next restart. So a handle is only handed out while
 * its token objects were seen in the token within the check interval: a handle seen for the first
 * time, or last checked longer ago than the interval, is checked on the spot (one
 * C_GetAttributeValue per object on the anchor session); {@link #checkAll} re-checks every handle in
 * the background so that requests rarely wait for it. A key whose object is gone is dropped, with its
 * session copy, and from then on resolves as {@link KeyUnavailableException}.
 *
 * <p>The check reads CKA_ID rather than only asking whether the handle is valid: an HSM may give a
 * destroyed object's handle to a new object. An object is only taken for destroyed while the token
 * still answers ({@link TokenPresence}): a token that went away is a fault, and its keys work again
 * once it is back.
 *
 * @param <H> what a request needs to use the key
 */
final class CheckedHandles<H> implements KeyHandleCache<H> {

  /** The objects behind a handle. */
  @FunctionalInterface
  interface ObjectsOf<H> {
    long[] of(H handle);
  }

  private record Seen<H>(H handle, long checkedAtNanos) {}

  private static final Logger LOG = LoggerFactory.getLogger(CheckedHandles.class);

  private final KeyHandleCache<H> cache;
  private final AnchorSession anchor;
  private final ObjectsOf<H> tokenObjects;
  private final ObjectsOf<H> sessionCopies;
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private final Map<KeyMaterialId, Seen<H>> seen = new ConcurrentHashMap<>();

  /**
   * @param tokenObjects the token objects that must still exist for the handle to be used
   * @param sessionCopies the session objects to destroy with the handle when its key is gone
   */
  CheckedHandles(KeyHandleCache<H> cache, AnchorSession anchor, ObjectsOf<H> tokenObjects,
                 ObjectsOf<H> sessionCopies, long intervalNanos, LongSupplier nanoClock) {
    this.cache = cache;
    this.anchor = anchor;
    this.tokenObjects = tokenObjects;
    this.sessionCopies = sessionCopies;
    this.intervalNanos = intervalNanos;
    this.nanoClock = nanoClock;
  }

  /**
   * The cached handle, checked against the token first when it was never checked or its last check
   * is older than the interval.
   *
   * @throws KeyUnavailableException when the token no longer holds the key's objects
   */
  @Override
  public H resolve(KeyMaterialId id) throws AnchorSessionException {
    H handle = cache.resolve(id);
    Seen<H> last = seen.get(id);
    if (last == null || !isFresh(last, handle)) {
      if (!anchor.call(session -> check(session, id, handle, false))) {
        throw new KeyUnavailableException("Key material " + id + " is no longer in the HSM.");
      }
    }
    return handle;
  }

  /** Drops a handle the token called invalid, unless another thread already replaced it. */
  @Override
  public void forget(KeyMaterialId id, H stale) {
    cache.forget(id, stale);
    seen.computeIfPresent(id, (key, last) -> last.handle().equals(stale) ? null : last);
  }

  /** Checks every handle requests have used against the token, one anchor call per handle so that cache fills interleave. */
  void checkAll() throws AnchorSessionException {
    for (Map.Entry<KeyMaterialId, Seen<H>> entry : seen.entrySet()) {
      H handle = entry.getValue().handle();
      anchor.call(session -> check(session, entry.getKey(), handle, true));
    }
  }

  /**
   * Drops the key's handle and destroys its session copy: an operation found that the token no
   * longer holds the key (DescribeKey's existence check, for one).
   */
  void drop(KeyMaterialId id) throws AnchorSessionException {
    Seen<H> last = seen.get(id);
    if (last != null) {
      anchor.call(session -> {
        dropOnAnchor(session, id, last.handle());
        return null;
      });
    }
  }

  /**
   * Whether the key's token objects are still there; drops the handle when not. On the anchor.
   *
   * @param always false to skip a handle another thread checked while this one waited for the anchor
   */
  private boolean check(Session session, KeyMaterialId id, H handle, boolean always) throws PKCS11Exception {
    Seen<H> last = seen.get(id);
    if (!always && last != null && isFresh(last, handle)) {
      return true; // another thread checked it while this one waited for the anchor
    }
    for (long object : tokenObjects.of(handle)) {
      if (!holds(session, object, id, true)) {
        TokenPresence.require(session.getToken()); // a token that went away holds nothing; that is no deletion
        LOG.warn("Key material {} is no longer in the HSM (destroyed outside Trent); its key is unavailable.", id);
        dropOnAnchor(session, id, handle);
        return false;
      }
    }
    seen.put(id, new Seen<>(handle, nanoClock.getAsLong()));
    return true;
  }

  private void dropOnAnchor(Session session, KeyMaterialId id, H handle) throws PKCS11Exception {
    forget(id, handle);
    for (long copy : sessionCopies.of(handle)) {
      if (holds(session, copy, id, false)) {
        TokenObjects.destroyIgnoringStaleHandle(session, copy);
      }
    }
  }

  private boolean isFresh(Seen<H> last, H handle) {
    return last.handle().equals(handle) && nanoClock.getAsLong() - last.checkedAtNanos() < intervalNanos;
  }

  /** Whether the handle still names an object of this key (and of this lifetime: token or session). */
  private static boolean holds(Session session, long object, KeyMaterialId id, boolean token) throws PKCS11Exception {
    AttributeVector attributes;
    try {
      attributes = session.getAttrValues(object, CKA_ID, CKA_TOKEN);
    } catch (PKCS11Exception e) {
      if (Pkcs11Recovery.after(e.getErrorCode(), true) == Pkcs11Recovery.RETRY_WITH_FRESH_HANDLE) {
        return false;
      }
      throw e;
    }
    Boolean isToken = attributes.token();
    return Arrays.equals(attributes.id(), id.toBytes()) && isToken != null && isToken == token;
  }
}
