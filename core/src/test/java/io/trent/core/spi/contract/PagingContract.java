package io.trent.core.spi.contract;

import static io.trent.core.testing.SampleKeys.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.error.InvalidMarkerException;
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
