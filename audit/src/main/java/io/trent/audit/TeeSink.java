package io.trent.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;

/**
 * Two sinks as one: the node's trail first, then an observer (tests record events through it). Both
 * must be writable for a request to proceed, and an event is durable once the first sink took it.
 */
public record TeeSink(AuditSink first, AuditSink second) implements AuditSink {
  @Override
  public void checkWritable() {
    first.checkWritable();
    second.checkWritable();
  }

  @Override
  public void append(ObjectNode event) {
    first.append(event);
    second.append(event);
  }

  /** The observer takes the event once the first sink made it durable, before the caller hears of it. */
  @Override
  public CompletableFuture<Void> appendAsync(ObjectNode event) {
    return first.appendAsync(event).thenRun(() -> second.append(event));
  }
}
