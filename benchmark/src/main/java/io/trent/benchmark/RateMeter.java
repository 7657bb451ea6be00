package io.trent.benchmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fixed-duration, closed-loop throughput measurement: T threads run one operation each in a
 * tight loop, first for a warm-up period (not counted), then for the measured period. The counters
 * are read at both edges of the measured window, so the threads never stop or synchronize in
 * between and the window holds only steady-state work.
 */
final class RateMeter {

  /** One thread's operation; created before the threads start, closed after they stop. */
  interface Operation extends AutoCloseable {
    void run() throws Exception;

    @Override
    default void close() throws Exception {}
  }

  /** Creates thread {@code index}'s operation (its own session, client, ...). */
  @FunctionalInterface
  interface OperationFactory {
    Operation create(int index) throws Exception;
  }

  /** Per-thread counter, padded so two threads' counters never share a cache line. */
  @SuppressWarnings("unused")
  private static final class Counter {
    long p1, p2, p3, p4, p5, p6, p7;
    final AtomicLong done = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    long q1, q2, q3, q4, q5, q6, q7;
  }

  private RateMeter() {}

  static Rate measure(String name, int threads, Duration warmup, Duration duration, OperationFactory factory)
      throws Exception {
    List<Operation> operations = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        operations.add(factory.create(i));
      }
      return run(name, operations, warmup, duration);
    } finally {
      for (Operation operation : operations) {
        try {
          operation.close();
        } catch (Exception e) {
          System.err.println("benchmark: closing " + name + " operation failed: " + e);
        }
      }
    }
  }

  private static Rate run(String name, List<Operation> operations, Duration warmup, Duration duration)
      throws InterruptedException {
    int threads = operations.size();
    Counter[] counters = new Counter[threads];
    Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
    Thread[] workers = new Thread[threads];
    // A volatile read per operation: the only shared state on the hot path.
    StopFlag flag = new StopFlag();
    for (int i = 0; i < threads; i++) {
      Counter counter = counters[i] = new Counter();
      Operation operation = operations.get(i);
      workers[i] = new Thread(() -> {
        while (!flag.stopped) {
          try {
            operation.run();
            counter.done.lazySet(counter.done.get() + 1); // single writer
          } catch (Exception | Error e) {
            counter.failed.incrementAndGet();
            if (errorKinds.size() < 20 || errorKinds.containsKey(kind(e))) {
              errorKinds.computeIfAbsent(kind(e), k -> new LongAdder()).increment();
            }
          }
        }
      }, "bench-" + name + "-" + i);
      workers[i].setDaemon(true);
    }
    for (Thread worker : workers) {
      worker.start();
    }
    Thread.sleep(warmup.toMillis());
    CpuSampler cpu = CpuSampler.start();
    long startNanos = System.nanoTime();
    long doneAtStart = sum(counters, true);
    long failedAtStart = sum(counters, false);
    Thread.sleep(duration.toMillis());
    long doneAtEnd = sum(counters, true);
    long failedAtEnd = sum(counters, false);
    long endNanos = System.nanoTime();
    CpuSampler.Usage usage = cpu.stop();
    flag.stopped = true;
    for (Thread worker : workers) {
      worker.join(30_000);
    }
    double seconds = (endNanos - startNanos) / 1e9;
    long done = doneAtEnd - doneAtStart;
    Map<String, Long> kinds = new TreeMap<>();
    errorKinds.forEach((k, v) -> kinds.put(k, v.sum()));
    return usage.rate(done, seconds, failedAtEnd - failedAtStart, kinds, null, null, null);
  }

  private static final class StopFlag {
    volatile boolean stopped;
  }

  private static long sum(Counter[] counters, boolean done) {
    long total = 0;
    for (Counter counter : counters) {
      total += done ? counter.done.get() : counter.failed.get();
    }
    return total;
  }

  static String kind(Throwable e) {
    String message = e.getMessage();
    String kind = e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    return kind.length() > 160 ? kind.substring(0, 160) : kind;
  }
}
