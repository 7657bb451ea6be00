package io.trent.pkcs11;

import io.trent.core.error.DependencyTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serializes every creation and destruction of token objects on one token, whichever session does
 * it: concurrent C_GenerateKey(Pair)/C_UnwrapKey of token objects fails at random on SoftHSM2
 * (#573). Data operations never take it.
 *
 * <p>The wait is bounded: an RSA-4096 key generation can hold the lock for seconds, and a waiting
 * request also holds the module's read lock, which would delay a reset.
 */
final class ObjectWriteLock {

  private final ReentrantLock lock = new ReentrantLock();
  private final long timeoutNanos;

  ObjectWriteLock(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
  }

  /** @throws DependencyTimeoutException when another write holds the token for the whole timeout */
  void acquire() {
    try {
      if (lock.tryLock(timeoutNanos, TimeUnit.NANOSECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new DependencyTimeoutException("The HSM is busy creating or destroying other keys; retry the request.");
  }

  void release() {
    lock.unlock();
  }
}
