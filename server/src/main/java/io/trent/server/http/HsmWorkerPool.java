package io.trent.server.http;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed number of threads for blocking HSM work, behind a bounded queue. A full queue refuses
 * work at once (the caller answers ThrottlingException) rather than letting latency grow unbounded.
 */
final class HsmWorkerPool implements AutoCloseable {
  private final ThreadPoolExecutor executor;

  HsmWorkerPool(int threads, int queueCapacity) {
    this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(queueCapacity), new NamedThreads("trent-hsm-"),
        new ThreadPoolExecutor.AbortPolicy());
    executor.prestartAllCoreThreads();
  }

  /** Queues the task; false when the queue is full or the pool is closing. */
  boolean tryExecute(Runnable task) {
    try {
      executor.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /** Refuses new work, then waits for queued and running tasks to finish (up to the timeout). */
  void drain(long timeout, TimeUnit unit) throws InterruptedException {
    executor.shutdown();
    if (!executor.awaitTermination(timeout, unit)) {
      executor.shutdownNow();
    }
  }

  @Override
  public void close() {
    try {
      drain(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Daemon threads with a readable prefix, so thread dumps show which pool is stuck. */
  static final class NamedThreads implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger next = new AtomicInteger(1);

    NamedThreads(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, prefix + next.getAndIncrement());
      t.setDaemon(true);
      return t;
    }
  }
}
