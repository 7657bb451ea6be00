package io.trent.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RepeatedFaultsTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
  private final RepeatedFaults faults = new RepeatedFaults(now::get);

  @Test
  void theFirstOfAKindIsLoggedThenOnePerWindowWithTheCountOfTheOthers() {
    assertThat(faults.admit("KMSInternalException")).isZero();
    assertThat(faults.admit("KMSInternalException")).isEqualTo(-1);
    assertThat(faults.admit("KMSInternalException")).isEqualTo(-1);
    now.addAndGet(RepeatedFaults.WINDOW_NANOS - 1);
    assertThat(faults.admit("KMSInternalException")).isEqualTo(-1);

    now.addAndGet(1);
    assertThat(faults.admit("KMSInternalException")).as("three were quiet").isEqualTo(3);
    assertThat(faults.admit("KMSInternalException")).isEqualTo(-1);
  }

  @Test
  void kindsAreCountedApart() {
    assertThat(faults.admit("KMSInternalException")).isZero();
    assertThat(faults.admit("DependencyTimeoutException")).isZero();
    assertThat(faults.admit("metadata")).isZero();
    assertThat(faults.admit("DependencyTimeoutException")).isEqualTo(-1);
    now.addAndGet(RepeatedFaults.WINDOW_NANOS);
    assertThat(faults.admit("KMSInternalException")).isZero();
    assertThat(faults.admit("DependencyTimeoutException")).isEqualTo(1);
  }
}
