package io.trent.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trent.audit.AuditSink;
import io.trent.audit.AuditUnavailableException;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared server's audit trail in these tests (slice E's durable trail replaces it in production): keeps the
 * events appended while a test {@link #capture()}s, and can be made to fail, as a full disk would.
 */
public final class AuditRecorder implements AuditSink {
  private final List<ObjectNode> events = new ArrayList<>();
  private boolean capturing;
  private volatile boolean failing;
  private volatile boolean failingAppends;

  @Override
  public void checkWritable() {
    if (failing) {
      throw new AuditUnavailableException("simulated: the audit directory is gone");
    }
  }

  @Override
  public synchronized void append(ObjectNode event) {
    checkWritable();
    if (failingAppends) {
      throw new AuditUnavailableException("simulated: the disk filled up during the write");
    }
    if (capturing) {
      events.add(event.deepCopy());
    }
  }

  /** Starts keeping events (dropping any kept before). */
  public synchronized Capture capture() {
    events.clear();
    capturing = true;
    return new Capture();
  }

  /** Makes every check and append fail (true) or succeed again (false). */
  public void failing(boolean fail) {
    failing = fail;
  }

  /** Makes appends fail while {@link #checkWritable()} still passes: the trail breaks after the work (true). */
  public void failingAppends(boolean fail) {
    failingAppends = fail;
  }

  /** The events kept since {@link #capture()}; closing stops keeping them. */
  public final class Capture implements AutoCloseable {
    public List<ObjectNode> events() {
      synchronized (AuditRecorder.this) {
        return List.copyOf(events);
      }
    }

    @Override
    public void close() {
      synchronized (AuditRecorder.this) {
        capturing = false;
        events.clear();
      }
      failing = false;
      failingAppends = false;
    }
  }
}
