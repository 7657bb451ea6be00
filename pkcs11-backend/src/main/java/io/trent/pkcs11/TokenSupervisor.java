package io.trent.pkcs11;

import io.trent.core.error.DependencyTimeoutException;
import io.trent.core.error.KeyUnavailableException;
import io.trent.core.error.KmsException;
import io.trent.core.error.KmsInternalException;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11Module;

/**
 * Keeps one PKCS#11 module and its token usable for the key backend: the {@link TokenConnection}
 * (anchor session, session pool, handle caches), the module lock, health checks, the background
 * token object check, and recovery (log in again, reset the module, reconnect) without a restart.
 *
 * <p>Work runs through {@link #execute} under a read lock on the module; a reset (C_Finalize,
 * C_Initialize, log in again) takes the write lock, because C_Finalize while another thread is
 * inside the library crashes it. A PKCS#11 error is classified by {@link Pkcs11Recovery}: a stale
 * handle or pool session is retried once, a lost login is repaired by logging in again, a lost
 * device, token or anchor session by resetting the module; the request fails with
 * {@link KmsInternalException}, retryable.
 *
 * <p>Waits are bounded: a reset waits for the calls in flight at most the borrow timeout, and never
 * finalizes the module while one is still inside the library. Until that call returns, and while the
 * token cannot be reached at all (a reconnect is tried at most once a second), requests fail at once
 * with {@link DependencyTimeoutException} and the health check reports the token down.
 *
 * <p>Nothing secret is logged or put into exception messages: the PIN is held here and wiped on close.
 */
