package io.trent.metadata.jdbc;

import static io.trent.core.testing.SampleKeys.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.auth.Principal;
import io.trent.core.auth.PrincipalArn;
import io.trent.core.auth.PrincipalTags;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A principal's tags are stored with it (V11), replaced when new ones are given, and go with it. */
class PrincipalTagStorageTest {
  private static final PrincipalArn ALICE = PrincipalArn.parse("arn:aws:iam::111122223333:user/alice");
  @TempDir Path dataDir;

  @Test
  void tagsSurviveAReopenAndAreReplacedOnlyWhenGiven() {
    try (JdbcMetadataStore store = JdbcMetadataStore.openEmbedded(dataDir)) {
      store.putPrincipal(new Principal(ALICE, null, T0, new PrincipalTags(Map.of("team", "crypto", "cost", ""))));
    }
    try (JdbcMetadataStore store = JdbcMetadataStore.openEmbedded(dataDir)) {
      assertThat(store.findPrincipal(ALICE.value()).orElseThrow().tags().values())
          .containsExactly(Map.entry("cost", ""), Map.entry("team", "crypto"));

      // Another key issued without --tag keeps them; a policy change too.
      store.putPrincipal(new Principal(ALICE, "{}", T0.plusSeconds(1)));
      Principal kept = store.findPrincipal(ALICE.value()).orElseThrow();
      assertThat(kept.tags().values()).containsOnlyKeys("cost", "team");
      assertThat(kept.policy()).isEqualTo("{}");
      assertThat(kept.createdAt()).isEqualTo(T0);

      store.putPrincipal(new Principal(ALICE, null, T0, new PrincipalTags(Map.of("team", "web"))));
      assertThat(store.findPrincipal(ALICE.value()).orElseThrow().tags().values()).containsExactly(Map.entry("team", "web"));
    }
  }

  @Test
  void removingAPrincipalRemovesItsTags() {
    try (JdbcMetadataStore store = JdbcMetadataStore.openEmbedded(dataDir)) {
      store.putPrincipal(new Principal(ALICE, null, T0, new PrincipalTags(Map.of("team", "crypto"))));
      assertThat(store.deletePrincipal(ALICE.value())).isTrue();
      store.putPrincipal(new Principal(ALICE, null, T0));
      assertThat(store.findPrincipal(ALICE.value()).orElseThrow().tags().isEmpty()).isTrue();
    }
  }
}
