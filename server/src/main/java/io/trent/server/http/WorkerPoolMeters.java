package io.trent.server.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The HSM worker pool, read when scraped: tasks queued against the queue's capacity, workers busy against their
 * number, responses waiting for their audit sync, and request bytes held against {@code server.hsmQueueBytes}. A
 * queue near its capacity (or bytes near theirs) means ThrottlingException is next.
 */
final class WorkerPoolMeters implements MeterBinder {
  private final HsmWorkerPool pool;

  WorkerPoolMeters(HsmWorkerPool pool) {
    this.pool = pool;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("trent.hsm.queue.depth", pool, HsmWorkerPool::queued)
        .description("Requests waiting for an HSM worker").register(registry);
    Gauge.builder("trent.hsm.queue.capacity", pool, HsmWorkerPool::queueCapacity)
        .description("The most requests that may wait (server.hsmQueueCapacity)").register(registry);
    Gauge.builder("trent.hsm.queue.bytes", pool, HsmWorkerPool::heldBytes).baseUnit("bytes")
        .description("Request bytes held by waiting and running requests").register(registry);
    Gauge.builder("trent.hsm.queue.max.bytes", pool, HsmWorkerPool::maxBytes).baseUnit("bytes")
        .description("The most request bytes that may be held (server.hsmQueueBytes)").register(registry);
    Gauge.builder("trent.hsm.workers.busy", pool, HsmWorkerPool::running)
        .description("HSM workers running a request now").register(registry);
    Gauge.builder("trent.hsm.workers", pool, HsmWorkerPool::threads)
        .description("HSM worker threads (server.hsmWorkers)").register(registry);
    Gauge.builder("trent.hsm.workers.awaiting.audit", pool, HsmWorkerPool::awaitingCompletion)
        .description("Requests done on a worker whose response waits for its audit event's sync").register(registry);
  }
}
