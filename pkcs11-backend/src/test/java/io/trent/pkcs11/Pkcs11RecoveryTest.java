package io.trent.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_DEVICE_ERROR;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_GENERAL_ERROR;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_SESSION_HANDLE_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_USER_NOT_LOGGED_IN;

import io.trent.core.error.DependencyTimeoutException;
import io.trent.core.error.InvalidCiphertextException;
import io.trent.core.error.KmsException;
import io.trent.core.error.KmsInternalException;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.spi.SealedBytes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Token;

/**
 * Lifecycle and repair: close and reopen, a lost login, a module finalized underneath, pool limits,
 * faults that look like bad input, and a call that hangs in the library.
 */
class Pkcs11RecoveryTest {

  private static final byte[] AAD = "recovery".getBytes(StandardCharsets.UTF_8);

  private static SoftHsmToken token;

  @BeforeAll
  static void createToken() {
    token = SoftHsmToken.create("recovery");
  }

  @AfterAll
  static void nothingLeftOpen() {
    // every test closes its backend; a leftover would make the next class's open fail
  }

  @Test
  void reopensInTheSameJvmAndDecryptsOldCiphertext() {
    KeyMaterialId key = Pkcs11KeyBackendTest.newId();
    SealedBytes sealed;
    Pkcs11KeyBackend first = Pkcs11KeyBackend.open(token.settings());
    try {
      first.createSymmetricKey(key, "reopen");
      sealed = first.encrypt(key, "kept across restarts".getBytes(StandardCharsets.UTF_8), AAD);
    } finally {
      first.close();
    }
    first.close(); // idempotent
    assertThat(first.isHealthy()).isFalse();
    assertThatThrownBy(() -> first.generateRandom(8)).isInstanceOf(KmsInternalException.class);

    try (Pkcs11KeyBackend second = Pkcs11KeyBackend.open(token.settings())) {
      assertThat(second.keyExists(key)).isTrue();
      assertThat(second.decrypt(key, sealed.iv(), sealed.ciphertextAndTag(), AAD))
          .asString(StandardCharsets.UTF_8).isEqualTo("kept across restarts");
    }
  }

  @Test
  void logsInAgainAfterTheTokenForgetsTheLogin() throws Exception {
    try (Pkcs11KeyBackend backend = Pkcs11KeyBackend.open(token.settings())) {
      KeyMaterialId key = Pkcs11KeyBackendTest.newId();
      backend.createSymmetricKey(key, "login");
      SealedBytes sealed = backend.encrypt(key, new byte[] {1, 2, 3}, AAD);

      // C_Logout on any session logs the whole application out (and drops private session objects).
      Session intruder = TokenLookup.byLabel(backend.module(), token.label).openSession(true);
      intruder.logout();
      intruder.closeSession();

      assertThat(eventually(() -> backend.decrypt(key, sealed.iv(), sealed.ciphertextAndTag(), AAD)))
          .containsExactly(1, 2, 3);
      assertThat(backend.generateDataKey(key, 32, AAD).plaintext()).hasSize(32);
      assertThat(backend.isHealthy()).isTrue();
    }
  }

  @Test
  void resetsTheModuleWhenItDisappearsUnderneath() {
    try (Pkcs11KeyBackend backend = Pkcs11KeyBackend.open(token.settings())) {
      KeyMaterialId key = Pkcs11KeyBackendTest.newId();
      backend.createSymmetricKey(key, "reset");
      SealedBytes sealed = backend.encrypt(key, new byte[] {9}, AAD);

      // Simulates a lost device: every session and session object is gone.
      LoadedModules.finalizeQuietly(backend.module());

      assertThat(eventually(() -> backend.decrypt(key, sealed.iv(), sealed.ciphertextAndTag(), AAD)))
          .containsExactly(9);
      assertThat(backend.isHealthy()).isTrue();
      assertThat(backend.describe()).startsWith("token '" + token.label + "'");
    }
  }

  @Test
  void healthCheckRepairsALostLogin() throws Exception {
    try (Pkcs11KeyBackend backend = Pkcs11KeyBackend.open(token.settings())) {
      Session intruder = TokenLookup.byLabel(backend.module(), token.label).openSession(true);
      intruder.logout();
      intruder.closeSession();

      assertThat(backend.isHealthy()).as("the check notices the lost login").isFalse();
      assertThat(backend.isHealthy()).as("and has logged in again").isTrue();
    }
  }

