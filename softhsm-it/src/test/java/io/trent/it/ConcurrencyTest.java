package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;

/**
 * 16 clients, each its own SDK client with its own connection on its own thread, x 100
 * (GenerateDataKey + Decrypt): zero errors. The clients do not retry, so any 5xx or
 * throttling would show.
 */
@ExtendWith(TrentExtension.class)
class ConcurrencyTest {
  static final int THREADS = 16;
  static final int ITERATIONS = 100;

  @Test
  void sixteenThreadsGenerateAndDecryptWithoutErrors() throws Exception {
    KeyMetadata k1 = Trent.newKey("concurrency 1");
    KeyMetadata k2 = Trent.newKey("concurrency 2");
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        Callable<Integer> task =
            () -> {
              try (KmsClient kms = Trent.newClient(1)) {
                return generateAndDecrypt(kms, thread % 2 == 0 ? k1 : k2, thread);
              }
            };
        futures.add(pool.submit(task));
      }
      int done = 0;
      List<Throwable> errors = new ArrayList<>();
      for (Future<Integer> f : futures) {
        try {
          done += f.get(150, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          errors.add(e.getCause());
        }
      }
      if (!errors.isEmpty()) {
        AssertionError ae = new AssertionError(errors.size() + " of " + THREADS + " threads failed; first: " + errors.get(0));
        errors.forEach(ae::addSuppressed);
        throw ae;
      }
      assertThat(done).isEqualTo(THREADS * ITERATIONS);
    } finally {
      pool.shutdownNow();
    }
  }

  /** One client's work: GenerateDataKey then Decrypt, ITERATIONS times, checking every answer. */
  private static int generateAndDecrypt(KmsClient kms, KeyMetadata k, int thread) {
    Map<String, String> ctx = Map.of("thread", Integer.toString(thread));
    for (int i = 0; i < ITERATIONS; i++) {
      int n = i;
      GenerateDataKeyResponse g =
          kms.generateDataKey(
              b -> {
                b.keyId(k.keyId()).encryptionContext(ctx);
                if (n % 2 == 0) {
                  b.keySpec(DataKeySpec.AES_256);
                } else {
                  b.numberOfBytes(1 + n);
                }
              });
      if (!g.keyId().equals(k.arn())) {
        throw new AssertionError("thread " + thread + " iteration " + i + ": KeyId " + g.keyId());
      }
      DecryptResponse d = kms.decrypt(b -> b.ciphertextBlob(g.ciphertextBlob()).encryptionContext(ctx));
      byte[] expected = g.plaintext().asByteArray();
      if (expected.length != (n % 2 == 0 ? 32 : 1 + n)
          || !Arrays.equals(d.plaintext().asByteArray(), expected)
          || !d.keyId().equals(k.arn())) {
        throw new AssertionError("thread " + thread + " iteration " + i + ": plaintexts differ");
      }
    }
    return ITERATIONS;
  }
}
