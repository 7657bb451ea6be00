package io.trent.core.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.error.ValidationException;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EncryptionContextTest {
  @Test
  void splitBetweenKeyAndValueGivesADifferentDigest() {
    assertThat(EncryptionContext.of(Map.of("ab", "c")).digest())
        .isNotEqualTo(EncryptionContext.of(Map.of("a", "bc")).digest());
  }

  @Test
  void emptyPairDiffersFromEmptyContext() {
    assertThat(EncryptionContext.of(Map.of("", "")).digest()).isNotEqualTo(EncryptionContext.EMPTY.digest());
  }

  @Test
  void absentAndEmptyContextsAreTheSame() {
    assertThat(EncryptionContext.of(null).digest()).isEqualTo(EncryptionContext.of(Map.of()).digest());
  }

  @Test
  void insertionOrderDoesNotMatter() {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("x", "1");
    a.put("y", "2");
    Map<String, String> b = new LinkedHashMap<>();
    b.put("y", "2");
    b.put("x", "1");
    assertThat(EncryptionContext.of(a).digest()).isEqualTo(EncryptionContext.of(b).digest());
  }

  @Test
  void caseAndSingleBytesMatter() {
    byte[] base = EncryptionContext.of(Map.of("Purpose", "test")).digest();
    assertThat(EncryptionContext.of(Map.of("purpose", "test")).digest()).isNotEqualTo(base);
    assertThat(EncryptionContext.of(Map.of("Purpose", "tesu")).digest()).isNotEqualTo(base);
  }

  @Test
  void canonicalFormIsLengthPrefixedAndSortedByUtf8Bytes() {
    byte[] bytes = EncryptionContext.canonicalBytes(Map.of("b", "2", "a", "1"));
    assertThat(bytes).containsExactly(
        0, 0, 0, 2,
        0, 0, 0, 1, 'a', 0, 0, 0, 1, '1',
        0, 0, 0, 1, 'b', 0, 0, 0, 1, '2');
  }

  @Test
  void aLoneSurrogateIsRefusedNotReplacedByAQuestionMark() {
    for (String bad : new String[] {"\ud800", "\udc00", "a\ud800b", "\ud800\ud800", "x\udbff"}) {
      assertThatThrownBy(() -> EncryptionContext.of(Map.of("k", bad))).as(bad).isInstanceOf(ValidationException.class);
      assertThatThrownBy(() -> EncryptionContext.of(Map.of(bad, "v"))).as(bad).isInstanceOf(ValidationException.class);
    }
  }

  @Test
  void canonicalEncodingRefusesWhatItCannotEncode() {
    // The second line of defence: the canonical form itself never substitutes '?'.
    assertThatThrownBy(() -> EncryptionContext.canonicalBytes(Map.of("k", "\ud800")))
        .isInstanceOf(ValidationException.class);
    assertThat(EncryptionContext.canonicalBytes(Map.of("k", "?"))).isNotEmpty();
  }

  @Test
  void surrogatePairsAreValidUnicode() {
    byte[] emoji = EncryptionContext.of(Map.of("k", "\ud83d\ude00")).digest();
    assertThat(emoji).isNotEqualTo(EncryptionContext.of(Map.of("k", "??")).digest());
  }
}
