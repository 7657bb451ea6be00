package io.trent.metadata.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.trent.core.key.Alias;
import io.trent.core.spi.MetadataUnavailableException;
import io.trent.core.testing.SampleKeys;
import io.trent.metadata.jdbc.testing.PostgresServer;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * PostgreSQL stopped under a running store: every call fails with the store's retryable error within
 * its bound, never hangs, and the store works again by itself once the database is back. Its own
 * cluster, since it stops it.
 */
class PostgresOutageTest {
  private static final StoreSettings QUICK = new StoreSettings(2, Duration.ofSeconds(1), Duration.ofSeconds(2));
  /** The connection timeout, a statement timeout and room for a loaded machine; far below a hang. */
  private static final Duration BOUND = Duration.ofSeconds(10);

  private static PostgresServer postgres;

  @BeforeAll
  static void start() {
    postgres = PostgresServer.start();
  }

  @AfterAll
  static void stop() {
    postgres.close();
  }

  @Test
  void failsWithinItsBoundWhileTheDatabaseIsDownAndRecoversWhenItIsBack() {
    String url = postgres.newDatabase();
    try (JdbcMetadataStore store = JdbcMetadataStore.open(url, "", "", QUICK)) {
      store.insertKey(SampleKeys.key("before"));
      store.insertAlias(new Alias(SampleKeys.HOME, "alias/before", "before", SampleKeys.T0, SampleKeys.T0));

      postgres.stop();
      try {
        // Pooled connections the shutdown broke, then no connection at all: both are the retryable error.
        for (int i = 0; i < 3; i++) {
          assertUnavailableWithinBound(() -> store.findKey("before"));
        }
        assertUnavailableWithinBound(() -> store.insertKey(SampleKeys.key("during")));
        assertUnavailableWithinBound(() -> store.listAliases(SampleKeys.HOME, null, 10, null));
        // What GET /health asks.
        assertUnavailableWithinBound(store::checkAvailable);
      } finally {
        postgres.startAgain();
      }
      pollUntilAvailable(() -> {
        store.checkAvailable();
        return null;
      });

      Optional<?> found = pollUntilAvailable(() -> store.findKey("before"));
      assertThat(found).isPresent();
      store.insertKey(SampleKeys.key("after"));
      assertThat(store.findKey("after")).isPresent();
      assertThat(store.findKey("during")).isEmpty();
      assertThat(store.findAlias(SampleKeys.HOME, "alias/before")).isPresent();
    }
  }

  @Test
  void failsWithinItsBoundWhileTheDatabaseHangsAndRecoversWhenItAnswersAgain() {
    String url = postgres.newDatabase();
    try (JdbcMetadataStore store = JdbcMetadataStore.open(url, "", "", QUICK)) {
      store.insertKey(SampleKeys.key("before"));

      postgres.freeze();
      try {
        // Open connections that get no answer (the socket timeout), then new ones that cannot log in.
        for (int i = 0; i < 3; i++) {
          assertUnavailableWithinBound(() -> store.findKey("before"));
        }
        assertUnavailableWithinBound(() -> store.insertKey(SampleKeys.key("during")));
      } finally {
        postgres.thaw();
      }

      assertThat(pollUntilAvailable(() -> store.findKey("before"))).isPresent();
      store.insertKey(SampleKeys.key("after"));
      assertThat(store.findKey("after")).isPresent();
    }
  }

  @Test
  void refusesToOpenWithinItsBoundWhenTheDatabaseIsDown() {
    String url = postgres.newDatabase();
    postgres.stop();
    try {
      assertUnavailableWithinBound(() -> JdbcMetadataStore.open(url, "", "", QUICK).close());
    } finally {
      postgres.startAgain();
    }
  }

  /** Preemptively: a call that hangs (the fault this guards against) fails the test at the bound. */
  private static void assertUnavailableWithinBound(Executable call) {
    assertTimeoutPreemptively(BOUND, () -> assertThatThrownBy(call::execute)
        .isInstanceOf(MetadataUnavailableException.class)
        .hasMessageStartingWith("The metadata database is unavailable")
        .hasMessageNotContaining("jdbc:"));
  }

  /** Polls with a deadline: HikariCP replaces broken connections in the background. */
  private static <T> T pollUntilAvailable(java.util.function.Supplier<T> call) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        return call.get();
      } catch (MetadataUnavailableException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("The store did not recover within 30 s of the database's return", e);
        }
        Thread.onSpinWait();
      }
    }
  }
}
