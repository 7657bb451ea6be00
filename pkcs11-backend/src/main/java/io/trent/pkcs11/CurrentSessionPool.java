package io.trent.pkcs11;

import java.util.function.Supplier;

/**
 * The statistics of whichever pool is current: a reset replaces the backend's pool, metrics keep one view. While
 * there is no pool (the backend lost its token connection and has not reconnected) every figure is zero: no
 * sessions, and the counters start again, as a Prometheus counter reset.
 */
final class CurrentSessionPool implements SessionPoolStatistics {
  private static final SessionPoolStatistics NONE = new SessionPoolStatistics() {
    @Override
    public int size() {
      return 0;
    }

    @Override
    public int inUse() {
      return 0;
    }

    @Override
    public int idle() {
      return 0;
    }

    @Override
    public int waiting() {
      return 0;
    }

    @Override
    public long borrows() {
      return 0;
    }

    @Override
    public long borrowWaitNanos() {
      return 0;
    }

    @Override
    public long borrowTimeouts() {
      return 0;
    }
  };

  private final Supplier<? extends SessionPoolStatistics> pool;

  /** @param pool the current pool, or null while there is none */
  CurrentSessionPool(Supplier<? extends SessionPoolStatistics> pool) {
    this.pool = pool;
  }

  private SessionPoolStatistics current() {
    SessionPoolStatistics now = pool.get();
    return now == null ? NONE : now;
  }

  @Override
  public int size() {
    return current().size();
  }

  @Override
  public int inUse() {
    return current().inUse();
  }

  @Override
  public int idle() {
    return current().idle();
  }

  @Override
  public int waiting() {
    return current().waiting();
  }

  @Override
  public long borrows() {
    return current().borrows();
  }

  @Override
  public long borrowWaitNanos() {
    return current().borrowWaitNanos();
  }

  @Override
  public long borrowTimeouts() {
    return current().borrowTimeouts();
  }
}
