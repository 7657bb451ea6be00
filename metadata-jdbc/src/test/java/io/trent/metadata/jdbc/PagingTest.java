package io.trent.metadata.jdbc;

import static io.trent.core.testing.SampleKeys.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.error.InvalidMarkerException;
import io.trent.core.key.Alias;
import io.trent.core.key.KmsKey;
import io.trent.core.spi.Page;
import io.trent.core.testing.SampleKeys;
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

/** The store's own paging markers (MarkerCodec): only the strings it issued are accepted. */
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
}
