package io.trent.pkcs11;

import java.util.function.Supplier;

/** The statistics of whichever pool is current: a reset replaces the backend's pool, metrics keep one view. */
final class CurrentSessionPool implements SessionPoolStatistics {
  private final Supplier<? extends SessionPoolStatistics> current;

  CurrentSessionPool(Supplier<? extends SessionPoolStatistics> current) {
    this.current = current;
  }

  @Override
  public int size() {
    return current.get().size();
  }

  @Override
  public int inUse() {
    return current.get().inUse();
  }

  @Override
  public int idle() {
    return current.get().idle();
  }

  @Override
  public int waiting() {
    return current.get().waiting();
  }

  @Override
  public long borrows() {
    return current.get().borrows();
  }

  @Override
  public long borrowWaitNanos() {
    return current.get().borrowWaitNanos();
  }

  @Override
  public long borrowTimeouts() {
    return current.get().borrowTimeouts();
  }
}
