package io.trent.metadata.jdbc;

import static io.trent.core.testing.SampleKeys.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.testing.SampleKeys;
import io.trent.core.error.InvalidMarkerException;
import io.trent.core.grant.GrantConstraints;
import io.trent.core.grant.GrantOperation;
import io.trent.core.grant.KmsGrant;
import io.trent.core.spi.Page;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Grants in H2 (V9): round trip with constraints, paging and filters, the per-key limit, deletion with the key. */
class GrantStorageTest {
  private static final String ALICE = "arn:aws:iam::111122223333:user/alice";
  private static final String BOB = "arn:aws:iam::111122223333:user/bob";
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
  void roundTripsEveryFieldWithBothConstraintKinds() {
    KmsGrant equals = grant("key-1", 1, ALICE, BOB, new GrantConstraints(Map.of("a", "1", "b", "2"), null));
    KmsGrant subset = grant("key-1", 2, BOB, null, new GrantConstraints(null, Map.of("dept", "x")));
    KmsGrant plain = grant("key-1", 3, ALICE, null, GrantConstraints.NONE);
    for (KmsGrant g : List.of(equals, subset, plain)) {
      assertThat(store.insertGrant(g, 100)).isTrue();
    }

    assertThat(store.findGrant("key-1", equals.grantId())).contains(equals);
    assertThat(store.findGrant("key-2", equals.grantId())).isEmpty();
    assertThat(store.listGrantsOfKey("key-1")).containsExactly(equals, subset, plain);
    assertThat(store.listGrantsOfKey("key-2")).isEmpty();
  }

  @Test
  void pagesInCreationOrderWithFilters() {
    List<KmsGrant> all = new ArrayList<>();
    for (int n = 1; n <= 5; n++) {
      KmsGrant g = grant("key-1", n, n <= 3 ? ALICE : BOB, n == 5 ? ALICE : null, GrantConstraints.NONE);
      store.insertGrant(g, 100);
      all.add(g);
    }
    store.insertGrant(grant("key-2", 9, ALICE, ALICE, GrantConstraints.NONE), 100);

    Page<KmsGrant> first = store.listGrants("key-1", null, null, 2, null);
    assertThat(first.items()).containsExactly(all.get(0), all.get(1));
    Page<KmsGrant> second = store.listGrants("key-1", null, null, 2, first.nextMarker());
    assertThat(second.items()).containsExactly(all.get(2), all.get(3));
    Page<KmsGrant> last = store.listGrants("key-1", null, null, 2, second.nextMarker());
    assertThat(last.items()).containsExactly(all.get(4));
    assertThat(last.truncated()).isFalse();

    assertThat(store.listGrants("key-1", null, BOB, 10, null).items()).containsExactly(all.get(3), all.get(4));
    assertThat(store.listGrants("key-1", all.get(2).grantId(), null, 10, null).items()).containsExactly(all.get(2));
    assertThat(store.listGrants("key-1", all.get(2).grantId(), BOB, 10, null).items()).isEmpty();

    Page<KmsGrant> retirable = store.listRetirableGrants(ALICE, 1, null);
    assertThat(retirable.items()).containsExactly(all.get(4));
    assertThat(store.listRetirableGrants(ALICE, 1, retirable.nextMarker()).items()).hasSize(1)
        .allMatch(g -> g.keyId().equals("key-2"));

    assertThatThrownBy(() -> store.listGrants("key-1", null, null, 2, "bm90LWEtbWFya2Vy"))
        .isInstanceOf(InvalidMarkerException.class);
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

  @Test
  void deletingAGrantOrItsKeyRemovesIt() {
    KmsGrant kept = grant("key-1", 1, ALICE, null, new GrantConstraints(null, Map.of("a", "b")));
    KmsGrant retired = grant("key-1", 2, ALICE, null, new GrantConstraints(null, Map.of("a", "b")));
    store.insertGrant(kept, 10);
    store.insertGrant(retired, 10);

    assertThat(store.deleteGrant("key-1", retired.grantId())).isTrue();
    assertThat(store.deleteGrant("key-1", retired.grantId())).isFalse();
    assertThat(store.listGrantsOfKey("key-1")).containsExactly(kept);

    store.deleteKey("key-1", T0);
    assertThat(store.findGrant("key-1", kept.grantId())).isEmpty();
  }
}
