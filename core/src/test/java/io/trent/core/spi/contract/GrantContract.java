package io.trent.core.spi.contract;

import static io.trent.core.testing.SampleKeys.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.error.InvalidMarkerException;
import io.trent.core.error.KmsInternalException;
import io.trent.core.grant.GrantConstraints;
import io.trent.core.grant.GrantOperation;
import io.trent.core.grant.KmsGrant;
import io.trent.core.spi.Page;
import io.trent.core.testing.SampleKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Grants: every field with both constraint kinds, paging and filters, the per-key limit, deletion with the key. */
interface GrantContract extends StoreUnderTest {
  String ALICE = "arn:aws:iam::111122223333:user/alice";
  String BOB = "arn:aws:iam::111122223333:user/bob";

  @Test
  default void roundTripsEveryGrantFieldWithBothConstraintKinds() {
    givenTwoKeys();
    KmsGrant equals = grant("key-1", 1, ALICE, BOB, new GrantConstraints(Map.of("a", "1", "b", "2"), null));
    KmsGrant subset = grant("key-1", 2, BOB, null, new GrantConstraints(null, Map.of("dept", "x")));
    KmsGrant plain = grant("key-1", 3, ALICE, null, GrantConstraints.NONE);
    for (KmsGrant g : List.of(equals, subset, plain)) {
      assertThat(store().insertGrant(g, 100)).isTrue();
    }
    reopen();

    assertThat(store().findGrant("key-1", equals.grantId())).contains(equals);
    assertThat(store().findGrant("key-1", subset.grantId())).contains(subset);
    assertThat(store().findGrant("key-2", equals.grantId())).isEmpty();
    assertThat(store().listGrantsOfKey("key-1")).containsExactly(equals, subset, plain);
    assertThat(store().listGrantsOfKey("key-2")).isEmpty();
    assertThat(store().listGrantsOfKey("no-such-key")).isEmpty();
  }

  @Test
  default void pagesGrantsInCreationOrderWithFilters() {
    givenTwoKeys();
    List<KmsGrant> all = new ArrayList<>();
    for (int n = 1; n <= 5; n++) {
      KmsGrant g = grant("key-1", n, n <= 3 ? ALICE : BOB, n == 5 ? ALICE : null, GrantConstraints.NONE);
      store().insertGrant(g, 100);
      all.add(g);
    }
    store().insertGrant(grant("key-2", 9, ALICE, ALICE, GrantConstraints.NONE), 100);

    Page<KmsGrant> first = store().listGrants("key-1", null, null, 2, null);
    assertThat(first.items()).containsExactly(all.get(0), all.get(1));
    Page<KmsGrant> second = store().listGrants("key-1", null, null, 2, first.nextMarker());
    assertThat(second.items()).containsExactly(all.get(2), all.get(3));
    Page<KmsGrant> last = store().listGrants("key-1", null, null, 2, second.nextMarker());
    assertThat(last.items()).containsExactly(all.get(4));
    assertThat(last.truncated()).isFalse();
    assertThat(store().listGrants("key-1", null, null, 5, null).nextMarker()).isNull();

    assertThat(store().listGrants("key-1", null, BOB, 10, null).items()).containsExactly(all.get(3), all.get(4));
    assertThat(store().listGrants("key-1", all.get(2).grantId(), null, 10, null).items()).containsExactly(all.get(2));
    assertThat(store().listGrants("key-1", all.get(2).grantId(), BOB, 10, null).items()).isEmpty();
    assertThat(store().listGrants("no-such-key", null, null, 10, null)).isEqualTo(new Page<KmsGrant>(List.of(), null));

    Page<KmsGrant> retirable = store().listRetirableGrants(ALICE, 1, null);
    assertThat(retirable.items()).containsExactly(all.get(4));
    Page<KmsGrant> next = store().listRetirableGrants(ALICE, 1, retirable.nextMarker());
    assertThat(next.items()).hasSize(1).allMatch(g -> g.keyId().equals("key-2"));
    assertThat(next.nextMarker()).isNull();
    assertThat(store().listRetirableGrants(BOB, 10, null).items()).isEmpty();
  }

  @Test
  default void pagingResumesAfterTheLastGrantShownEvenWhenItWasDeleted() {
    givenTwoKeys();
    List<KmsGrant> all = new ArrayList<>();
    for (int n = 1; n <= 5; n++) {
      KmsGrant g = grant("key-1", n, ALICE, ALICE, GrantConstraints.NONE);
      store().insertGrant(g, 100);
      all.add(g);
    }
    Page<KmsGrant> first = store().listGrants("key-1", null, null, 2, null);
    Page<KmsGrant> firstRetirable = store().listRetirableGrants(ALICE, 2, null);
    // RetireGrant between two pages: the next page still starts right after the grant shown last.
    store().deleteGrant("key-1", all.get(0).grantId());
    store().deleteGrant("key-1", all.get(1).grantId());

    assertThat(store().listGrants("key-1", null, null, 2, first.nextMarker()).items())
        .containsExactly(all.get(2), all.get(3));
    assertThat(store().listRetirableGrants(ALICE, 2, firstRetirable.nextMarker()).items())
        .containsExactly(all.get(2), all.get(3));
  }

