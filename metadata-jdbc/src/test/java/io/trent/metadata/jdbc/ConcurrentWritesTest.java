package io.trent.metadata.jdbc;

import static io.trent.metadata.jdbc.SampleKeys.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.key.Alias;
import io.trent.core.key.KmsKey;
import io.trent.core.spi.Page;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentWritesTest {
  private static final int THREADS = 8;
  private static final int KEYS_PER_THREAD = 25;

  @TempDir Path dataDir;
  private JdbcMetadataStore store;
  private ExecutorService executor;

  @BeforeEach
  void open() {
    store = JdbcMetadataStore.openEmbedded(dataDir);
    executor = Executors.newFixedThreadPool(THREADS);
  }

  @AfterEach
  void close() {
    executor.shutdownNow();
    store.close();
  }

  @Test
  void insertsFromEightThreadsAllLand() throws Exception {
    List<String> inserted = new ArrayList<>();
    for (Future<List<String>> future : runTogether(() -> {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < KEYS_PER_THREAD; i++) {
        KmsKey key = SampleKeys.key();
        store.insertKey(key);
        store.insertAlias(new Alias("alias/" + key.keyId(), key.keyId(), T0, T0));
        ids.add(key.keyId());
      }
      return ids;
    })) {
      inserted.addAll(future.get());
    }

    List<String> listed = new ArrayList<>();
    String marker = null;
    do {
      Page<KmsKey> page = store.listKeys(7, marker);
      page.items().forEach(key -> listed.add(key.keyId()));
      marker = page.nextMarker();
    } while (marker != null);
    assertThat(listed).hasSize(THREADS * KEYS_PER_THREAD).containsExactlyInAnyOrderElementsOf(inserted);
    assertThat(store.listAliases(null, 1000, null).items()).hasSize(THREADS * KEYS_PER_THREAD);
  }

  @Test
  void exactlyOneOfConcurrentInsertsOfOneAliasWins() throws Exception {
    store.insertKey(SampleKeys.key("target"));

    int wins = 0;
    for (Future<Boolean> future : runTogether(
        () -> store.insertAlias(new Alias("alias/contended", "target", T0, T0)))) {
      wins += future.get() ? 1 : 0;
    }

    assertThat(wins).isEqualTo(1);
  }

  private <T> List<Future<T>> runTogether(Callable<T> task) {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      futures.add(executor.submit(() -> {
        start.await();
        return task.call();
      }));
    }
    start.countDown();
    return futures;
  }
}