  @Test
  void poolWaitsForAFreeSessionOnlyUntilTheBorrowTimeout() throws Exception {
    try (Pkcs11KeyBackend backend = Pkcs11KeyBackend.open(token.settings(1, Duration.ofMillis(200)))) {
      Token hsm = TokenLookup.byLabel(backend.module(), token.label);
      Pkcs11SessionPool pool = new Pkcs11SessionPool(hsm, 1, Duration.ofMillis(100));
      Session only = pool.borrow();
      long start = System.nanoTime();

      assertThatThrownBy(pool::borrow).isInstanceOf(DependencyTimeoutException.class);

      assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(90).toNanos());
      pool.giveBack(only);
      Session again = pool.borrow();
      assertThat(again).isSameAs(only);
      pool.discard(again);
      Session replacement = pool.borrow();
      assertThat(replacement).isNotSameAs(only);
      pool.giveBack(replacement);
      pool.close();
      assertThat(pool.idleCount()).isZero();

      assertThat(backend.generateRandom(4)).hasSize(4); // the backend's own pool of one still works
    }
  }

  @Test
  void confirmHealthyRefusesAClosedSessionAndALostLogin() throws Exception {
    try (Pkcs11KeyBackend backend = Pkcs11KeyBackend.open(token.settings())) {
      Token hsm = TokenLookup.byLabel(backend.module(), token.label);
      Session healthy = hsm.openSession(false);
      DataErrors.confirmHealthy(healthy); // logged in through the backend's anchor session

      Session closed = hsm.openSession(false);
      closed.closeSession();
      assertThat(catchThrowable(() -> DataErrors.confirmHealthy(closed)))
          .isInstanceOfSatisfying(PKCS11Exception.class,
              e -> assertThat(e.getErrorCode()).isEqualTo(CKR_SESSION_HANDLE_INVALID));

      healthy.logout(); // logs the whole application out
      assertThat(catchThrowable(() -> DataErrors.confirmHealthy(healthy)))
          .isInstanceOfSatisfying(PKCS11Exception.class,
              e -> assertThat(e.getErrorCode()).isEqualTo(CKR_USER_NOT_LOGGED_IN));
      healthy.closeSession();
    }
  }

  @Test
  void aFaultThatLooksLikeABadTagIsRetriedRatherThanCalledInvalidCiphertext() {
    try (Pkcs11KeyBackend backend = Pkcs11KeyBackend.open(token.settings())) {
      KeyMaterialId key = Pkcs11KeyBackendTest.newId();
      backend.createSymmetricKey(key, "fault");
      byte[] plaintext = "a valid ciphertext".getBytes(StandardCharsets.UTF_8);
      SealedBytes sealed = backend.encrypt(key, plaintext, AAD);
      AesGcm gcm = new AesGcm(GcmIvPolicy.of(GcmIvSource.TOKEN_RNG));
      AtomicInteger attempts = new AtomicInteger();

      byte[] decrypted = backend.execute("Decrypt", connection -> {
        long handle = connection.checkedKeys.resolve(key).operational();
        return Pkcs11KeyBackend.onPooledSession(connection, session -> gcm.decrypt(
            attempts.getAndIncrement() == 0 ? new FailingDevice(session) : session,
            handle, sealed.iv(), sealed.ciphertextAndTag(), AAD));
      });

      assertThat(decrypted).isEqualTo(plaintext);
      assertThat(attempts).as("retried on a fresh session").hasValue(2);
    }
  }

  @Test
  void aLastingFaultThatLooksLikeABadTagIsARetryableError() {
    try (Pkcs11KeyBackend backend = Pkcs11KeyBackend.open(token.settings())) {
      KeyMaterialId key = Pkcs11KeyBackendTest.newId();
      backend.createSymmetricKey(key, "lasting fault");
      SealedBytes sealed = backend.encrypt(key, new byte[] {7}, AAD);
      AesGcm gcm = new AesGcm(GcmIvPolicy.of(GcmIvSource.TOKEN_RNG));

      Throwable thrown = catchThrowable(() -> backend.execute("Decrypt", connection -> {
        long handle = connection.checkedKeys.resolve(key).operational();
        return Pkcs11KeyBackend.onPooledSession(connection, session -> gcm.decrypt(new FailingDevice(session),
            handle, sealed.iv(), sealed.ciphertextAndTag(), AAD));
      }));

      assertThat(thrown).isInstanceOf(KmsInternalException.class).isNotInstanceOf(InvalidCiphertextException.class);
      assertThat(((KmsException) thrown).isRetryable()).isTrue();
      assertThat(eventually(() -> backend.decrypt(key, sealed.iv(), sealed.ciphertextAndTag(), AAD)))
          .containsExactly(7);
    }
  }

  @Test
  void aResetWaitsForAHungCallOnlyUntilTheDeadlineAndNeverFinalizesUnderIt() throws Exception {
    Duration deadline = Duration.ofSeconds(1);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    CountDownLatch inCall = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Pkcs11KeyBackend backend = Pkcs11KeyBackend.open(token.settings(2, deadline))) {
      try {
        // A call that does not return, as a hung HSM would (a latch in place of the library call).
        Future<Boolean> hung = threads.submit(() -> backend.execute("Hung", connection -> {
          inCall.countDown();
          awaitUninterruptibly(release);
          return connection.tokenAnswers(); // false if the module had been finalized under this call
        }));
        assertThat(inCall.await(10, TimeUnit.SECONDS)).isTrue();

        // A device error asks for a reset, which cannot happen while the call is in the library.
        Future<?> faulty = threads.submit(() -> backend.execute("Faulty", connection -> {
          throw new PKCS11Exception(CKR_DEVICE_ERROR);
        }));
        Throwable failed = catchThrowable(() -> faulty.get(10, TimeUnit.SECONDS));
        assertThat(failed).as("the reset gave up waiting after the deadline")
            .hasCauseInstanceOf(KmsInternalException.class);

        assertThat(backend.isHealthy()).isFalse();
        long start = System.nanoTime();
        assertThatThrownBy(() -> backend.generateRandom(4)).isInstanceOf(DependencyTimeoutException.class);
        assertThat(System.nanoTime() - start).as("fails fast, without waiting for the module")
            .isLessThan(deadline.toNanos() / 2);

        release.countDown();
        assertThat(hung.get(10, TimeUnit.SECONDS)).as("the module was not finalized under the call").isTrue();
        assertThat(backend.generateRandom(4)).as("the reset is done once the call returned").hasSize(4);
        assertThat(backend.isHealthy()).isTrue();
      } finally {
        release.countDown();
        threads.shutdownNow();
      }
    }
  }

  @Test
  void capabilityProbesTakeAFaultForAFaultNotForARefusal() throws Exception {
    try (Pkcs11KeyBackend backend = Pkcs11KeyBackend.open(token.settings())) {
      TokenConnection connection = backend.execute("Test", live -> live);
      Session intruder = TokenLookup.byLabel(backend.module(), token.label).openSession(true);
      intruder.logout(); // every key generation below now fails with CKR_USER_NOT_LOGGED_IN
      intruder.closeSession();

      assertThat(catchThrowable(() -> KeyPairSpecProbe.probe(connection)))
          .as("not 'the token cannot generate EC key pairs'").isInstanceOf(PKCS11Exception.class);
      assertThat(catchThrowable(() -> Pkcs11KeyBackend.onPooledSession(connection,
          session -> WrappingAlgorithmProbe.probe(connection.token, session)))).isInstanceOf(PKCS11Exception.class);
    }
  }

  @Test
  void aWrappingProbeThatFailedIsRunAgainAfterItsBackOff() throws Exception {
    try (Pkcs11KeyBackend backend = Pkcs11KeyBackend.open(token.settings())) {
      Session intruder = TokenLookup.byLabel(backend.module(), token.label).openSession(true);
      intruder.logout();
      intruder.closeSession();

      assertThatThrownBy(backend::supportedWrappingAlgorithms)
          .isInstanceOfSatisfying(KmsInternalException.class, e -> assertThat(e.isRetryable()).isTrue());

      // Polls (the health check, as the server's /health would) until the back-off has passed.
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!wrappingAlgorithmsKnown(backend) && System.nanoTime() < deadline) {
        assertThat(backend.isHealthy()).isTrue();
        LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
      }
      assertThat(backend.supportedWrappingAlgorithms()).isNotEmpty();
    }
  }

  private static boolean wrappingAlgorithmsKnown(Pkcs11KeyBackend backend) {
    try {
      return !backend.supportedWrappingAlgorithms().isEmpty();
    } catch (KmsInternalException e) {
      return false;
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A session whose device fails during C_Decrypt: the session is gone, and the token reports the
   * failure with CKR_GENERAL_ERROR, as SoftHSM2 reports a GCM tag that does not verify.
   */
  private static final class FailingDevice extends Session {
    private final Session real;

    FailingDevice(Session real) {
      super(real.getToken(), real.getSessionHandle());
      this.real = real;
    }

    @Override
    public byte[] decrypt(byte[] in) throws PKCS11Exception {
      real.closeSession();
      throw new PKCS11Exception(CKR_GENERAL_ERROR);
    }
  }

  /** Tries up to three times: the first request after a fault may fail, retryably. */
  private static <T> T eventually(Supplier<T> request) {
    KmsException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        return request.get();
      } catch (KmsInternalException e) {
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.getMessage()).doesNotContain(new String(token.userPin));
        last = e;
      }
    }
    throw new AssertionError("no recovery after three attempts", last);
  }
}
