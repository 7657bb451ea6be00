package io.trent.metadata.jdbc;

import static io.trent.metadata.jdbc.SampleKeys.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.error.InvalidMarkerException;
import io.trent.core.key.Alias;
import io.trent.core.key.KmsKey;
import io.trent.core.spi.Page;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PagingTest {
  @TempDir Path dataDir;
  private JdbcMetadataStore store;

  @BeforeEach
  void open() {
    store = JdbcMetadataStore.openEmbedded(dataDir);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void listsSevenKeysByThreeInCreationOrder() {
    List<KmsKey> created = insertKeys(7);

    Page<KmsKey> first = store.listKeys(SampleKeys.HOME, 3, null);
    Page<KmsKey> second = store.listKeys(SampleKeys.HOME, 3, first.nextMarker());
    Page<KmsKey> third = store.listKeys(SampleKeys.HOME, 3, second.nextMarker());

    assertThat(first.items()).containsExactlyElementsOf(created.subList(0, 3));
    assertThat(second.items()).containsExactlyElementsOf(created.subList(3, 6));
    assertThat(third.items()).containsExactlyElementsOf(created.subList(6, 7));
    assertThat(first.nextMarker()).isNotNull();
    assertThat(second.nextMarker()).isNotNull().isNotEqualTo(first.nextMarker());
    assertThat(third.nextMarker()).isNull();
    assertThat(third.truncated()).isFalse();
  }

  @Test
  void anExactlyFullLastPageHasNoMarker() {
    List<KmsKey> created = insertKeys(6);

    Page<KmsKey> first = store.listKeys(SampleKeys.HOME, 3, null);
    Page<KmsKey> second = store.listKeys(SampleKeys.HOME, 3, first.nextMarker());

    assertThat(second.items()).containsExactlyElementsOf(created.subList(3, 6));
    assertThat(second.nextMarker()).isNull();
    assertThat(store.listKeys(SampleKeys.HOME, 6, null).nextMarker()).isNull();
    assertThat(store.listKeys(SampleKeys.HOME, 100, null).items()).hasSize(6);
  }

  @Test
  void listsNothingFromAnEmptyStore() {
    assertThat(store.listKeys(SampleKeys.HOME, 5, null)).isEqualTo(new Page<KmsKey>(List.of(), null));
    assertThat(store.listAliases(SampleKeys.HOME, null, 5, null)).isEqualTo(new Page<Alias>(List.of(), null));
  }

  @Test
  void listsAliasesInNameOrderAllOrOfOneKey() {
    store.insertKey(SampleKeys.key("key-1"));
    store.insertKey(SampleKeys.key("key-2"));
    for (String name : List.of("alias/e", "alias/B", "alias/c", "alias/a", "alias/d-2", "alias/d")) {
      store.insertAlias(new Alias(SampleKeys.HOME, name, name.startsWith("alias/d") || name.equals("alias/a") ? "key-2" : "key-1",
          T0, T0));
    }

    assertThat(names(allPages(null, 4))).containsExactly(
        "alias/B", "alias/a", "alias/c", "alias/d", "alias/d-2", "alias/e");
    assertThat(names(allPages("key-2", 2))).containsExactly("alias/a", "alias/d", "alias/d-2");
    assertThat(store.listAliases(SampleKeys.HOME, "key-2", 3, null).nextMarker()).isNull();
    assertThat(names(allPages("key-1", 1))).containsExactly("alias/B", "alias/c", "alias/e");
    assertThat(store.listAliases(SampleKeys.HOME, "no-such-key", 10, null).items()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "garbage!", "not/a+marker=", "k1:1", "AAAA"})
  void rejectsMarkersItDidNotIssue(String marker) {
    insertKeys(2);
    assertInvalid(() -> store.listKeys(SampleKeys.HOME, 1, marker));
    assertInvalid(() -> store.listAliases(SampleKeys.HOME, null, 1, marker));
  }

  @ParameterizedTest
  @ValueSource(strings = {"k2:1", "x1:1", "k1:", "k1:0", "k1:-1", "k1:+1", "k1:01", "k1:abc",
      "k1:99999999999999999999"})
  void rejectsWellEncodedKeyMarkersWithTheWrongContent(String payload) {
    insertKeys(2);
    assertInvalid(() -> store.listKeys(SampleKeys.HOME, 1, encode(payload)));
  }

  @Test
  void rejectsAMarkerOfTheOtherListingOrWithPadding() {
    insertKeys(2);
    store.insertAlias(new Alias(SampleKeys.HOME, "alias/a", store.listKeys(SampleKeys.HOME, 1, null).items().get(0).keyId(), T0, T0));
    store.insertAlias(new Alias(SampleKeys.HOME, "alias/b", store.listKeys(SampleKeys.HOME, 1, null).items().get(0).keyId(), T0, T0));
    String keysMarker = store.listKeys(SampleKeys.HOME, 1, null).nextMarker();
    String aliasesMarker = store.listAliases(SampleKeys.HOME, null, 1, null).nextMarker();

    assertInvalid(() -> store.listAliases(SampleKeys.HOME, null, 1, keysMarker));
    assertInvalid(() -> store.listKeys(SampleKeys.HOME, 1, aliasesMarker));
    assertInvalid(() -> store.listAliases(SampleKeys.HOME, null, 1, encode("a1:")));
    assertInvalid(() -> store.listKeys(SampleKeys.HOME, 1, Base64.getUrlEncoder().encodeToString("k1:1".getBytes())));
    assertInvalid(() -> store.listKeys(SampleKeys.HOME, 1, Base64.getEncoder().encodeToString(new byte[] {-1, -2, -3})));
  }

  private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(InvalidMarkerException.class).hasMessage("Invalid marker");
  }

  private static String encode(String payload) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8));
  }

  private List<KmsKey> insertKeys(int count) {
    // Random UUIDs do not sort in creation order, so the test sees whether listing follows creation.
    List<KmsKey> keys = IntStream.range(0, count).mapToObj(i -> SampleKeys.key()).toList();
    keys.forEach(store::insertKey);
    return keys;
  }

  private List<Alias> allPages(String targetKeyId, int limit) {
    List<Alias> all = new ArrayList<>();
    String marker = null;
    do {
      Page<Alias> page = store.listAliases(SampleKeys.HOME, targetKeyId, limit, marker);
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
