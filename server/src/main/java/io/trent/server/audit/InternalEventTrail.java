package io.trent.server.audit;

import io.trent.audit.AuditSink;
import io.trent.audit.AuditUnavailableException;
import io.trent.core.audit.InternalEvent;
import io.trent.core.audit.InternalEvents;

/** Core's {@link InternalEvents} over the audit trail: each internal event becomes a service event. */
public final class InternalEventTrail implements InternalEvents {
  private final AuditSink sink;
  private final ServiceEvents events;

  public InternalEventTrail(AuditSink sink, ServiceEvents events) {
    this.sink = sink;
    this.events = events;
  }

  @Override
  public void checkWritable() {
    try {
      sink.checkWritable();
    } catch (AuditUnavailableException e) {
      throw AuditingDispatcher.unavailable(e);
    }
  }

  @Override
  public void record(InternalEvent event) {
    try {
      sink.append(events.of(event));
    } catch (AuditUnavailableException e) {
      throw AuditingDispatcher.unavailable(e);
    }
  }
}
