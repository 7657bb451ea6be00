package io.trent.audit;

import java.util.List;

/**
 * What {@code audit verify} found.
 *
 * @param ok true when every chain and signature checked out
 * @param events event records
 * @param digests digest records
 * @param files trail files
 * @param nodes nodes (chains)
 * @param firstTime the earliest event's time, or null
 * @param lastTime the latest event's time, or null
 * @param uncovered per node, records after the last digest (not yet covered by a signature)
 * @param problem the first bad place and what is wrong there, when not ok
 */
public record VerifyReport(boolean ok, long events, long digests, long files, int nodes, String firstTime,
    String lastTime, List<String> uncovered, String problem) {

  public VerifyReport {
    uncovered = List.copyOf(uncovered);
  }

  static VerifyReport failed(String problem) {
    return new VerifyReport(false, 0, 0, 0, 0, null, null, List.of(), problem);
  }

  /** One line: the counts and time span, or the problem. */
  public String summary() {
    if (!ok) {
      return "audit trail NOT valid: " + problem;
    }
    return "audit trail valid: " + events + " events, " + digests + " digests, " + files + " files, " + nodes
        + " node(s), first " + (firstTime == null ? "-" : firstTime) + ", last " + (lastTime == null ? "-" : lastTime)
        + (uncovered.isEmpty() ? "" : "; NOT YET COVERED: " + String.join("; ", uncovered));
  }
}
