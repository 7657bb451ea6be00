package io.trent.metadata.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.catalog.KeyCatalog;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.testing.SampleKeys;
import io.trent.metadata.jdbc.testing.PostgresExtension;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes' catalogs, each over its own store on one PostgreSQL database, changing one key at the same time (as
 * a TagResource on one node and an UpdateKeyDescription on the other would): every change is kept.
 */
class TwoNodeCatalogTest {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  private static final ServiceIdentity IDENTITY = new ServiceIdentity("aws", "us-east-1", "111122223333");

  @Test
  void concurrentChangesOfOneKeyThroughTwoNodesAreAllKept() throws Exception {
    String url = POSTGRES.newDatabase();
    int each = 40;
    try (JdbcMetadataStore storeA = JdbcMetadataStore.open(url, "", "");
        JdbcMetadataStore storeB = JdbcMetadataStore.open(url, "", "")) {
      KeyCatalog nodeA = new KeyCatalog(storeA, IDENTITY);
      KeyCatalog nodeB = new KeyCatalog(storeB, IDENTITY);
      nodeA.insertKey(SampleKeys.key("shared"));
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService threads = Executors.newFixedThreadPool(2);
      try {
        List<Future<?>> runs = List.of(threads.submit(() -> increment(nodeA, start, each)),
            threads.submit(() -> increment(nodeB, start, each)));
        start.countDown();
        for (Future<?> run : runs) {
          run.get(120, TimeUnit.SECONDS);
        }
      } finally {
        threads.shutdownNow();
      }
      assertThat(storeA.findKey("shared").orElseThrow().onDemandRotations()).isEqualTo(2 * each);
    }
  }

  private static Void increment(KeyCatalog catalog, CountDownLatch start, int times) throws InterruptedException {
    start.await();
    for (int i = 0; i < times; i++) {
      catalog.updateKey("shared", k -> k.withOnDemandRotations(k.onDemandRotations() + 1));
    }
    return null;
  }
}
