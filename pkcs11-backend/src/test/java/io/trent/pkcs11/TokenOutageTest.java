package io.trent.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.trent.core.error.DependencyTimeoutException;
import io.trent.core.error.KeyUnavailableException;
import io.trent.core.error.KmsException;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.spi.SealedBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole token goes away under a running backend (SoftHSM2's token directory moved aside, as a
 * lost device or a network HSM that dropped off) and comes back. SoftHSM2 then first stops finding
 * objects and only later fails other calls, so a backend that believed an empty search would call
 * every key destroyed: each way a key's absence is observed must see the token gone instead, fail
 * retryably, and work again by itself once the token is back.
 */
class TokenOutageTest {

  private static final byte[] AAD = "outage".getBytes(StandardCharsets.UTF_8);
  private static final byte[] PLAINTEXT = "made before the outage".getBytes(StandardCharsets.UTF_8);
  private static final Duration RECOVERY_BOUND = Duration.ofSeconds(20);

  private static SoftHsmToken token;

  @BeforeAll
  static void createToken() {
    token = SoftHsmToken.create("outage");
  }

  @Test
  void theObjectCheckDoesNotTakeAMissingTokenForDestroyedKeys() throws Exception {
    outage((backend, key) -> assertRetryableFault(catchThrowable(backend::checkTokenObjects)));
  }

  @Test
  void keyExistsFailsRatherThanAnswerFalse() throws Exception {
    outage((backend, key) -> assertRetryableFault(catchThrowable(() -> backend.keyExists(Pkcs11KeyBackendTest.newId()))));
  }

  @Test
  void listingTheObjectsFailsRatherThanAnswerEmpty() throws Exception {
    outage((backend, key) -> assertRetryableFault(catchThrowable(backend::listObjects)));
  }

  @Test
  void destroyingAKeyFailsRatherThanDestroyNothing() throws Exception {
    // Otherwise its deletion would go on to drop the metadata, and the token would keep the object.
    outage((backend, key) -> assertRetryableFault(catchThrowable(() -> backend.destroyKey(key))));
  }

  @Test
  void aKeyInUseIsAFaultNotUnavailable() throws Exception {
    outage((backend, key) -> {
      KeyMaterialId unknown = Pkcs11KeyBackendTest.newId();
      assertRetryableFault(catchThrowable(() -> backend.generateDataKey(unknown, 32, AAD)));
    });
  }

  @Test
  void whileAReconnectHangsRequestsAndHealthChecksAnswerAtOnce() throws Exception {
    Duration borrowTimeout = Duration.ofSeconds(2);
    try (Pkcs11KeyBackend backend = Pkcs11KeyBackend.open(token.settings(4, borrowTimeout))) {
      KeyMaterialId key = Pkcs11KeyBackendTest.newId();
      backend.createSymmetricKey(key, "hung reconnect");
      Path away = token.tokenDirectory.resolveSibling(token.tokenDirectory.getFileName() + "-away");
      Files.move(token.tokenDirectory, away);
      CountDownLatch held = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      // The module lock held by another thread, as by a reconnect whose C_Initialize hangs.
      Thread reconnect = new Thread(() -> {
        Lock module = backend.supervisor().moduleLock.writeLock();
        module.lock();
        try {
          held.countDown();
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          module.unlock();
        }
      });
      try {
        assertRetryableFault(catchThrowable(() -> backend.generateDataKey(key, 32, AAD))); // now unreachable
        reconnect.start();
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();

        long start = System.nanoTime();
        assertThat(catchThrowable(() -> backend.generateDataKey(key, 32, AAD)))
            .isInstanceOf(DependencyTimeoutException.class);
        assertThat(backend.isHealthy()).isFalse();
        assertThat(System.nanoTime() - start).as("without waiting for the module")
            .isLessThan(borrowTimeout.toNanos() / 4);
      } finally {
        release.countDown();
        reconnect.join(10_000);
        Files.move(away, token.tokenDirectory);
      }
      long deadline = System.nanoTime() + RECOVERY_BOUND.toNanos();
      while (!backend.isHealthy()) {
        assertThat(System.nanoTime()).as("recovered within the bound").isLessThan(deadline);
        LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      }
      assertThat(backend.generateDataKey(key, 32, AAD).plaintext()).hasSize(32);
    }
  }

  /**
   * Makes a key and a ciphertext, moves the token away, runs {@code firstCall} with the key (the
   * first call to meet the missing token), then checks that everything fails retryably and fast, restores the token and
   * waits (bounded) until the old ciphertext decrypts again.
   */
  private static void outage(BiConsumer<Pkcs11KeyBackend, KeyMaterialId> firstCall) throws IOException {
    try (Pkcs11KeyBackend backend = Pkcs11KeyBackend.open(token.settings(4, Duration.ofSeconds(2)))) {
      KeyMaterialId key = Pkcs11KeyBackendTest.newId();
      backend.createSymmetricKey(key, "outage");
      SealedBytes sealed = backend.encrypt(key, PLAINTEXT, AAD);
      backend.checkTokenObjects(); // the key's handle is cached and checked

      Path away = token.tokenDirectory.resolveSibling(token.tokenDirectory.getFileName() + "-away");
      Files.move(token.tokenDirectory, away);
      try {
        firstCall.accept(backend, key);
        long start = System.nanoTime();
        assertRetryableFault(catchThrowable(() -> backend.generateDataKey(key, 32, AAD)));
        assertRetryableFault(catchThrowable(() -> backend.decrypt(key, sealed.iv(), sealed.ciphertextAndTag(), AAD)));
        assertRetryableFault(catchThrowable(() -> backend.keyExists(key)));
        assertThat(System.nanoTime() - start).as("fails fast").isLessThan(Duration.ofSeconds(2).toNanos());
        assertThat(backend.isHealthy()).isFalse();
        assertThat(backend.tokenSerial()).as("still named while away").isNotBlank();
      } finally {
        Files.move(away, token.tokenDirectory);
      }

      long deadline = System.nanoTime() + RECOVERY_BOUND.toNanos();
      byte[] decrypted = null;
      while (decrypted == null) {
        try {
          decrypted = backend.decrypt(key, sealed.iv(), sealed.ciphertextAndTag(), AAD);
        } catch (KmsException e) {
          assertRetryableFault(e);
          assertThat(System.nanoTime()).as("recovered within the bound").isLessThan(deadline);
          LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
      }
      assertThat(decrypted).isEqualTo(PLAINTEXT);
      assertThat(backend.keyExists(key)).isTrue();
      assertThat(backend.isHealthy()).isTrue();
      assertThat(backend.generateDataKey(key, 32, AAD).plaintext()).hasSize(32);
    }
  }

  /** A retryable 5xx that blames the HSM, never "this key is gone". */
  private static void assertRetryableFault(Throwable thrown) {
    assertThat(thrown).isInstanceOf(KmsException.class).isNotInstanceOf(KeyUnavailableException.class);
    assertThat(((KmsException) thrown).isRetryable()).isTrue();
    assertThat(((KmsException) thrown).httpStatus()).isEqualTo(500);
    assertThat(thrown.getMessage()).doesNotContain(new String(token.userPin));
  }
}
