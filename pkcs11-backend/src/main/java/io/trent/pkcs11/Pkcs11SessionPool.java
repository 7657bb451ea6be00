package io.trent.pkcs11;

import io.trent.core.error.DependencyTimeoutException;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Token;

/**
 * A bounded pool of read-write sessions on one token; each session serves one request at a time.
 *
 * <p>Sessions are opened lazily and need no login of their own: the login belongs to the token and
 * is held by the backend's anchor session. A session that saw an error other than a data error is
 * {@linkplain #discard discarded}, because PKCS#11 may leave an operation active on it, and a new
 * one is opened on a later borrow. {@link #close} must only run when no session is borrowed (the
 * backend calls it under its write lock).
 */
final class Pkcs11SessionPool implements AutoCloseable, SessionPoolStatistics {

  private final Token token;
  private final long borrowTimeoutNanos;
  private final int size;
  private final Semaphore permits;
  private final LongAdder borrows = new LongAdder();
  private final LongAdder waitNanos = new LongAdder();
  private final LongAdder timeouts = new LongAdder();
  // LIFO: the most recently used session is the one most likely to be warm in the HSM.
  private final ConcurrentLinkedDeque<Session> idle = new ConcurrentLinkedDeque<>();
  private volatile boolean closed;

  Pkcs11SessionPool(Token token, int size, Duration borrowTimeout) {
    this.token = token;
    this.borrowTimeoutNanos = borrowTimeout.toNanos();
    this.size = size;
    this.permits = new Semaphore(size);
  }

  /**
   * A session for the caller's exclusive use; give it back with {@link #giveBack} or
   * {@link #discard}.
   *
   * @throws DependencyTimeoutException when no session becomes free within the borrow timeout
   * @throws PKCS11Exception when a new session cannot be opened
   */
  Session borrow() throws PKCS11Exception {
    long start = System.nanoTime();
    try {
      boolean acquired = permits.tryAcquire(borrowTimeoutNanos, TimeUnit.NANOSECONDS);
      waitNanos.add(System.nanoTime() - start);
      if (!acquired) {
        timeouts.increment();
        throw new DependencyTimeoutException("No HSM session became free within "
            + TimeUnit.NANOSECONDS.toMillis(borrowTimeoutNanos) + " ms.");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DependencyTimeoutException("Interrupted while waiting for an HSM session.");
    }
    borrows.increment();
    Session session = idle.pollFirst();
    if (session != null) {
      return session;
    }
    try {
      return token.openSession(true);
    } catch (PKCS11Exception | RuntimeException e) {
      permits.release();
      throw e;
    }
  }

  /** Returns a healthy session to the pool. */
  void giveBack(Session session) {
    if (closed) {
      closeQuietly(session);
    } else {
      idle.offerFirst(session);
    }
    permits.release();
  }

  /** Closes a session that saw an error; a later borrow opens a replacement. */
  void discard(Session session) {
    closeQuietly(session);
    permits.release();
  }

  /** Sessions opened and idle right now (for tests and metrics). */
  int idleCount() {
    return idle.size();
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int inUse() {
    return size - permits.availablePermits();
  }

  @Override
  public int idle() {
    return idle.size();
  }

  @Override
  public int waiting() {
    return permits.getQueueLength();
  }

  @Override
  public long borrows() {
    return borrows.sum();
  }

  @Override
  public long borrowWaitNanos() {
    return waitNanos.sum();
  }

  @Override
  public long borrowTimeouts() {
    return timeouts.sum();
  }

  @Override
  public void close() {
    closed = true;
    for (Session session = idle.pollFirst(); session != null; session = idle.pollFirst()) {
      closeQuietly(session);
    }
  }

  private static void closeQuietly(Session session) {
    try {
      session.closeSession();
    } catch (PKCS11Exception | RuntimeException e) {
      // the session is unusable either way
    }
  }
}
