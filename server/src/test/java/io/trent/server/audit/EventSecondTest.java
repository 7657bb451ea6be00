package io.trent.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class EventSecondTest {
  @Test
  void isTheInstantTruncatedToItsSecondAndFollowsTheClockAcrossSeconds() {
    Instant start = Instant.parse("2026-12-03T20:34:29.999999999Z");
    for (Instant instant : new Instant[] {start, start.plusNanos(1), start.plusMillis(500), start.minusSeconds(1),
        Instant.parse("1999-12-31T23:59:59.5Z"), Instant.EPOCH, start.plusSeconds(86_400 * 400)}) {
      assertThat(EventSecond.text(instant)).isEqualTo(instant.truncatedTo(ChronoUnit.SECONDS).toString());
    }
    assertThat(EventSecond.text(start)).isEqualTo("2026-12-03T20:34:29Z");
    assertThat(EventSecond.text(start.plusNanos(1))).isEqualTo("2026-12-03T20:34:30Z");
  }
}
