package io.trent.server.http;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A fixed number of threads for blocking HSM work, behind a queue bounded twice: by tasks and by
 * the request bytes the tasks hold (from queuing until they finish). Either limit refuses work at
 * once (the caller answers ThrottlingException) rather than letting latency or memory grow: 4096
 * queued requests of the largest size would otherwise hold a gibibyte. A task may finish after its worker is
 * free ({@link #tryExecuteAsync}: a request waiting for its audit event's sync); its bytes count until then.
 */
final class HsmWorkerPool implements AutoCloseable {
  private final ThreadPoolExecutor executor;
  private final int queueCapacity;
  private final long maxBytes;
  private final AtomicLong heldBytes = new AtomicLong();
  // Tasks whose worker returned but whose future has not completed (requests waiting for their audit sync).
  private int unfinished;

  HsmWorkerPool(int threads, int queueCapacity, long maxBytes) {
    this(threads, queueCapacity, maxBytes, "trent-hsm-");
  }

  /** @param threadPrefix names its threads, so that thread dumps and CPU figures tell pools apart */
  HsmWorkerPool(int threads, int queueCapacity, long maxBytes, String threadPrefix) {
    this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(queueCapacity), new NamedThreads(threadPrefix),
        new ThreadPoolExecutor.AbortPolicy());
    this.queueCapacity = queueCapacity;
    this.maxBytes = maxBytes;
    executor.prestartAllCoreThreads();
  }

  /**
   * Queues the task, counting {@code bytes} against the byte bound until it has run; false when
   * the queue is full, the bytes would pass the bound, or the pool is closing.
   */
  boolean tryExecute(Runnable task, int bytes) {
    return tryExecuteAsync(() -> {
      task.run();
      return CompletableFuture.completedFuture(null);
    }, bytes);
  }

  /**
   * As {@link #tryExecute}, for a task that returns while part of its work goes on elsewhere: the worker is free
   * once {@code task} returns, and {@code bytes} count against the bound until the future it returned completes.
   */
  boolean tryExecuteAsync(Supplier<? extends CompletableFuture<?>> task, int bytes) {
    if (!reserve(bytes)) {
      return false;
    }
    try {
      executor.execute(() -> {
        CompletableFuture<?> rest = null;
        try {
          rest = task.get();
        } finally {
          if (rest == null || rest.isDone()) {
            heldBytes.addAndGet(-bytes);
          } else {
            started();
            rest.whenComplete((result, failure) -> {
              heldBytes.addAndGet(-bytes);
              finished();
            });
          }
        }
      });
      return true;
    } catch (RejectedExecutionException e) {
      heldBytes.addAndGet(-bytes);
      return false;
    }
  }

  /** Bytes held by queued and running tasks (for tests and metrics). */
  long heldBytes() {
    return heldBytes.get();
  }

  /** The byte bound ({@code server.hsmQueueBytes}). */
  long maxBytes() {
    return maxBytes;
  }

  /** Tasks waiting for a worker now (metrics). */
  int queued() {
    return executor.getQueue().size();
  }

  /** The count bound of the queue ({@code server.hsmQueueCapacity}). */
  int queueCapacity() {
    return queueCapacity;
  }

  /** Workers running a task now (metrics). */
  int running() {
    return executor.getActiveCount();
  }

  /** The workers ({@code server.hsmWorkers}). */
  int threads() {
    return executor.getMaximumPoolSize();
  }

  /** Tasks whose worker is done but whose response waits (for its audit sync), now (metrics). */
  synchronized int awaitingCompletion() {
    return unfinished;
  }

  private boolean reserve(int bytes) {
    long held;
    do {
      held = heldBytes.get();
      if (held + bytes > maxBytes) {
        return false;
      }
    } while (!heldBytes.compareAndSet(held, held + bytes));
    return true;
  }

  private synchronized void started() {
    unfinished++;
  }

  private synchronized void finished() {
    if (--unfinished == 0) {
      notifyAll();
    }
  }

  /**
   * Refuses new work, then waits for queued and running tasks to finish, and for the futures of finished tasks to
   * complete (responses waiting for their audit sync are then on their way), up to the timeout in all.
   */
  void drain(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    executor.shutdown();
    if (!executor.awaitTermination(timeout, unit)) {
      executor.shutdownNow();
    }
    synchronized (this) {
      long left;
      while (unfinished > 0 && (left = deadline - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
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