final class TokenSupervisor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TokenSupervisor.class);
  private static final long RECONNECT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Work done on a live connection; PKCS#11 errors are classified by the supervisor. */
  @FunctionalInterface
  interface ConnectionWork<T> {
    T run(TokenConnection connection) throws PKCS11Exception, AnchorSessionException;
  }

  private final Pkcs11Settings settings;
  private final PKCS11Module module;
  private final char[] pin;
  private final boolean sessionCopies;
  private final long lockTimeoutNanos;
  // Package-private for tests that hold it as a reconnect or reset that hangs would.
  final ReentrantReadWriteLock moduleLock = new ReentrantReadWriteLock();
  private final AtomicInteger failedHealthChecks = new AtomicInteger();
  private final ObjectCheckSchedule objectChecks;

  // Written under the write lock only; volatile so that the fast paths may peek without it.
  private volatile TokenConnection connection;
  private volatile long generation;
  private volatile boolean closed;
  private volatile String description;
  private volatile String serial;
  private long lastReconnectNanos;
  // Set when a reset could not wait out a call in flight; requests fail fast until the reset is done.
  private volatile boolean resetStalled;

  private TokenSupervisor(Pkcs11Settings settings, PKCS11Module module, char[] pin, boolean sessionCopies,
                          TokenConnection connection) {
    this.settings = settings;
    this.module = module;
    this.pin = pin;
    this.sessionCopies = sessionCopies;
    this.lockTimeoutNanos = settings.borrowTimeout().toNanos();
    this.connection = connection;
    this.description = connection.description;
    this.serial = connection.serial;
    this.objectChecks = new ObjectCheckSchedule(settings.objectCheckInterval(), this::checkTokenObjectsQuietly);
  }

  /**
   * Initializes the module (with CKF_OS_LOCKING_OK), finds the token by its trimmed label and logs
   * in on an anchor session.
   *
   * @throws IllegalStateException when the library cannot be loaded or initialized (also when
   *     another component of this JVM holds it initialized), the token is missing, lacks AES-GCM,
   *     or refuses the PIN; the message never contains the PIN
   */
  static TokenSupervisor open(Pkcs11Settings settings, boolean sessionCopies) {
    Objects.requireNonNull(settings, "settings");
    PKCS11Module module = LoadedModules.module(settings.library());
    try {
      if (!LoadedModules.initialize(module)) {
        throw new IllegalStateException("The PKCS#11 library " + settings.library()
            + " is already initialized in this JVM; close the backend that uses it first.");
      }
    } catch (PKCS11Exception e) {
      throw new IllegalStateException("C_Initialize with CKF_OS_LOCKING_OK failed for "
          + settings.library() + ": " + e.getErrorName(), e);
    }
    char[] pin = settings.pin().clone();
    try {
      return new TokenSupervisor(settings, module, pin, sessionCopies,
          TokenConnection.open(module, settings, pin, sessionCopies));
    } catch (RuntimeException e) {
      LoadedModules.finalizeQuietly(module);
      Arrays.fill(pin, '\0');
      throw e;
    }
  }

  /** Runs work under the module read lock, turning PKCS#11 errors into KMS errors and repairs. */
  <T> T execute(String operation, ConnectionWork<T> work) {
    for (int attempt = 1; ; attempt++) {
      if (resetStalled && !closed && !finishStalledReset()) {
        throw new DependencyTimeoutException("The HSM connection is being reset; retry the request.");
      }
      if (connection == null && !closed) {
        reconnectIfDue();
        if (connection == null) {
          throw unreachable(); // at once: a reconnect under way may take long on an HSM that hangs
        }
      }
      Lock readLock = acquireReadLock();
      Pkcs11Recovery recovery;
      String errorName;
      Exception cause;
      long observed;
      try {
        TokenConnection current = liveConnection();
        observed = generation;
        try {
          return work.run(current);
        } catch (AnchorSessionException e) {
          recovery = Pkcs11Recovery.after(e.errorCode(), true);
          errorName = e.errorName();
          cause = e;
        } catch (PKCS11Exception e) {
          recovery = Pkcs11Recovery.after(e.getErrorCode(), false);
          errorName = e.getErrorName();
          cause = e;
        } catch (KeyUnavailableException e) {
          if (current.tokenAnswers()) {
            throw e; // the token is there and has no such object
          }
          // Not the key's absence: the whole token went away (see TokenPresence).
          recovery = Pkcs11Recovery.RESET_MODULE;
          errorName = "no answer to C_GetTokenInfo";
          cause = e;
        } catch (KmsException e) {
          throw e;
        } catch (RuntimeException e) {
          LOG.warn("{} failed in the HSM backend: {}", operation, e.toString());
          throw new KmsInternalException("The HSM backend failed during " + operation + ".", e);
        }
      } finally {
        readLock.unlock();
      }
      if (attempt == 1 && (recovery == Pkcs11Recovery.RETRY_WITH_FRESH_HANDLE
          || recovery == Pkcs11Recovery.RETRY_WITH_FRESH_SESSION)) {
        LOG.debug("{} got {}; retrying once ({})", operation, errorName, recovery);
        continue;
      }
      if (recovery == Pkcs11Recovery.RETRY_WITH_FRESH_SESSION) {
        recovery = Pkcs11Recovery.RESET_MODULE; // a fresh session failed the same way
      }
      LOG.warn("{} failed in the HSM with {}; recovery: {}", operation, errorName, recovery);
      repair(recovery, observed);
      throw new KmsInternalException("The HSM failed during " + operation + " (" + errorName
          + "); retry the request.", cause);
    }
  }

  /**
   * True when the token answers C_GetTokenInfo and the anchor session is still logged in. A lost
   * login is repaired on the spot; a token that fails two checks in a row gets the module reset.
   */
  boolean isHealthy() {
    if (closed || (resetStalled && !finishStalledReset())) {
      return false;
    }
    if (connection == null) {
      reconnectIfDue();
    }
    Lock readLock = moduleLock.readLock();
    if (!readLock.tryLock()) {
      return false; // a reset is running
    }
    Pkcs11Recovery recovery;
    long observed;
    try {
      observed = generation;
      TokenConnection current = connection;
      if (current == null) {
        return false;
      }
      if (!current.tokenAnswers()) {
        if (failedHealthChecks.incrementAndGet() < 2) {
          return false;
        }
        recovery = Pkcs11Recovery.RESET_MODULE;
      } else {
        failedHealthChecks.set(0);
        try {
          if (current.anchor.isLoggedIn()) {
            return true;
          }
          recovery = Pkcs11Recovery.LOGIN_AGAIN;
        } catch (AnchorSessionException e) {
          recovery = Pkcs11Recovery.RESET_MODULE;
        }
      }
    } finally {
      readLock.unlock();
    }
    LOG.warn("HSM health check failed; recovery: {}", recovery);
    repair(recovery, observed);
    return false;
  }

  /** The token, its serial, maker and model, and the library; the last one reached while it is away. */
  String describe() {
    return description;
  }

  /** The token's serial; the last one reached while it is away (audit events name it). */
  String tokenSerial() {
    return serial;
  }

  /**
   * Checks the token objects behind every cached handle now; the background thread does this twice
   * per object check interval.
   */
  void checkTokenObjects() {
    execute("CheckTokenObjects", live -> {
      live.checkObjects();
      return null;
    });
  }

  private void checkTokenObjectsQuietly() {
    if (closed) {
      return;
    }
    try {
      checkTokenObjects();
    } catch (RuntimeException e) {
      LOG.debug("The token object check failed: {}", e.toString());
    }
  }

  /** The wrapper's module, for tests that inspect the token or simulate failures. */
  PKCS11Module module() {
    return module;
  }

  /** Bumped by every module reset and by close: handles and sessions of an earlier generation are gone. */
  long generation() {
    return generation;
  }

  /** The current connection's session pool, or null while there is none (the HSM is away); for metrics. */
  Pkcs11SessionPool currentPool() {
    TokenConnection current = connection;
    return current == null ? null : current.pool;
  }

  /** How long close and resets wait for calls in flight. */
  long lockTimeoutMillis() {
    return TimeUnit.NANOSECONDS.toMillis(lockTimeoutNanos);
  }

  /**
   * Closes the pool, logs out, closes the anchor session and finalizes the module, so that a later
   * open in this JVM starts afresh. Waits for requests in flight at most the borrow timeout.
   */
  @Override
  public void close() {
    objectChecks.close();
    Lock writeLock = moduleLock.writeLock();
    if (!tryLock(writeLock, lockTimeoutNanos)) {
      closed = true;
      LOG.error("Closing {}: a PKCS#11 call has not returned within {} ms; the module is left initialized, "
          + "because finalizing it under a call in flight would crash the library.", description,
          TimeUnit.NANOSECONDS.toMillis(lockTimeoutNanos));
      return;
    }
    try {
      if (closed) {
        return;
      }
      closed = true;
      generation++;
      TokenConnection current = connection;
      connection = null;
      if (current != null) {
        current.close();
      }
      LoadedModules.finalizeQuietly(module);
      Arrays.fill(pin, '\0');
      LOG.info("Closed {}", description);
    } finally {
      writeLock.unlock();
    }
  }

  private Lock acquireReadLock() {
    Lock readLock = moduleLock.readLock();
    try {
      if (readLock.tryLock(lockTimeoutNanos, TimeUnit.NANOSECONDS)) {
        return readLock;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new DependencyTimeoutException("The HSM connection is being reset; retry the request.");
  }

  private TokenConnection liveConnection() {
    TokenConnection current = connection;
    if (current != null) {
      return current;
    }
    if (closed) {
      throw new KmsInternalException("The HSM key backend is closed.");
    }
    throw unreachable();
  }

  /**
   * The HSM is away and nothing was tried: AWS's DependencyTimeoutException ("the system timed out
   * while trying to fulfill the request; you can retry"), as during a reset, is the closest of its
   * retryable errors (pkcs11-lessons.md §15: DependencyTimeout while the HSM is reset).
   */
  private DependencyTimeoutException unreachable() {
    return new DependencyTimeoutException("The HSM token '" + settings.tokenLabel().trim()
        + "' is unreachable; reconnecting. Retry the request.");
  }

  /** Logs in again or resets the module; called without the read lock (it cannot be upgraded). */
  private void repair(Pkcs11Recovery recovery, long observedGeneration) {
    if (recovery == Pkcs11Recovery.LOGIN_AGAIN) {
      Lock readLock = moduleLock.readLock();
      if (!readLock.tryLock()) {
        return; // a reset is running and will log in anyway
      }
      try {
        TokenConnection current = connection;
        if (current == null || generation != observedGeneration) {
          return;
        }
        current.anchor.login();
        LOG.info("Logged in to {} again", current.description);
        return;
      } catch (AnchorSessionException e) {
        LOG.warn("Logging in again failed with {}; resetting the module", e.errorName());
      } finally {
        readLock.unlock();
      }
      reset(observedGeneration);
    } else if (recovery == Pkcs11Recovery.RESET_MODULE) {
      reset(observedGeneration);
    }
  }

  /**
   * Resets the module unless another thread already did since the failure was observed. Waits for
   * the calls in flight at most the borrow timeout; when one is still inside the library then, the
   * reset is left to {@link #finishStalledReset} and requests fail fast until it is done.
   */
  private void reset(long observedGeneration) {
    Lock writeLock = moduleLock.writeLock();
    if (!tryLock(writeLock, lockTimeoutNanos)) {
      if (!resetStalled) {
        resetStalled = true;
        LOG.error("A PKCS#11 call has not returned within {} ms, so the module cannot be reset yet; "
            + "requests fail until it returns.", TimeUnit.NANOSECONDS.toMillis(lockTimeoutNanos));
      }
      return;
    }
    try {
      if (!closed && generation == observedGeneration) {
        resetLocked();
      }
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Does a stalled reset once no call is in flight any more, without waiting for one.
   *
   * @return true when the reset is done (by this or another thread)
   */
  private boolean finishStalledReset() {
    Lock writeLock = moduleLock.writeLock();
    if (!writeLock.tryLock()) {
      return !resetStalled;
    }
    try {
      if (resetStalled && !closed) {
        resetLocked();
        LOG.info("The stalled PKCS#11 call returned; the module was reset.");
      }
      resetStalled = false;
      return true;
    } finally {
      writeLock.unlock();
    }
  }

  private static boolean tryLock(Lock lock, long timeoutNanos) {
    try {
      return lock.tryLock(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * While the token is unreachable, tries to reconnect at most once a second. Never waits: when
   * another thread holds the module (a reconnect under way, which an HSM that hangs can make long),
   * the caller fails fast instead of piling up behind it.
   */
  private void reconnectIfDue() {
    Lock writeLock = moduleLock.writeLock();
    if (!writeLock.tryLock()) {
      return;
    }
    try {
      if (!closed && connection == null && System.nanoTime() - lastReconnectNanos >= RECONNECT_INTERVAL_NANOS) {
        resetLocked();
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** Drains and closes everything, C_Finalize, C_Initialize, logs in again. Holds the write lock. */
  private void resetLocked() {
    generation++;
    failedHealthChecks.set(0);
    TokenConnection old = connection;
    connection = null;
    if (old != null) {
      old.close();
    }
    LoadedModules.finalizeQuietly(module);
    lastReconnectNanos = System.nanoTime();
    try {
      LoadedModules.initialize(module);
      TokenConnection fresh = TokenConnection.open(module, settings, pin, sessionCopies);
      description = fresh.description;
      serial = fresh.serial;
      connection = fresh;
      LOG.info("Reset the PKCS#11 module; reconnected to {}", fresh.description);
    } catch (PKCS11Exception e) {
      LOG.error("Resetting the PKCS#11 module failed: C_Initialize returned {}", e.getErrorName());
    } catch (RuntimeException e) {
      LOG.error("Resetting the PKCS#11 module failed: {}", e.getMessage());
    }
  }
}
