package io.trent.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.error.DependencyTimeoutException;
import io.trent.core.error.KmsException;
import io.trent.core.error.KmsInternalException;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.spi.SealedBytes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Token;

/** Lifecycle and repair: close and reopen, a lost login, a module finalized underneath, pool limits. */
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
