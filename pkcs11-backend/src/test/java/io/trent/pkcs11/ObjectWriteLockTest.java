package io.trent.pkcs11;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.error.DependencyTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ObjectWriteLockTest {

  @Test
  void aWriterThatWaitsTooLongGetsARetryableError() throws Exception {
    ObjectWriteLock lock = new ObjectWriteLock(Duration.ofMillis(50));
    lock.acquire();
    try {
      assertThatThrownBy(() -> CompletableFuture.runAsync(lock::acquire).join())
          .hasCauseInstanceOf(DependencyTimeoutException.class);
    } finally {
      lock.release();
    }
    CompletableFuture.runAsync(() -> {
      lock.acquire();
      lock.release();
    }).join();
  }
}
