package io.trent.server.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  void aFullBucketAdmitsItsCapacityAtOnceThenOneTokenPerInterval() {
    TokenBucket bucket = new TokenBucket(5, 5, now::get);
    for (int i = 0; i < 5; i++) {
      assertThat(bucket.tryTake()).as("token " + i).isTrue();
    }
    assertThat(bucket.tryTake()).isFalse();
    now.addAndGet(199_999_999L); // just short of one token at 5 per second
    assertThat(bucket.tryTake()).isFalse();
    now.addAndGet(1);
    assertThat(bucket.tryTake()).isTrue();
    assertThat(bucket.tryTake()).isFalse();
  }

  @Test
  void anIdleBucketHoldsNoMoreThanItsCapacity() {
    TokenBucket bucket = new TokenBucket(2, 2, now::get);
    now.addAndGet(3_600_000_000_000L);
    assertThat(bucket.tryTake()).isTrue();
    assertThat(bucket.tryTake()).isTrue();
    assertThat(bucket.tryTake()).isFalse();
  }

  @Test
  void aRateBelowOneIsOneTokenPerSeveralSeconds() {
    TokenBucket bucket = new TokenBucket(0.25, 1, now::get); // GetParametersForImport once in 4 s (older guide)
    assertThat(bucket.tryTake()).isTrue();
    now.addAndGet(3_999_000_000L);
    assertThat(bucket.tryTake()).isFalse();
    now.addAndGet(1_000_000L);
    assertThat(bucket.tryTake()).isTrue();
  }

  @Test
  void overTimeTheAdmittedCountIsTheCapacityPlusTheRateTimesTheTime() {
    TokenBucket bucket = new TokenBucket(100, 100, now::get);
    int admitted = 0;
    // 10 s of 1,000 requests per second, one every millisecond.
    for (int i = 0; i < 10_000; i++) {
      if (bucket.tryTake()) {
        admitted++;
      }
      now.addAndGet(1_000_000L);
    }
    assertThat(admitted).isEqualTo(100 + 100 * 10 - 1); // the last millisecond's token has not come yet
  }
}
