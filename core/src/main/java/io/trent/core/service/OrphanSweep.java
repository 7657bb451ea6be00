package io.trent.core.service;

import io.trent.core.key.ImportToken;
import io.trent.core.key.KeyMaterial;
import io.trent.core.key.KmsKey;
import io.trent.core.spi.BackendObject;
import io.trent.core.spi.KeyBackend;
import io.trent.core.spi.MetadataStore;
import io.trent.core.spi.Page;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the HSM objects Trent created that no metadata row tracks, and destroys those that are
 * provably unused. Each create writes the HSM object before its row, so a crash in between leaves
 * an object behind; so does a wrapping key whose KMS key was deleted while its import token lived.
 *
 * <ul>
 *   <li>An import wrapping key is destroyed when its import token has expired, or when it has no
 *       import token at all (its key is gone, or the token was never stored): ImportKeyMaterial
 *       only ever uses a wrapping key through a live token. The sweep runs before the server takes
 *       requests and Trent runs one node per token (see docs/architecture.md), so no
 *       GetParametersForImport is between creating a wrapping key and storing its token. A
 *       deployment with several nodes on one token will need a grace period here.
 *   <li>Key material without a row is reported (WARN) and left in place: nothing can prove that no
 *       ciphertext depends on it (a metadata database restored from an older backup loses rows of
 *       keys that encrypted data), and destroying it would lose that data for good. An operator
 *       decides (docs/key-lifecycle.md).
 * </ul>
 *
 * <p>{@code TrentServer} runs it once at start-up, before it accepts requests. It reads every key
 * and every object of the backend, so it is not part of the periodic maintenance.
 */
public final class OrphanSweep {
  private static final System.Logger LOG = System.getLogger(OrphanSweep.class.getName());
  private static final int PAGE = 1000;

  private final KeyBackend backend;
  private final MetadataStore store;
  private final Clock clock;

  public OrphanSweep(KeyBackend backend, MetadataStore store, Clock clock) {
    this.backend = backend;
    this.store = store;
    this.clock = clock;
  }

  /**
   * What one sweep found.
   *
   * @param untracked objects without a metadata row, left in place
   * @param destroyed wrapping keys destroyed as provably unused
   * @param failures destructions that failed (the next start-up tries again)
   */
  public record Report(List<BackendObject> untracked, List<BackendObject> destroyed, int failures) {
    public Report {
      untracked = List.copyOf(untracked);
      destroyed = List.copyOf(destroyed);
    }
  }

  public Report run() {
    List<BackendObject> objects = backend.listObjects();
    if (objects.isEmpty()) {
      return new Report(List.of(), List.of(), 0);
    }
    Instant now = clock.instant();
    Set<String> materialIds = new HashSet<>();
    Map<String, ImportToken> tokensByWrappingKey = new HashMap<>();
    String marker = null;
    do {
      Page<KmsKey> page = store.listKeys(null, PAGE, marker); // every account's and region's keys
      for (KmsKey key : page.items()) {
        for (KeyMaterial material : key.materials()) {
          materialIds.add(material.id().toHex());
        }
        for (ImportToken token : store.findImportTokensOfKey(key.keyId())) {
          tokensByWrappingKey.put(token.wrappingKeyId(), token);
        }
      }
      marker = page.nextMarker();
    } while (marker != null);

    List<BackendObject> untracked = new ArrayList<>();
    List<BackendObject> destroyed = new ArrayList<>();
    int failures = 0;
    for (BackendObject object : objects) {
      if (object.kind() == BackendObject.Kind.KEY_MATERIAL) {
        if (!materialIds.contains(object.id())) {
          untracked.add(object);
          LOG.log(System.Logger.Level.WARNING, "HSM key material {0} (labelled for KMS key {1}) has no metadata row; "
              + "left in place for an operator to check", object.id(), object.keyId());
        }
        continue;
      }
      ImportToken token = tokensByWrappingKey.get(object.id());
      if (token != null && token.validTo().isAfter(now)) {
        continue;
      }
      try {
        backend.destroyImportWrappingKey(object.id());
        destroyed.add(object);
        LOG.log(System.Logger.Level.INFO, "Destroyed import wrapping key {0}: {1}", object.id(),
            token == null ? "no import token refers to it" : "its import token expired");
      } catch (RuntimeException e) {
        failures++;
        LOG.log(System.Logger.Level.WARNING, "Destroying import wrapping key " + object.id() + " failed; the next "
            + "start-up tries again", e);
      }
    }
    return new Report(untracked, destroyed, failures);
  }
}
