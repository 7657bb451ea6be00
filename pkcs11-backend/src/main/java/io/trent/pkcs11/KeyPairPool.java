package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_OBJECT_HANDLE_INVALID;

import io.trent.core.key.DataKeyPairSpec;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11KeyPair;
import org.xipki.pkcs11.wrapper.Session;

/**
 * GenerateDataKeyPair key pairs generated ahead in the token, so that a burst answers without waiting for RSA
 * key generation (170 ms for RSA_2048 and 1.4 s for RSA_4096 on SoftHSM2) until the pool runs dry; then requests
 * generate inline as before.
 *
 * <p>The pairs are session objects (never token objects) made exactly as {@link DataKeyPairGenerator} makes
 * them, on one session the pool holds open for them: session objects belong to the session that made them and
 * die when it closes, so no request session (which a fault may discard) owns them. Any session of the process
 * may read and destroy them, so a request exports a pair on its own session and destroys it there: each pair is
 * taken by one request, used once and destroyed.
 *
 * <p>One low-priority thread refills the pool, one pair at a time under the backend's module read lock, so live
 * requests share the HSM with it and a module reset waits at most one generation for it. A module reset (or a
 * reconnect) ends every session, and with them the pooled objects: pairs remember the backend generation they
 * were made in and are dropped, never used, once it has changed; the thread then opens a new session and fills
 * the pool again. {@link #close} destroys every pooled pair and closes the session.
 */
