package io.trent.pkcs11;

import io.trent.core.key.KeyMaterialId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Throwaway measurement of generateDataKey(32): token object vs session copy, one and two threads.
 * Run with {@code mvn -pl pkcs11-backend test -Dtest=ThroughputMeasurement -Dtrent.measure=true}.
 * SoftHSM2 numbers say nothing about a real HSM.
 */
@EnabledIfSystemProperty(named = "trent.measure", matches = "true")
class ThroughputMeasurement {

  private static final long WARM_UP_MILLIS = 1_000;
  private static final long MEASURE_MILLIS = 3_000;

  @Test
  void generateDataKeyThroughput() throws Exception {
    SoftHsmToken token = SoftHsmToken.create("throughput");
    for (int round = 0; round < 2; round++) {
      for (boolean sessionCopies : new boolean[] {false, true}) {
        try (Pkcs11KeyBackend backend = Pkcs11KeyBackend.open(token.settings(), sessionCopies)) {
          KeyMaterialId key = Pkcs11KeyBackendTest.newId();
          backend.createSymmetricKey(key, "throughput");
          for (int threads : new int[] {1, 2}) {
            run(backend, key, threads, WARM_UP_MILLIS);
            double perSecond = run(backend, key, threads, MEASURE_MILLIS) * 1000.0 / MEASURE_MILLIS;
            System.out.printf("round %d  %-13s  %d thread(s): %,9.0f generateDataKey(32)/s%n", round,
                sessionCopies ? "session copy" : "token object", threads, perSecond);
          }
        }
      }
    }
  }

  private static long run(Pkcs11KeyBackend backend, KeyMaterialId key, int threads, long millis)
      throws Exception {
    byte[] aad = "throughput".getBytes(StandardCharsets.UTF_8);
    long deadline = System.nanoTime() + millis * 1_000_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Long>> counts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        counts.add(pool.submit(() -> {
          long done = 0;
          while (System.nanoTime() < deadline) {
            backend.generateDataKey(key, 32, aad);
            done++;
          }
          return done;
        }));
      }
      long total = 0;
      for (Future<Long> count : counts) {
        total += count.get();
      }
      return total;
    } finally {
      pool.shutdownNow();
    }
  }
}
