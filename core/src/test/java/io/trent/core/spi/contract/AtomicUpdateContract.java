package io.trent.core.spi.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.key.KeyState;
import io.trent.core.key.KmsKey;
import io.trent.core.spi.MetadataStore;
import io.trent.core.testing.SampleKeys;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A key changed from what is stored: two stores (two nodes) changing one key at once lose nothing. */
interface AtomicUpdateContract extends StoreUnderTest {
  @Test
  default void changesOfOneKeyThroughTwoStoresAtOnceAreAllKept() throws Exception {
    store().insertKey(SampleKeys.key("counted"));
    int each = 15;
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> runs = List.of(threads.submit(() -> count(store(), each)), threads.submit(() -> count(peer(),
          each)));
      for (Future<?> run : runs) {
        run.get(120, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(store().findKey("counted").orElseThrow().onDemandRotations()).isEqualTo(2 * each);
  }

  @Test
  default void returnsTheKeyAsChangedAndChangesNothingWhenTheChangeThrowsOrTheKeyIsGone() {
    KmsKey key = SampleKeys.key("changed");
    store().insertKey(key);
    KmsKey disabled = store().updateKey("changed", k -> k.withState(KeyState.Disabled, null, null)).orElseThrow();
    assertThat(disabled.state()).isEqualTo(KeyState.Disabled);
    assertThat(store().findKey("changed")).contains(disabled);
    assertThat(store().updateKey("changed", k -> k)).contains(disabled);

    assertThatThrownBy(() -> store().updateKey("changed", k -> {
      throw new IllegalStateException("refused");
    })).hasMessage("refused");
    assertThat(store().findKey("changed")).contains(disabled);

    assertThat(store().updateKey("no-such-key", k -> k.withDescription("x"))).isEmpty();
    Instant now = Instant.parse("2025-01-01T00:00:00Z");
    store().updateKey("changed", k -> k.withState(KeyState.PendingDeletion, now, 7));
    store().beginDestruction("changed", now);
    assertThat(store().updateKey("changed", k -> k.withDescription("too late"))).isEmpty();
    assertThat(store().findKey("changed").orElseThrow().description()).isEqualTo(key.description());
  }

  private static void count(MetadataStore store, int times) {
    for (int i = 0; i < times; i++) {
      store.updateKey("counted", k -> k.withOnDemandRotations(k.onDemandRotations() + 1));
    }
  }
}
