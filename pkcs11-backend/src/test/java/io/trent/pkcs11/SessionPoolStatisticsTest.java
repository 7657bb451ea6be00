package io.trent.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.error.DependencyTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the session pool tells metrics: use, waits and timeouts. */
class SessionPoolStatisticsTest {
  private static SoftHsmToken token;
  private static Pkcs11KeyBackend backend;

  @BeforeAll
  static void openBackend() {
    token = SoftHsmToken.create("pool-stats");
    backend = Pkcs11KeyBackend.open(token.settings());
  }

  @AfterAll
  static void closeBackend() {
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  void countsBorrowsOfTheBackendsCurrentPool() {
    SessionPoolStatistics pool = backend.sessionPool();
    long before = pool.borrows();

    backend.generateRandom(16);
    backend.generateRandom(16);

    assertThat(pool.borrows() - before).isGreaterThanOrEqualTo(2);
    assertThat(pool.size()).isEqualTo(token.settings().sessionPoolSize());
    assertThat(pool.idle()).isBetween(1, pool.size());
    assertThat(pool.inUse()).isBetween(0, pool.size());
    assertThat(pool.waiting()).isZero();
    assertThat(pool.borrowWaitNanos()).isNotNegative();
    assertThat(pool.borrowTimeouts()).isZero();
  }

  @Test
  void aBorrowThatFindsNoSessionInTimeIsCountedWithItsWait() {
    // No session at all: every borrow waits out its timeout, without touching a token.
    Pkcs11SessionPool pool = new Pkcs11SessionPool(null, 0, Duration.ofMillis(20));

    assertThatThrownBy(pool::borrow).isInstanceOf(DependencyTimeoutException.class);

    assertThat(pool.borrowTimeouts()).isEqualTo(1);
    assertThat(pool.borrows()).isZero();
    assertThat(pool.borrowWaitNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
    assertThat(pool.inUse()).isZero();
  }

  @Test
  void withoutAPoolEveryFigureIsZeroRatherThanAFailure() {
    // The backend between losing its token connection and reconnecting: a scrape must still work.
    SessionPoolStatistics away = new CurrentSessionPool(() -> null);

    assertThat(new long[] {away.size(), away.inUse(), away.idle(), away.waiting(), away.borrows(),
        away.borrowWaitNanos(), away.borrowTimeouts()}).containsOnly(0);
  }
}
