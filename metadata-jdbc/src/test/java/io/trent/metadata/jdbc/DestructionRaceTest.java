package io.trent.metadata.jdbc;

import static io.trent.core.testing.SampleKeys.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.key.KeyState;
import io.trent.core.key.KmsKey;
import io.trent.core.testing.SampleKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CancelKeyDeletion (an updateKey to Disabled) racing with the start of a destruction
 * (beginDestruction): exactly one wins, and the loser learns it (empty or false) instead of
 * succeeding. The pausing driver holds one transaction open, after its UPDATE of the key row, while
 * the other starts on another thread and waits for the row lock.
 */
class DestructionRaceTest {
  private static final Instant DELETION_DATE = T0.plus(Duration.ofDays(7));
  private static final Instant AFTER = DELETION_DATE.plusSeconds(1);

  @TempDir Path dataDir;
  private JdbcMetadataStore store;
  private KmsKey pending;
  private KmsKey cancelled;

  @BeforeEach
  void open() {
    store = JdbcMetadataStore.open(PausingDriver.url(Tables.url(dataDir)), "trent", "");
    pending = SampleKeys.key("doomed").withState(KeyState.PendingDeletion, DELETION_DATE, 7);
    cancelled = pending.withState(KeyState.Disabled, null, null);
    store.insertKey(pending);
  }

  @AfterEach
  void close() {
    store.close();
  }

  /**
   * Starts {@code work} on a new thread and returns once it waits for the row lock this thread's
   * open transaction holds (it cannot finish before that transaction ends).
   */
  private static <T> CompletableFuture<T> startAndAwaitBlocking(Supplier<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        result.complete(work.get());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    }, "racer");
    thread.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!result.isDone() && thread.getState() != Thread.State.TIMED_WAITING
        && thread.getState() != Thread.State.WAITING) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the racing transaction neither finished nor waited");
      }
      Thread.onSpinWait();
    }
    assertThat(result).as("it waits for the open transaction").isNotDone();
    return result;
  }

  @Test
  void aCancelThatLockedTheKeyFirstWinsAndTheDestructionFindsNothingDue() throws Exception {
    AtomicReference<CompletableFuture<Optional<KmsKey>>> destruction = new AtomicReference<>();
    PausingDriver.arm(sql -> sql.startsWith("UPDATE keys SET description"),
        () -> destruction.set(startAndAwaitBlocking(() -> store.beginDestruction("doomed", AFTER))));

    assertThat(store.updateKey(cancelled)).as("the cancel").isTrue();

    assertThat(PausingDriver.armed()).isFalse();
    assertThat(destruction.get().get(30, TimeUnit.SECONDS)).as("the destruction").isEmpty();
    assertThat(store.findKey("doomed")).contains(cancelled);
    assertThat(store.beginDestruction("doomed", AFTER)).isEmpty();
  }

  @Test
  void aDestructionThatLockedTheKeyFirstWinsAndTheCancelChangesNothing() throws Exception {
    AtomicReference<CompletableFuture<Boolean>> cancel = new AtomicReference<>();
    PausingDriver.arm(sql -> sql.startsWith("UPDATE keys SET destruction_begun_at"),
        () -> cancel.set(startAndAwaitBlocking(() -> store.updateKey(cancelled))));

    assertThat(store.beginDestruction("doomed", AFTER)).as("the destruction").contains(pending);

    assertThat(PausingDriver.armed()).isFalse();
    assertThat(cancel.get().get(30, TimeUnit.SECONDS)).as("the cancel").isFalse();
    assertThat(store.findKey("doomed")).contains(pending);
    store.deleteKey("doomed", AFTER);
    assertThat(store.findKey("doomed")).isEmpty();
    assertThat(store.listDestructions("doomed")).hasSize(1);
  }

  @Test
  void aCancelThatReadTheKeyBeforeTheDestructionBeganCannotWriteAfterIt() {
    KmsKey read = store.findKey("doomed").orElseThrow();
    assertThat(store.beginDestruction("doomed", AFTER)).contains(pending);
    assertThat(store.updateKey(read.withState(KeyState.Disabled, null, null))).isFalse();
    assertThat(store.findKey("doomed")).contains(pending);
  }

  @Test
  void onlyADueKeyIsMarkedAndAMarkedOneStaysMarkedUntilDeleted() {
    assertThat(store.beginDestruction("doomed", DELETION_DATE.minusMillis(1))).as("before the date").isEmpty();
    assertThat(store.beginDestruction("ghost", AFTER)).isEmpty();
    assertThat(store.updateKey(pending.withDescription("still changeable"))).isTrue();
    assertThat(store.beginDestruction("doomed", DELETION_DATE)).as("at the date").isPresent();
    // An interrupted destruction resumes: the mark holds, even read with an earlier clock.
    assertThat(store.beginDestruction("doomed", T0)).isPresent();
    store.close();
    store = JdbcMetadataStore.open(PausingDriver.url(Tables.url(dataDir)), "trent", "");
    assertThat(store.updateKey(cancelled)).as("after a reopen").isFalse();
    store.deleteKey("doomed", AFTER);
    assertThat(store.beginDestruction("doomed", AFTER)).isEmpty();
  }
}
