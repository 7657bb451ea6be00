package io.trent.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;

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
}
