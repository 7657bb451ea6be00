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
    return String.format("trail-%s-%08d.jsonl", node, index);
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