  @Test
  default void rejectsAGrantMarkerItDidNotIssue() {
    givenTwoKeys();
    store().insertGrant(grant("key-1", 1, ALICE, ALICE, GrantConstraints.NONE), 100);
    store().insertGrant(grant("key-1", 2, ALICE, ALICE, GrantConstraints.NONE), 100);
    String keysMarker = store().listKeys(SampleKeys.HOME, 1, null).nextMarker();

    for (String marker : List.of("garbage!", "bm90LWEtbWFya2Vy", "-1", keysMarker)) {
      assertThatThrownBy(() -> store().listGrants("key-1", null, null, 1, marker))
          .isInstanceOf(InvalidMarkerException.class).hasMessage("Invalid marker");
      assertThatThrownBy(() -> store().listRetirableGrants(ALICE, 1, marker))
          .isInstanceOf(InvalidMarkerException.class).hasMessage("Invalid marker");
    }
  }

  @Test
  default void refusesAGrantOverTheLimitAndCountsOnlyItsKeysGrants() {
    givenTwoKeys();
    store().insertGrant(grant("key-2", 10, ALICE, null, GrantConstraints.NONE), 2);
    assertThat(store().insertGrant(grant("key-1", 1, ALICE, null, GrantConstraints.NONE), 2)).isTrue();
    assertThat(store().insertGrant(grant("key-1", 2, ALICE, null, GrantConstraints.NONE), 2)).isTrue();

    assertThat(store().insertGrant(grant("key-1", 3, ALICE, null, GrantConstraints.NONE), 2)).isFalse();
    assertThat(store().listGrantsOfKey("key-1")).hasSize(2);
    // A retired grant makes room again.
    store().deleteGrant("key-1", String.format("%064x", 1));
    assertThat(store().insertGrant(grant("key-1", 3, ALICE, null, GrantConstraints.NONE), 2)).isTrue();
  }

  @Test
  default void refusesAGrantOfAnUnknownKeyOrAReusedId() {
    givenTwoKeys();
    KmsGrant first = grant("key-1", 1, ALICE, null, GrantConstraints.NONE);
    store().insertGrant(first, 100);

    assertThatThrownBy(() -> store().insertGrant(grant("no-such-key", 2, ALICE, null, GrantConstraints.NONE), 100))
        .isInstanceOf(KmsInternalException.class);
    assertThatThrownBy(() -> store().insertGrant(first, 100)).isInstanceOf(KmsInternalException.class);
    assertThat(store().listGrantsOfKey("key-1")).containsExactly(first);
  }

  @Test
  default void deletingAGrantOrItsKeyRemovesIt() {
    givenTwoKeys();
    KmsGrant kept = grant("key-1", 1, ALICE, BOB, new GrantConstraints(null, Map.of("a", "b")));
    KmsGrant retired = grant("key-1", 2, ALICE, BOB, new GrantConstraints(Map.of("a", "b"), null));
    KmsGrant other = grant("key-2", 3, ALICE, BOB, GrantConstraints.NONE);
    store().insertGrant(kept, 10);
    store().insertGrant(retired, 10);
    store().insertGrant(other, 10);

    assertThat(store().deleteGrant("key-2", retired.grantId())).isFalse();
    assertThat(store().deleteGrant("key-1", retired.grantId())).isTrue();
    assertThat(store().deleteGrant("key-1", retired.grantId())).isFalse();
    assertThat(store().listGrantsOfKey("key-1")).containsExactly(kept);

    store().deleteKey("key-1", T0);
    reopen();
    assertThat(store().findGrant("key-1", kept.grantId())).isEmpty();
    assertThat(store().listGrantsOfKey("key-1")).isEmpty();
    assertThat(store().listRetirableGrants(BOB, 10, null).items()).containsExactly(other);
  }

  private void givenTwoKeys() {
    store().insertKey(SampleKeys.key("key-1"));
    store().insertKey(SampleKeys.key("key-2"));
  }

  private static KmsGrant grant(String keyId, int n, String grantee, String retiring, GrantConstraints constraints) {
    return new KmsGrant(keyId, String.format("%064x", n), n % 2 == 0 ? "name-" + n : null, T0.plusSeconds(n), grantee,
        retiring, "arn:aws:iam::111122223333:root", List.of(GrantOperation.Encrypt, GrantOperation.Decrypt),
        constraints);
  }
}
