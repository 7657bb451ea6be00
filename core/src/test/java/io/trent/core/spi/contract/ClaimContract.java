package io.trent.core.spi.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.spi.MetadataStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Claims on scheduled work: of two stores on one database (two nodes), one wins each piece of work. */
interface ClaimContract extends StoreUnderTest {
  Instant CLAIMED_AT = Instant.parse("2025-01-01T00:00:00.000001Z");
  Instant LAPSES_AT = CLAIMED_AT.plus(Duration.ofMinutes(5));

  @Test
  default void oneOfTwoStoresWinsAClaimUntilItIsReleased() {
    assertThat(store().claimWork("key:k1", "node-a", CLAIMED_AT, LAPSES_AT)).isTrue();
    assertThat(peer().claimWork("key:k1", "node-b", CLAIMED_AT, LAPSES_AT)).isFalse();
    // Only the holder's release frees it; another piece of work is free meanwhile.
    peer().releaseWork("key:k1", "node-b");
    assertThat(peer().claimWork("key:k1", "node-b", CLAIMED_AT.plusSeconds(1), LAPSES_AT)).isFalse();
    assertThat(peer().claimWork("key:k2", "node-b", CLAIMED_AT, LAPSES_AT)).isTrue();

    store().releaseWork("key:k1", "node-a");
    assertThat(peer().claimWork("key:k1", "node-b", CLAIMED_AT.plusSeconds(2), LAPSES_AT)).isTrue();
    assertThat(store().claimWork("key:k1", "node-a", CLAIMED_AT.plusSeconds(3), LAPSES_AT)).isFalse();
  }

  @Test
  default void theHolderMayClaimAgainAndAnotherTakesOverOnceTheClaimLapsed() {
    assertThat(store().claimWork("token:t", "node-a", CLAIMED_AT, LAPSES_AT)).isTrue();
    assertThat(store().claimWork("token:t", "node-a", CLAIMED_AT.plusSeconds(1), LAPSES_AT)).isTrue();
    assertThat(peer().claimWork("token:t", "node-b", LAPSES_AT.minusNanos(1_000), LAPSES_AT.plusSeconds(60)))
        .isFalse();
    // Node a died holding it: at its time, the claim is node b's.
    assertThat(peer().claimWork("token:t", "node-b", LAPSES_AT, LAPSES_AT.plusSeconds(60))).isTrue();
    assertThat(store().claimWork("token:t", "node-a", LAPSES_AT, LAPSES_AT.plusSeconds(60))).isFalse();
  }

  @Test
  default void concurrentClaimsOfTwoStoresHaveOneWinnerEach() throws Exception {
    int works = 40;
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      // A lapsed claim of a dead node for half of them: taking over races too, not only inserting.
      for (int i = 0; i < works; i += 2) {
        store().claimWork("key:" + i, "dead-node", CLAIMED_AT.minusSeconds(600), CLAIMED_AT.minusSeconds(300));
      }
      Future<List<Integer>> a = threads.submit(claimAll(store(), "node-a", works));
      Future<List<Integer>> b = threads.submit(claimAll(peer(), "node-b", works));
      List<Integer> won = new ArrayList<>(a.get(120, TimeUnit.SECONDS));
      won.addAll(b.get(120, TimeUnit.SECONDS));
      assertThat(won).hasSize(works).doesNotHaveDuplicates();
    } finally {
      threads.shutdownNow();
    }
  }

  private static Callable<List<Integer>> claimAll(MetadataStore store, String owner, int works) {
    return () -> {
      List<Integer> won = new ArrayList<>();
      for (int i = 0; i < works; i++) {
        if (store.claimWork("key:" + i, owner, CLAIMED_AT, LAPSES_AT)) {
          won.add(i);
        }
      }
      return won;
    };
  }
}
