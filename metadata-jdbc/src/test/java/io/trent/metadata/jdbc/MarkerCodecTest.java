package io.trent.metadata.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MarkerCodecTest {
  @Test
  void keyMarkersRoundTripAndStayUrlSafe() {
    for (long seq : new long[] {1, 42, Long.MAX_VALUE}) {
      String marker = MarkerCodec.afterKey(seq);
      assertThat(marker).matches("[A-Za-z0-9_-]+");
      assertThat(MarkerCodec.keySeq(marker)).isEqualTo(seq);
    }
  }

  @Test
  void aliasMarkersRoundTrip() {
    String name = "alias/" + "x".repeat(250);
    assertThat(MarkerCodec.aliasName(MarkerCodec.afterAlias("alias/a:b/c_d-e"))).isEqualTo("alias/a:b/c_d-e");
    assertThat(MarkerCodec.aliasName(MarkerCodec.afterAlias(name))).isEqualTo(name);
  }
}
