package io.trent.audit;

import java.nio.charset.StandardCharsets;

/**
 * What a digest record's signature covers, as CloudTrail signs a string of the digest's fields
 * rather than a JSON encoding: the node, the digest's own sequence number and time, the hash of
 * the record just before it (the chain head, which commits to every earlier record), the first
 * record it covers, how many events it covers, and the previous digest's signature.
 *
 * @param node the node whose chain this is
 * @param seq the digest record's sequence number
 * @param time the digest record's time, ISO-8601
 * @param head the hex SHA-256 of the record before the digest
 * @param firstSeq the first record covered (the one after the previous digest)
 * @param events how many event records the digest covers
 * @param previousSignature the previous digest's signature (base64), or null for the node's first digest
 */
public record DigestStatement(String node, long seq, String time, String head, long firstSeq, long events,
    String previousSignature) {

  private static final String VERSION = "trent-audit-digest-1";

  /** The UTF-8 bytes that are signed: the fields one per line, {@code null} for a missing previous signature. */
  public byte[] signedBytes() {
    return String.join("\n", VERSION, node, Long.toString(seq), time, head, Long.toString(firstSeq),
        Long.toString(events), previousSignature == null ? "null" : previousSignature)
        .getBytes(StandardCharsets.UTF_8);
  }
}
