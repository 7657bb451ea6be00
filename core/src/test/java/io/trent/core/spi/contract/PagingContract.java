package io.trent.core.spi.contract;

import static io.trent.core.testing.SampleKeys.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.error.InvalidMarkerException;
import io.trent.core.key.AccountRegion;
import io.trent.core.key.Alias;
import io.trent.core.key.KmsKey;
import io.trent.core.spi.Page;
import io.trent.core.testing.SampleKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Listing keys in creation order and aliases in name order, page by page. */
interface PagingContract extends StoreUnderTest {

  @Test
  default void listsSevenKeysByThreeInCreationOrder() {
    List<KmsKey> created = insertKeys(7);

    Page<KmsKey> first = store().listKeys(SampleKeys.HOME, 3, null);
    Page<KmsKey> second = store().listKeys(SampleKeys.HOME, 3, first.nextMarker());
    Page<KmsKey> third = store().listKeys(SampleKeys.HOME, 3, second.nextMarker());

    assertThat(first.items()).containsExactlyElementsOf(created.subList(0, 3));
    assertThat(second.items()).containsExactlyElementsOf(created.subList(3, 6));
    assertThat(third.items()).containsExactlyElementsOf(created.subList(6, 7));
    assertThat(first.nextMarker()).isNotNull();
    assertThat(second.nextMarker()).isNotNull().isNotEqualTo(first.nextMarker());
    assertThat(third.nextMarker()).isNull();
    assertThat(third.truncated()).isFalse();
  }

  @Test
  default void anExactlyFullLastPageHasNoMarker() {
    List<KmsKey> created = insertKeys(6);

    Page<KmsKey> first = store().listKeys(SampleKeys.HOME, 3, null);
    Page<KmsKey> second = store().listKeys(SampleKeys.HOME, 3, first.nextMarker());

    assertThat(second.items()).containsExactlyElementsOf(created.subList(3, 6));
    assertThat(second.nextMarker()).isNull();
    assertThat(store().listKeys(SampleKeys.HOME, 6, null).nextMarker()).isNull();
    assertThat(store().listKeys(SampleKeys.HOME, 100, null).items()).hasSize(6);
  }

  @Test
  default void listsNothingFromAnEmptyStore() {
    assertThat(store().listKeys(SampleKeys.HOME, 5, null)).isEqualTo(new Page<KmsKey>(List.of(), null));
    assertThat(store().listAliases(SampleKeys.HOME, null, 5, null)).isEqualTo(new Page<Alias>(List.of(), null));
  }

  @Test
  default void listsAliasesInNameOrderAllOrOfOneKey() {
    store().insertKey(SampleKeys.key("key-1"));
    store().insertKey(SampleKeys.key("key-2"));
    for (String name : List.of("alias/e", "alias/B", "alias/c", "alias/a", "alias/d-2", "alias/d")) {
      store().insertAlias(new Alias(SampleKeys.HOME, name, name.startsWith("alias/d") || name.equals("alias/a") ? "key-2" : "key-1",
          T0, T0));
    }

    assertThat(names(allPages(null, 4))).containsExactly(
        "alias/B", "alias/a", "alias/c", "alias/d", "alias/d-2", "alias/e");
    assertThat(names(allPages("key-2", 2))).containsExactly("alias/a", "alias/d", "alias/d-2");
    assertThat(store().listAliases(SampleKeys.HOME, "key-2", 3, null).nextMarker()).isNull();
    assertThat(names(allPages("key-1", 1))).containsExactly("alias/B", "alias/c", "alias/e");
    assertThat(store().listAliases(SampleKeys.HOME, "no-such-key", 10, null).items()).isEmpty();
  }

  @Test
  default void rejectsAMarkerItDidNotIssue() {
    insertKeys(2);
    assertThatThrownBy(() -> store().listKeys(SampleKeys.HOME, 1, "garbage!")).isInstanceOf(InvalidMarkerException.class)
        .hasMessage("Invalid marker");
    assertThatThrownBy(() -> store().listAliases(SampleKeys.HOME, null, 1, "garbage!")).isInstanceOf(InvalidMarkerException.class)
        .hasMessage("Invalid marker");
  }

