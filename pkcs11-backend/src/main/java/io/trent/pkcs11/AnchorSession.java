package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_USER_ALREADY_LOGGED_IN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKS_RO_USER_FUNCTIONS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKS_RW_USER_FUNCTIONS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKU_USER;

import io.trent.core.error.DependencyTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Token;

/**
 * The long-lived session that holds the token login and owns the session copies of KMS keys.
 *
 * <p>PKCS#11 logs out every session of the application when its last session closes, so this one
 * stays open for the backend's lifetime. Calls are serialized (one operation at a time per
 * session), which also serializes token-object creation and destruction (SoftHSM #573). A caller
 * waits for the session at most the given time, so one hung call does not stall every request
 * behind it: they fail with a retryable DependencyTimeoutException instead.
 */
final class AnchorSession {

  /** Work done on the anchor session while holding its lock. */
  @FunctionalInterface
  interface Work<T> {
    T run(Session session) throws PKCS11Exception;
  }

  private final Session session;
  private final char[] pin;
  private final long waitNanos;
  private final ReentrantLock lock = new ReentrantLock();

  private AnchorSession(Session session, char[] pin, Duration wait) {
    this.session = session;
    this.pin = pin;
    this.waitNanos = wait.toNanos();
  }

  /**
   * Opens a read-write session and logs the user in.
   *
   * @param pin kept by reference (the backend owns and wipes it) for logging in again later
   * @param wait how long a caller waits for the session while another uses it
   */
  static AnchorSession open(Token token, char[] pin, Duration wait) throws PKCS11Exception {
    Session session = token.openSession(true);
    AnchorSession anchor = new AnchorSession(session, pin, wait);
    try {
      anchor.loginOnSession();
    } catch (PKCS11Exception | RuntimeException e) {
      anchor.closeQuietly();
      throw e;
    }
    return anchor;
  }

  /** Logs in again after the token reported CKR_USER_NOT_LOGGED_IN; never logs out first. */
  void login() throws AnchorSessionException {
    call(session -> {
      loginOnSession();
      return null;
    });
  }

  /** Runs work on the anchor session, serialized with every other use of it. */
  <T> T call(Work<T> work) throws AnchorSessionException {
    lock();
    try {
      return work.run(session);
    } catch (PKCS11Exception e) {
      throw new AnchorSessionException(e);
    } finally {
      lock.unlock();
    }
  }

  /** Whether the session is still in a user-functions state (the token has not forgotten the login). */
  boolean isLoggedIn() throws AnchorSessionException {
    return call(session -> {
      long state = session.getSessionInfo().getState();
      return state == CKS_RW_USER_FUNCTIONS || state == CKS_RO_USER_FUNCTIONS;
    });
  }

  /** Logs out and closes the session; used when the backend shuts down or resets. */
  void logoutAndClose() {
    lock();
    try {
      try {
        session.logout();
      } catch (PKCS11Exception | RuntimeException e) {
        // not logged in any more, or the session is gone: nothing to undo
      }
      closeQuietly();
    } finally {
      lock.unlock();
    }
  }

  private void lock() {
    try {
      if (lock.tryLock(waitNanos, TimeUnit.NANOSECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new DependencyTimeoutException("The HSM's anchor session stayed busy for "
        + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms; retry the request.");
  }

  private void loginOnSession() throws PKCS11Exception {
    try {
      session.login(CKU_USER, pin);
    } catch (PKCS11Exception e) {
      // The login belongs to the token, so another session may already hold it (SoftHSM #552).
      if (e.getErrorCode() != CKR_USER_ALREADY_LOGGED_IN) {
        throw e;
      }
    }
  }

  private void closeQuietly() {
    try {
      session.closeSession();
    } catch (PKCS11Exception | RuntimeException e) {
      // already closed
    }
  }
}