final class KeyPairPool implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KeyPairPool.class);
  // How long the refill thread rests after a failure (the HSM away) before it tries again.
  private static final long RETRY_MILLIS = 1000;

  /** A pooled pair, the backend generation (module state) and the pool session (its epoch) that made it. */
  private record Pooled(PKCS11KeyPair pair, long generation, long epoch) {}

  private final Pkcs11KeyBackend backend;
  private final Map<DataKeyPairSpec, Integer> targets;
  private final Map<DataKeyPairSpec, KeyPairAlgorithm> algorithms = new EnumMap<>(DataKeyPairSpec.class);
  private final Map<DataKeyPairSpec, Queue<Pooled>> pairs = new EnumMap<>(DataKeyPairSpec.class);
  private final Thread refiller;
  private final Object wake = new Object();
  private boolean woken;
  private volatile boolean closed;
  // Counts the pool's sessions: a pair of an abandoned session is never used (its objects went with it).
  private volatile long epoch;
  // Only the refill thread (and close, after it stopped) touches these.
  private Session session;
  private long sessionGeneration = -1;

  /**
   * @param sizes pairs to keep per spec; specs the backend does not know or the token cannot generate are left out
   * @param background whether the refill thread runs (tests fill with {@link #fillNow} instead)
   */
  KeyPairPool(Pkcs11KeyBackend backend, Map<DataKeyPairSpec, Integer> sizes, boolean background) {
    this.backend = backend;
    Map<DataKeyPairSpec, Integer> kept = new EnumMap<>(DataKeyPairSpec.class);
    sizes.forEach((spec, size) -> {
      if (size == null || size <= 0) {
        return;
      }
      KeyPairAlgorithm algorithm = KeyPairAlgorithm.of(spec).orElse(null);
      if (algorithm == null || !backend.supportedKeyPairSpecs().contains(spec)) {
        LOG.warn("The key pair pool leaves out {}: this HSM does not generate it", spec);
        return;
      }
      kept.put(spec, size);
      algorithms.put(spec, algorithm);
      pairs.put(spec, new ConcurrentLinkedQueue<>());
    });
    this.targets = Collections.unmodifiableMap(kept);
    this.refiller = new Thread(this::refill, "trent-keypair-pool");
    refiller.setDaemon(true);
    refiller.setPriority(Thread.MIN_PRIORITY); // live requests first
    if (background && !targets.isEmpty()) {
      refiller.start();
      LOG.info("Generating data key pairs ahead: {}", targets);
    }
  }

  /** The pairs to keep per spec. */
  Map<DataKeyPairSpec, Integer> targets() {
    return targets;
  }

  /** Pooled pairs of a spec now (0 for a spec that is not pooled). */
  int level(DataKeyPairSpec spec) {
    Queue<Pooled> queue = pairs.get(spec);
    return queue == null ? 0 : queue.size();
  }

  /**
   * Exports and destroys a pooled pair of the spec on the caller's session; null when the pool has none (the
   * caller generates inline). Runs under the backend's module read lock.
   *
   * @param generation the backend's generation now: pairs of an earlier one died with their session
   */
  KeyPairDer take(Session requestSession, DataKeyPairSpec spec, long generation) throws PKCS11Exception {
    Queue<Pooled> queue = pairs.get(spec);
    if (queue == null || closed) {
      return null;
    }
    for (Pooled pooled = queue.poll(); pooled != null; pooled = queue.poll()) {
      signal();
      if (pooled.generation() != generation || pooled.epoch() != epoch) {
        continue; // its session has ended; the handle may name something else now
      }
      try {
        return DataKeyPairGenerator.exportAndDestroy(requestSession, pooled.pair(), algorithms.get(spec));
      } catch (PKCS11Exception e) {
        if (e.getErrorCode() != CKR_OBJECT_HANDLE_INVALID) {
          throw e;
        }
        LOG.debug("A pooled {} pair was gone; taking another", spec);
      }
    }
    return null;
  }

  /** Fills the pool on the calling thread; only for a pool without its refill thread (tests). */
  void fillNow() {
    if (refiller.isAlive()) {
      throw new IllegalStateException("The refill thread fills this pool");
    }
    for (DataKeyPairSpec spec = neediest(); spec != null; spec = neediest()) {
      DataKeyPairSpec next = spec;
      backend.execute("KeyPairPool", connection -> {
        add(connection, next);
        return null;
      });
    }
  }

  private void refill() {
    while (!closed) {
      DataKeyPairSpec spec = neediest();
      if (spec == null) {
        await(0);
        continue;
      }
      try {
        backend.execute("KeyPairPool", connection -> {
          add(connection, spec);
          return null;
        });
      } catch (RuntimeException e) {
        // The HSM is away or being reset: requests see that; the pool tries again shortly.
        LOG.debug("Generating a pooled {} pair failed: {}", spec, e.toString());
        await(RETRY_MILLIS);
      }
    }
  }

  /** The spec furthest below its size, relative to it; null when all are full. */
  private DataKeyPairSpec neediest() {
    DataKeyPairSpec neediest = null;
    double lowest = 1;
    for (Map.Entry<DataKeyPairSpec, Integer> target : targets.entrySet()) {
      double filled = (double) level(target.getKey()) / target.getValue();
      if (filled < lowest) {
        lowest = filled;
        neediest = target.getKey();
      }
    }
    return neediest;
  }

  /** Generates one pair into the pool. Runs under the module read lock, on the refill thread. */
  private void add(TokenConnection connection, DataKeyPairSpec spec) throws PKCS11Exception {
    long generation = backend.generation();
    if (session == null || sessionGeneration != generation) {
      // A reset ended the old session and its objects: forget them, never destroy by stale handles.
      for (Queue<Pooled> queue : pairs.values()) {
        queue.removeIf(pooled -> pooled.generation() != generation);
      }
      epoch++;
      session = connection.token.openSession(true);
      sessionGeneration = generation;
    }
    if (closed) {
      return;
    }
    PKCS11KeyPair pair;
    try {
      pair = DataKeyPairGenerator.generatePair(session, algorithms.get(spec));
    } catch (PKCS11Exception e) {
      if (Pkcs11Recovery.after(e.getErrorCode(), false) == Pkcs11Recovery.RETRY_WITH_FRESH_SESSION) {
        abandonSession(); // the backend retries once, and this opens a fresh one, rather than a module reset
      }
      throw e;
    }
    pairs.get(spec).add(new Pooled(pair, generation, epoch));
  }

  /** Gives up a broken pool session: its pairs are never used, and closing it destroys what is left of them. */
  private void abandonSession() {
    long abandoned = epoch;
    epoch = abandoned + 1; // first, so that no request takes one of its pairs from now on
    for (Queue<Pooled> queue : pairs.values()) {
      queue.removeIf(pooled -> pooled.epoch() == abandoned);
    }
    try {
      session.closeSession();
    } catch (PKCS11Exception | RuntimeException e) {
      // it was broken already
    }
    session = null;
  }

  private void signal() {
    synchronized (wake) {
      woken = true;
      wake.notifyAll();
    }
  }

  /** Waits until signalled, or {@code millis} (0: no limit). */
  private void await(long millis) {
    synchronized (wake) {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      while (!woken && !closed) {
        try {
          if (millis == 0) {
            wake.wait();
          } else {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
              break;
            }
            wake.wait(left);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      woken = false;
    }
  }

  /**
   * Stops the refill thread (waiting at most {@code waitMillis} for a generation in progress), then destroys every
   * pooled pair and closes the pool's session. The backend calls it before it closes the connection.
   */
  void close(long waitMillis) {
    closed = true;
    signal();
    if (refiller.isAlive()) {
      try {
        refiller.join(waitMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (refiller.isAlive()) {
      LOG.warn("The key pair pool's generation did not finish in time; its objects go when the module closes");
      return;
    }
    Session held = session;
    if (held == null) {
      return;
    }
    session = null;
    try {
      backend.execute("KeyPairPoolClose", connection -> {
        if (sessionGeneration == backend.generation()) {
          for (Queue<Pooled> queue : pairs.values()) {
            for (Pooled pooled = queue.poll(); pooled != null; pooled = queue.poll()) {
              DataKeyPairGenerator.destroyQuietly(held, pooled.pair());
            }
          }
          try {
            held.closeSession();
          } catch (PKCS11Exception e) {
            // its objects are destroyed; the module's close ends the session in any case
          }
        }
        return null;
      });
    } catch (RuntimeException e) {
      LOG.debug("Emptying the key pair pool failed: {}", e.toString());
    }
    pairs.values().forEach(Queue::clear);
  }

  @Override
  public void close() {
    close(TimeUnit.SECONDS.toMillis(10));
  }
}
