package io.trent.metadata.jdbc;

import static io.trent.core.testing.SampleKeys.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.testing.SampleKeys;
import io.trent.core.grant.GrantConstraints;
import io.trent.core.grant.GrantOperation;
import io.trent.core.grant.KmsGrant;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grants in H2: the per-key limit holds under concurrent inserts (the key row lock). What every store does with
 * grants is in core's {@code GrantContract}.
 */
class GrantStorageTest {
  private static final String ALICE = "arn:aws:iam::111122223333:user/alice";
  private static final String ROOT = "arn:aws:iam::111122223333:root";

  @TempDir Path dataDir;
  private JdbcMetadataStore store;

  @BeforeEach
  void open() {
    store = JdbcMetadataStore.openEmbedded(dataDir);
    store.insertKey(SampleKeys.key("key-1"));
    store.insertKey(SampleKeys.key("key-2"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static KmsGrant grant(String keyId, int n, String grantee, String retiring, GrantConstraints constraints) {
    return new KmsGrant(keyId, String.format("%064x", n), n % 2 == 0 ? "name-" + n : null, T0.plusSeconds(n), grantee,
        retiring, ROOT, List.of(GrantOperation.Encrypt, GrantOperation.Decrypt), constraints);
  }

  @Test
  void theLimitHoldsUnderConcurrentInserts() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int n = 1; n <= 12; n++) {
        KmsGrant g = grant("key-1", n, ALICE, null, GrantConstraints.NONE);
        results.add(pool.submit(() -> store.insertGrant(g, 5)));
      }
      int inserted = 0;
      for (Future<Boolean> r : results) {
        inserted += r.get() ? 1 : 0;
      }
      assertThat(inserted).isEqualTo(5);
      assertThat(store.listGrantsOfKey("key-1")).hasSize(5);
    } finally {
      pool.shutdownNow();
    }
  }
}
