package io.trent.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** IAM's rules for principal tags [D iamdoc:id_tags]. */
class PrincipalTagsTest {
  @Test
  void keysAndValuesOfIamsCharactersAreKeptInKeyOrder() {
    PrincipalTags tags = new PrincipalTags(Map.of("team", "crypto ops", "cost-center", "", "a:b/c=d+e@f_g.h", "Ünïcode 1"));
    assertThat(tags.values().keySet()).containsExactly("a:b/c=d+e@f_g.h", "cost-center", "team");
    assertThat(tags.values()).containsEntry("cost-center", "");
  }

  @Test
  void refusesWhatIamRefuses() {
    assertThatThrownBy(() -> new PrincipalTags(Map.of("", "x"))).hasMessageContaining("1 to 128");
    assertThatThrownBy(() -> new PrincipalTags(Map.of("k".repeat(129), "x"))).hasMessageContaining("1 to 128");
    assertThatThrownBy(() -> new PrincipalTags(Map.of("k", "v".repeat(257)))).hasMessageContaining("0 to 256");
    assertThatThrownBy(() -> new PrincipalTags(Map.of("semi;colon", "x"))).hasMessageContaining("letters");
    assertThatThrownBy(() -> new PrincipalTags(Map.of("k", "a*b"))).hasMessageContaining("letters");
    assertThatThrownBy(() -> new PrincipalTags(Map.of("AWS:team", "x"))).hasMessageContaining("reserved");
    assertThatThrownBy(() -> new PrincipalTags(Map.of("Team", "x", "team", "y"))).hasMessageContaining("differ only in case");
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i <= 50; i++) {
      many.put("k" + i, "v");
    }
    assertThatThrownBy(() -> new PrincipalTags(many)).hasMessageContaining("at most 50");
  }

  @Test
  void anAssignmentSplitsAtTheFirstEqualsSign() {
    assertThat(PrincipalTags.parseAssignment("team=a=b")).isEqualTo(Map.entry("team", "a=b"));
    assertThat(PrincipalTags.parseAssignment("empty=")).isEqualTo(Map.entry("empty", ""));
    assertThatThrownBy(() -> PrincipalTags.parseAssignment("team")).hasMessageContaining("Key=Value");
  }
}
