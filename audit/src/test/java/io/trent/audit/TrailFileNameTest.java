package io.trent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrailFileNameTest {
  @Test
  void theNameIsTheNodeAndAnEightDigitIndexAndParsesBack() {
    for (long index : new long[] {1, 9, 10, 12_345_678, 99_999_999, 123_456_789}) {
      TrailFileName name = new TrailFileName("node-a.1", index);
      // The format the trail has always used (String.format before it was made cheaper).
      assertThat(name.fileName()).isEqualTo(String.format("trail-%s-%08d.jsonl", "node-a.1", index));
      if (index < 100_000_000) {
        assertThat(TrailFileName.parse(name.fileName())).contains(name);
      }
    }
  }
}
