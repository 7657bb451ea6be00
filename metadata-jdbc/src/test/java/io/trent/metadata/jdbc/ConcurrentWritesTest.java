package io.trent.metadata.jdbc;

import static io.trent.core.testing.SampleKeys.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.key.Alias;
import io.trent.core.key.KeyDestruction;
import io.trent.core.key.KeyMaterial;
import io.trent.core.key.KmsKey;
import io.trent.core.key.RotationType;
import io.trent.core.key.Tag;
import io.trent.core.spi.Page;
import io.trent.core.testing.SampleKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentWritesTest {
  private static final int THREADS = 8;
  private static final int KEYS_PER_THREAD = 25;
  /** Writers of the one-key test: few, so readers get pooled connections between their syncs. */
  private static final int WRITERS = 2;

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
        store.insertAlias(new Alias(SampleKeys.HOME, "alias/" + key.keyId(), key.keyId(), T0, T0));
        ids.add(key.keyId());
      }
      return ids;
    })) {
      inserted.addAll(future.get());
    }

    List<String> listed = new ArrayList<>();
    String marker = null;
    do {
      Page<KmsKey> page = store.listKeys(SampleKeys.HOME, 7, marker);
      page.items().forEach(key -> listed.add(key.keyId()));
      marker = page.nextMarker();
    } while (marker != null);
    assertThat(listed).hasSize(THREADS * KEYS_PER_THREAD).containsExactlyInAnyOrderElementsOf(inserted);
    assertThat(store.listAliases(SampleKeys.HOME, null, 1000, null).items()).hasSize(THREADS * KEYS_PER_THREAD);
  }

  @Test
  void exactlyOneOfConcurrentInsertsOfOneAliasWins() throws Exception {
    store.insertKey(SampleKeys.key("target"));

    int wins = 0;
    for (Future<Boolean> future : runTogether(
        () -> store.insertAlias(new Alias(SampleKeys.HOME, "alias/contended", "target", T0, T0)))) {
      wins += future.get() ? 1 : 0;
    }

    assertThat(wins).isEqualTo(1);
  }

  @Test
  void concurrentUpdatesOfOneKeyAreNeverSeenHalfDone() throws Exception {
    store.insertKey(version(1));
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger writersLeft = new AtomicInteger(WRITERS);
    AtomicInteger reads = new AtomicInteger();
    List<Future<Object>> futures = runTogether(new Callable<>() {
      private final AtomicInteger started = new AtomicInteger();

      @Override
      public Object call() {
        int worker = started.getAndIncrement();
        if (worker < WRITERS) {
          try {
            for (int i = 0; i < 60; i++) {
              store.updateKey(version((worker + 1) * 1000 + i));
            }
          } finally {
            if (writersLeft.decrementAndGet() == 0) {
              writing.set(false);
            }
          }
        } else {
          do {
            assertWholeVersion(store.findKey("contended").orElseThrow());
            store.findKeysWithMaintenanceDue(T0).forEach(ConcurrentWritesTest::assertWholeVersion);
            store.listKeys(SampleKeys.HOME, 10, null).items().forEach(ConcurrentWritesTest::assertWholeVersion);
            reads.incrementAndGet();
          } while (writing.get());
        }
        return null;
      }
    });
    for (Future<Object> future : futures) {
      future.get(120, TimeUnit.SECONDS);
    }

    assertThat(reads.get()).isPositive();
    assertWholeVersion(store.findKey("contended").orElseThrow());
  }

  @Test
  void aReadSpanningAnUpdatesCommitSeesOnlyTheVersionItStartedOn() throws Exception {
    KmsKey before = version(2);
    KmsKey after = version(3);
    try (JdbcMetadataStore paused = JdbcMetadataStore.open(
        PausingDriver.url(Tables.url(dataDir.resolve("paused"))), "trent", "")) {
      paused.insertKey(before);
      // After the reader's keys query, before its materials query, an update of every table commits.
      PausingDriver.arm(sql -> sql.startsWith("SELECT k.seq"), () -> {
        try {
          executor.submit(() -> paused.updateKey(after)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });

      KmsKey read = paused.findKey("contended").orElseThrow();

      assertThat(PausingDriver.armed()).as("the update ran mid-read").isFalse();
      assertThat(read).isEqualTo(before);
      assertThat(paused.findKey("contended")).contains(after);
    }
  }

  @Test
  void aDeletionRacingUpdatesRecordsTheMaterialsOfTheLastUpdate() throws Exception {
    KmsKey initial = SampleKeys.key("raced");
    store.insertKey(initial);
    CountDownLatch someUpdatesDone = new CountDownLatch(5);
    Future<KmsKey> writer = executor.submit(() -> {
      KmsKey last = initial;
      for (int i = 1; ; i++) {
        KmsKey next = last.withNewCurrentMaterial(
            new KeyMaterial(SampleKeys.materialId(i), T0.plusSeconds(i), true, RotationType.ON_DEMAND, i));
        if (!store.updateKey(next)) {
          return last; // deleted
        }
        last = next;
        someUpdatesDone.countDown();
      }
    });
    assertThat(someUpdatesDone.await(60, TimeUnit.SECONDS)).isTrue();

    store.deleteKey("raced", T0);
    KmsKey lastStored = writer.get(60, TimeUnit.SECONDS);

    assertThat(store.findKey("raced")).isEmpty();
    assertThat(store.listDestructions("raced")).extracting(KeyDestruction::materialId)
        .containsExactlyElementsOf(lastStored.materials().stream().map(KeyMaterial::id).toList());
    assertThat(store.updateKey(lastStored)).isFalse();
  }

  /** A key whose every mutable field says which version {@code v} wrote it. */
  private static KmsKey version(int v) {
    List<KeyMaterial> materials = new ArrayList<>();
    // Odd and even versions differ in size, so a read mixing two of them shows.
    int size = v % 2 == 0 ? 1 : 16;
    for (int i = 0; i < size; i++) {
      materials.add(new KeyMaterial(SampleKeys.materialId(v * 32 + i), T0, i == size - 1,
          i == 0 ? null : RotationType.AUTOMATIC, v));
    }
    List<Tag> tags = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      tags.add(new Tag("tag-" + i, String.valueOf(v)));
    }
    return SampleKeys.key("contended").withDescription(String.valueOf(v)).withMaterials(materials).withTags(tags)
        .withRotation(v, T0)
        .withOnDemandRotations(v);
  }

  private static void assertWholeVersion(KmsKey key) {
    int v = key.onDemandRotations();
    assertThat(key).isEqualTo(version(v));
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
