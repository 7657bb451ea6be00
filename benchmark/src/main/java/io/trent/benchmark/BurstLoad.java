package io.trent.benchmark;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A burst: exactly N requests over C keep-alive connections, as fast as the server answers, and the time from the
 * first request to the last answer. wrk cannot send a fixed number of requests (it runs for a duration), and a key
 * pair pool of N pairs is only measured by N requests: fewer leave pairs unused, more measure inline generation.
 * So this is a Java client; it costs more CPU than wrk, which matters less here: the figure is the burst's latency,
 * and the HSM (pool or inline generation), not the client, sets it.
 *
 * <p>Each connection first sends one request that is not counted (a GenerateDataKey, which takes nothing from a
 * pool), so connection set-up is out of the burst; then all connections start together on a latch.
 */
final class BurstLoad {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private BurstLoad() {}

  /**
   * @param opener a request that opens each connection, not counted
   * @param request the burst's request, the same on every connection (signed once: a burst is far shorter than the
   *     server's 5-minute clock skew)
   */
  static Rate run(int port, KmsRequest opener, KmsRequest request, int count, int connections) throws Exception {
    int c = Math.min(connections, count);
    HttpRequest open = http(port, opener);
    HttpRequest send = http(port, request);
    AtomicInteger tickets = new AtomicInteger(count);
    long[] latencies = new long[count];
    AtomicInteger answered = new AtomicInteger();
    LongAdder failed = new LongAdder();
    Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
    CountDownLatch ready = new CountDownLatch(c);
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    List<Exception> setupFailures = new ArrayList<>();
    for (int i = 0; i < c; i++) {
      Thread thread = new Thread(() -> {
        // One client per thread: each holds exactly one HTTP/1.1 keep-alive connection.
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
          HttpResponse<byte[]> first = client.send(open, HttpResponse.BodyHandlers.ofByteArray());
          if (first.statusCode() != 200) {
            throw new IllegalStateException("opening request answered HTTP " + first.statusCode());
          }
        } catch (Exception e) {
          synchronized (setupFailures) {
            setupFailures.add(e);
          }
          ready.countDown();
          return;
        }
        ready.countDown();
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        while (tickets.getAndDecrement() > 0) {
          long start = System.nanoTime();
          try {
            HttpResponse<byte[]> response = client.send(send, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 200) {
              latencies[answered.getAndIncrement()] = System.nanoTime() - start;
            } else {
              failed.increment();
              errorKinds.computeIfAbsent("HTTP " + response.statusCode(), k -> new LongAdder()).increment();
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          } catch (Exception e) {
            failed.increment();
            errorKinds.computeIfAbsent(RateMeter.kind(e), k -> new LongAdder()).increment();
          }
        }
      }, "bench-burst-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
    ready.await();
    if (!setupFailures.isEmpty()) {
      go.countDown();
      tickets.set(0);
      throw new IllegalStateException("A burst connection could not be opened: " + setupFailures.get(0),
          setupFailures.get(0));
    }
    CpuSampler cpu = CpuSampler.start();
    long startNanos = System.nanoTime();
    go.countDown();
    for (Thread thread : threads) {
      // Bounded: every request has a timeout, so a thread ends within count x TIMEOUT at worst.
      thread.join();
    }
    long endNanos = System.nanoTime();
    CpuSampler.Usage usage = cpu.stop();
    int done = answered.get();
    long[] sorted = Arrays.copyOf(latencies, done);
    Arrays.sort(sorted);
    Map<String, Long> kinds = new TreeMap<>();
    errorKinds.forEach((k, v) -> kinds.put(k, v.sum()));
    return usage.rate(done, (endNanos - startNanos) / 1e9, failed.sum(), kinds,
        percentileMillis(sorted, 0.50), percentileMillis(sorted, 0.99), null);
  }

  /** The nearest-rank percentile of sorted nanosecond latencies, in milliseconds; null when there are none. */
  static Double percentileMillis(long[] sortedNanos, double p) {
    if (sortedNanos.length == 0) {
      return null;
    }
    int rank = (int) Math.ceil(p * sortedNanos.length);
    return sortedNanos[Math.max(0, rank - 1)] / 1e6;
  }

  private static HttpRequest http(int port, KmsRequest kms) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
        .POST(HttpRequest.BodyPublishers.ofString(kms.body()))
        .timeout(TIMEOUT);
    kms.headers().forEach(builder::header);
    return builder.build();
  }
}