  @Test
  default void listsOneAccountAndRegionPageByPageAndEveryKeyWithoutOne() {
    AccountRegion otherAccount = new AccountRegion("aws", "444455556666", "us-east-1");
    AccountRegion otherRegion = SampleKeys.HOME.withRegion("eu-central-1");
    List<KmsKey> home = new ArrayList<>();
    List<KmsKey> all = new ArrayList<>();
    // Interleaved, so a page of one account and region must skip the others' keys between its own.
    for (int i = 0; i < 4; i++) {
      for (AccountRegion where : List.of(SampleKeys.HOME, otherAccount, otherRegion)) {
        KmsKey key = SampleKeys.key(where, where.accountId() + "-" + where.region() + "-" + i);
        store().insertKey(key);
        all.add(key);
        if (where.equals(SampleKeys.HOME)) {
          home.add(key);
        }
      }
    }
    store().insertAlias(new Alias(SampleKeys.HOME, "alias/b", home.get(0).keyId(), T0, T0));
    store().insertAlias(new Alias(otherAccount, "alias/a", all.get(1).keyId(), T0, T0));
    store().insertAlias(new Alias(otherRegion, "alias/c", all.get(2).keyId(), T0, T0));
    store().insertAlias(new Alias(SampleKeys.HOME, "alias/d", home.get(1).keyId(), T0, T0));

    assertThat(allKeys(SampleKeys.HOME, 3)).containsExactlyElementsOf(home);
    assertThat(allKeys(otherAccount, 1)).extracting(KmsKey::home).containsOnly(otherAccount).hasSize(4);
    assertThat(allKeys(null, 5)).containsExactlyElementsOf(all);
    assertThat(store().listKeys(new AccountRegion("aws", "999999999999", "us-east-1"), 10, null).items()).isEmpty();

    assertThat(store().listAliases(SampleKeys.HOME, null, 1, null).items()).extracting(Alias::name)
        .containsExactly("alias/b");
    Page<Alias> second = store().listAliases(SampleKeys.HOME, null, 1,
        store().listAliases(SampleKeys.HOME, null, 1, null).nextMarker());
    assertThat(second.items()).extracting(Alias::name).containsExactly("alias/d");
    assertThat(second.nextMarker()).isNull();
    assertThat(store().listAliases(otherRegion, null, 10, null).items()).extracting(Alias::name)
        .containsExactly("alias/c");
    // A key of another account and region has no aliases here.
    assertThat(store().listAliases(SampleKeys.HOME, all.get(1).keyId(), 10, null).items()).isEmpty();
  }

  @Test
  default void pagingResumesAfterTheLastItemShownEvenWhenItWasDeleted() {
    List<KmsKey> created = insertKeys(6);
    for (String name : List.of("alias/a", "alias/b", "alias/c", "alias/d", "alias/e")) {
      store().insertAlias(new Alias(SampleKeys.HOME, name, created.get(5).keyId(), T0, T0));
    }
    Page<KmsKey> keys = store().listKeys(SampleKeys.HOME, 2, null);
    Page<Alias> aliases = store().listAliases(SampleKeys.HOME, null, 2, null);
    // Keys and aliases deleted between two pages (DeleteAlias, a deletion's end) move nothing along.
    store().deleteKey(created.get(0).keyId(), T0);
    store().deleteKey(created.get(1).keyId(), T0);
    store().deleteAlias(SampleKeys.HOME, "alias/a");
    store().deleteAlias(SampleKeys.HOME, "alias/b");

    assertThat(store().listKeys(SampleKeys.HOME, 2, keys.nextMarker()).items())
        .containsExactlyElementsOf(created.subList(2, 4));
    assertThat(names(store().listAliases(SampleKeys.HOME, null, 2, aliases.nextMarker()).items()))
        .containsExactly("alias/c", "alias/d");
  }

  @Test
  default void rejectsAMarkerOfAnotherListing() {
    List<KmsKey> created = insertKeys(3);
    for (String name : List.of("alias/a", "alias/b", "alias/c")) {
      store().insertAlias(new Alias(SampleKeys.HOME, name, created.get(0).keyId(), T0, T0));
    }
    String keysMarker = store().listKeys(SampleKeys.HOME, 1, null).nextMarker();
    String aliasesMarker = store().listAliases(SampleKeys.HOME, null, 1, null).nextMarker();

    assertThatThrownBy(() -> store().listKeys(SampleKeys.HOME, 1, aliasesMarker))
        .isInstanceOf(InvalidMarkerException.class).hasMessage("Invalid marker");
    assertThatThrownBy(() -> store().listAliases(SampleKeys.HOME, null, 1, keysMarker))
        .isInstanceOf(InvalidMarkerException.class).hasMessage("Invalid marker");
    for (String forged : List.of("-1", "1", "")) {
      assertThatThrownBy(() -> store().listKeys(SampleKeys.HOME, 1, forged)).isInstanceOf(InvalidMarkerException.class);
    }
  }

  private List<KmsKey> allKeys(AccountRegion home, int limit) {
    List<KmsKey> all = new ArrayList<>();
    String marker = null;
    do {
      Page<KmsKey> page = store().listKeys(home, limit, marker);
      assertThat(page.items()).hasSizeLessThanOrEqualTo(limit).isNotEmpty();
      all.addAll(page.items());
      marker = page.nextMarker();
    } while (marker != null);
    return all;
  }

  private List<KmsKey> insertKeys(int count) {
    // Random UUIDs do not sort in creation order, so the test sees whether listing follows creation.
    List<KmsKey> keys = IntStream.range(0, count).mapToObj(i -> SampleKeys.key()).toList();
    keys.forEach(store()::insertKey);
    return keys;
  }

  private List<Alias> allPages(String targetKeyId, int limit) {
    List<Alias> all = new ArrayList<>();
    String marker = null;
    do {
      Page<Alias> page = store().listAliases(SampleKeys.HOME, targetKeyId, limit, marker);
      assertThat(page.items()).hasSizeLessThanOrEqualTo(limit).isNotEmpty();
      all.addAll(page.items());
      marker = page.nextMarker();
    } while (marker != null);
    return all;
  }

  private static List<String> names(List<Alias> aliases) {
    return aliases.stream().map(Alias::name).toList();
  }
}
