package io.trent.core.spi.contract;

import static io.trent.core.testing.SampleKeys.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.auth.Principal;
import io.trent.core.auth.PrincipalArn;
import io.trent.core.auth.PrincipalTags;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A principal's tags are stored with it, replaced only when new ones are given, and go with it. */
interface PrincipalTagContract extends StoreUnderTest {
  PrincipalArn TAGGED = PrincipalArn.parse("arn:aws:iam::111122223333:user/tagged");

  @Test
  default void principalTagsSurviveAReopenAndAreReplacedOnlyWhenGiven() {
    store().putPrincipal(new Principal(TAGGED, null, T0, new PrincipalTags(Map.of("team", "crypto", "cost", ""))));
    reopen();
    assertThat(store().findPrincipal(TAGGED.value()).orElseThrow().tags().values())
        .containsExactly(Map.entry("cost", ""), Map.entry("team", "crypto"));

    // Another key issued without --tag keeps them; a policy change too.
    store().putPrincipal(new Principal(TAGGED, "{}", T0.plusSeconds(1)));
    Principal kept = store().findPrincipal(TAGGED.value()).orElseThrow();
    assertThat(kept).isEqualTo(new Principal(TAGGED, "{}", T0, new PrincipalTags(Map.of("team", "crypto", "cost", ""))));

    store().putPrincipal(new Principal(TAGGED, null, T0, new PrincipalTags(Map.of("Team", "web ü"))));
    reopen();
    assertThat(store().findPrincipal(TAGGED.value()).orElseThrow())
        .isEqualTo(new Principal(TAGGED, "{}", T0, new PrincipalTags(Map.of("Team", "web ü"))));
  }

  @Test
  default void removingAPrincipalRemovesItsTags() {
    PrincipalArn other = PrincipalArn.parse("arn:aws:iam::111122223333:role/other");
    store().putPrincipal(new Principal(TAGGED, null, T0, new PrincipalTags(Map.of("team", "crypto"))));
    store().putPrincipal(new Principal(other, null, T0, new PrincipalTags(Map.of("team", "other"))));

    assertThat(store().deletePrincipal(TAGGED.value())).isTrue();
    store().putPrincipal(new Principal(TAGGED, null, T0.plusSeconds(5)));

    assertThat(store().findPrincipal(TAGGED.value())).contains(new Principal(TAGGED, null, T0.plusSeconds(5)));
    assertThat(store().findPrincipal(other.value()).orElseThrow().tags().values())
        .containsExactly(Map.entry("team", "other"));
  }
}
