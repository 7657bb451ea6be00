package io.trent.audit;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of one trail file: {@code trail-<node>-<index>.jsonl}, the index counting from 1 with eight
 * digits, so that a node's files sort in order and a missing one shows as a gap.
 */
record TrailFileName(String node, long index) implements Comparable<TrailFileName> {
  private static final Pattern NAME = Pattern.compile("trail-([A-Za-z0-9._-]+)-(\\d{8})\\.jsonl");

  static Optional<TrailFileName> parse(String name) {
    Matcher matcher = NAME.matcher(name);
    return matcher.matches() ? Optional.of(new TrailFileName(matcher.group(1), Long.parseLong(matcher.group(2))))
        : Optional.empty();
  }

  String fileName() {
    // Concatenation, not String.format: the trail checks its file on every append, and a Formatter per call
    // was the largest Java cost of the audit append in a profile (docs/benchmark.md).
    String digits = Long.toString(index);
    return "trail-" + node + "-" + "0".repeat(Math.max(0, 8 - digits.length())) + digits + ".jsonl";
  }

  TrailFileName next() {
    return new TrailFileName(node, index + 1);
  }

  @Override
  public int compareTo(TrailFileName other) {
    int byNode = node.compareTo(other.node);
    return byNode != 0 ? byNode : Long.compare(index, other.index);
  }

  @Override
  public String toString() {
    return fileName();
  }
}
