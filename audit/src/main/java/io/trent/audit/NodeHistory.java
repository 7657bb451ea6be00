package io.trent.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a node's chain ended when the trail opens: the last record's sequence number and hash, and
 * the last digest's signature, so that the new file continues the chain. A last line without its
 * newline was never acknowledged (a crash mid-write) and is cut off; a damaged complete record stops
 * the start, since continuing after it would hide it.
 */
final class NodeHistory {
  private NodeHistory() {}

  static List<TrailFileName> files(Path dir, String node) throws IOException {
    try (Stream<Path> listing = Files.list(dir)) {
      return listing.map(path -> TrailFileName.parse(path.getFileName().toString()))
          .flatMap(java.util.Optional::stream)
          .filter(name -> node == null || name.node().equals(node))
          .sorted()
          .toList();
    }
  }

  /** The head to continue from; its {@code file} is the node's last file, or null for a new node. */
  static ChainHead read(Path dir, String node, ObjectMapper json) throws IOException {
    List<TrailFileName> files = files(dir, node);
    if (files.isEmpty()) {
      return new ChainHead(0, null, 1, 0, Sha256.GENESIS, 0, 0, null, 0);
    }
    TrailFileName last = files.get(files.size() - 1);
    Path lastPath = dir.resolve(last.fileName());
    byte[] content = Files.readAllBytes(lastPath);
    List<TrailLines.Line> lines = TrailLines.split(content);
    if (!lines.isEmpty() && !lines.get(lines.size() - 1).terminated()) {
      TrailLines.Line torn = lines.remove(lines.size() - 1);
      try (FileChannel channel = FileChannel.open(lastPath, StandardOpenOption.WRITE)) {
        channel.truncate(torn.offset());
        channel.force(true);
      }
    }
    long seq = 0;
    String hash = Sha256.GENESIS;
    if (!lines.isEmpty()) {
      TrailLines.Line line = lines.get(lines.size() - 1);
      seq = integrity(json, content, line, last).path("seq").asLong();
      hash = Sha256.hex(content, line.offset(), line.length());
    }
    // The last digest may be in an earlier file (a crash right after a rotation).
    long events = 0;
    for (int f = files.size() - 1; f >= 0; f--) {
      TrailFileName name = files.get(f);
      byte[] bytes = f == files.size() - 1 ? content : Files.readAllBytes(dir.resolve(name.fileName()));
      List<TrailLines.Line> fileLines = f == files.size() - 1 ? lines : TrailLines.split(bytes);
      for (int i = fileLines.size() - 1; i >= 0; i--) {
        TrailLines.Line line = fileLines.get(i);
        if (!line.terminated()) {
          continue;
        }
        JsonNode integrity = integrity(json, bytes, line, name);
        String type = integrity.path("type").asText();
        if (type.equals("digest")) {
          return new ChainHead(0, last, 0, seq, hash, 0, integrity.path("seq").asLong(),
              integrity.path("digest").path("signature").asText(), events);
        }
        if (type.equals("event")) {
          events++;
        }
      }
    }
    return new ChainHead(0, last, 0, seq, hash, 0, 0, null, events);
  }

  private static JsonNode integrity(ObjectMapper json, byte[] content, TrailLines.Line line, TrailFileName file) {
    try {
      JsonNode integrity = json.readTree(content, line.offset(), line.length()).path("integrity");
      if (!integrity.isObject() || !integrity.path("seq").canConvertToLong()) {
        throw new IOException("no integrity object");
      }
      return integrity;
    } catch (IOException e) {
      throw new IllegalStateException("The audit trail's record " + file + ":" + line.number()
          + " is damaged, so the chain cannot be continued; run 'audit verify' and move the damaged file aside", e);
    }
  }
}
