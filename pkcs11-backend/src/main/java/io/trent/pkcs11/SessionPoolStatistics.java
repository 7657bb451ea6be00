package io.trent.pkcs11;

/**
 * What the backend's session pool knows of its use, read-only, for metrics. Counts are since the pool was made:
 * they start again from zero when the backend re-opens its token connection (as a Prometheus counter reset).
 */
public interface SessionPoolStatistics {

  /** The most sessions the pool opens ({@code pkcs11.sessionPoolSize}). */
  int size();

  /** Sessions borrowed right now. */
  int inUse();

  /** Sessions opened and waiting to be borrowed. */
  int idle();

  /** Threads waiting for a session right now. */
  int waiting();

  /** Sessions borrowed so far. */
  long borrows();

  /** Nanoseconds borrowers spent waiting for a session, in all. */
  long borrowWaitNanos();

  /** Borrows that gave up after {@code pkcs11.borrowTimeoutMillis} (answered as DependencyTimeoutException). */
  long borrowTimeouts();
}
