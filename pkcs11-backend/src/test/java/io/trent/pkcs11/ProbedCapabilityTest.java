package io.trent.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A capability probe that failed is run again later, with back-off, on use or on a health check. */
class ProbedCapabilityTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final AtomicInteger probes = new AtomicInteger();
  private int failures;

  private ProbedCapability<String> capability() {
    return new ProbedCapability<>("a capability", () -> {
      probes.incrementAndGet();
      if (failures-- > 0) {
        throw new IllegalStateException("CKR_DEVICE_ERROR");
      }
      return "found";
    }, now::get);
  }

  private void advance(Duration duration) {
    now.addAndGet(duration.toNanos());
  }

  @Test
  void aFailedProbeIsRetriedOnUseOnceItsBackOffHasPassedAndTheBackOffDoubles() {
    failures = 2;
    ProbedCapability<String> capability = capability();

    assertThat(capability.get()).as("unknown after a failed probe").isNull();
    assertThat(probes).hasValue(1);
    advance(ProbedCapability.FIRST_BACKOFF.minusMillis(1));
    assertThat(capability.get()).isNull();
    assertThat(probes).as("not before the back-off has passed").hasValue(1);

    advance(Duration.ofMillis(1));
    assertThat(capability.get()).isNull();
    assertThat(probes).as("retried, and failed again").hasValue(2);
    advance(ProbedCapability.FIRST_BACKOFF);
    assertThat(capability.get()).isNull();
    assertThat(probes).as("the back-off doubled").hasValue(2);

    advance(ProbedCapability.FIRST_BACKOFF);
    assertThat(capability.get()).isEqualTo("found");
    assertThat(capability.get()).isEqualTo("found");
    assertThat(probes).as("kept once found").hasValue(3);
  }

  @Test
  void theHealthCheckRetriesOnlyAFailedProbe() {
    failures = 1;
    ProbedCapability<String> capability = capability();
    capability.retryIfFailed();
    assertThat(probes).as("a capability never probed is left to its first use").hasValue(0);

    assertThat(capability.get()).isNull();
    capability.retryIfFailed();
    assertThat(probes).as("within the back-off").hasValue(1);
    advance(ProbedCapability.FIRST_BACKOFF);
    capability.retryIfFailed();
    assertThat(probes).hasValue(2);
    assertThat(capability.get()).isEqualTo("found");
  }

  @Test
  void theBackOffStopsGrowingAtItsMaximum() {
    failures = Integer.MAX_VALUE;
    ProbedCapability<String> capability = capability();
    for (int i = 0; i < 20; i++) {
      capability.get();
      advance(ProbedCapability.MAX_BACKOFF);
    }
    assertThat(probes).as("one probe per maximum back-off").hasValue(20);
  }
}
