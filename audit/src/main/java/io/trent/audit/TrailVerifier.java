package io.trent.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checks an audit directory offline, with the public keys alone: for every node, its files form an
 * unbroken sequence from {@code 00000001}, every record continues the hash chain with the next
 * sequence number, and every digest's signature is valid and names the previous digest's. Stops at
 * the first bad place and names it ({@code file:line}).
 */
public final class TrailVerifier {
  private static final Set<String> ALGORITHMS = Set.of("SHA256withECDSA", "SHA256withRSA");
  private static final Set<String> INTEGRITY_MEMBERS = Set.of("type", "node", "seq", "time", "prev", "digest");
  private static final Set<String> DIGEST_MEMBERS = Set.of("firstSeq", "events", "previousSignature",
      "publicKeyFingerprint", "signatureAlgorithm", "signature");
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, PublicKey> keys = new HashMap<>();

  /** @param publicKeys DER SubjectPublicKeyInfo of every key digests may be signed with */
  public TrailVerifier(List<byte[]> publicKeys) {
    for (byte[] der : publicKeys) {
      keys.put(PublicKeyPem.fingerprint(der), PublicKeyPem.toKey(der));
    }
  }

  /** The public keys the trail wrote into its directory ({@code public-key*.pem}). */
  public static List<byte[]> publicKeysIn(Path dir) throws IOException {
    List<byte[]> found = new ArrayList<>();
    try (Stream<Path> listing = Files.list(dir)) {
      for (Path file : listing.filter(p -> p.getFileName().toString().matches("public-key.*\\.pem")).sorted()
          .toList()) {
        found.addAll(PublicKeyPem.decodeAll(Files.readString(file)));
      }
    }
    return found;
  }

  /** Found a problem at a place: the verification stops there. */
  private static final class Broken extends Exception {
    Broken(String place, String what) {
      super(place + ": " + what, null, false, false);
    }
  }

  public VerifyReport verify(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return VerifyReport.failed("no audit directory " + dir);
    }
    Map<String, List<TrailFileName>> byNode = new LinkedHashMap<>();
    for (TrailFileName name : NodeHistory.files(dir, null)) {
      byNode.computeIfAbsent(name.node(), node -> new ArrayList<>()).add(name);
    }
    if (byNode.isEmpty()) {
      return VerifyReport.failed("no trail files (trail-<node>-<n>.jsonl) in " + dir);
    }
    Totals totals = new Totals();
    try {
      for (Map.Entry<String, List<TrailFileName>> node : byNode.entrySet()) {
        verifyNode(dir, node.getKey(), node.getValue(), totals);
      }
    } catch (Broken e) {
      return VerifyReport.failed(e.getMessage());
    }
    return new VerifyReport(true, totals.events, totals.digests, totals.files, byNode.size(), totals.first,
        totals.last, totals.uncovered, null);
  }

  /** What the verification counted. */
  private static final class Totals {
    long events;
    long digests;
    long files;
    String first;
    String last;
    final List<String> uncovered = new ArrayList<>();
  }

  private void verifyNode(Path dir, String node, List<TrailFileName> files, Totals totals) throws Broken, IOException {
    long seq = 0;
    String hash = Sha256.GENESIS;
    String lastSignature = null;
    long lastDigestSeq = 0;
    long eventsSinceDigest = 0;
    String lastPlace = null;
    String firstUncovered = null;
    long expectedIndex = 1;
    for (int f = 0; f < files.size(); f++) {
      TrailFileName name = files.get(f);
      if (name.index() != expectedIndex) {
        throw new Broken(new TrailFileName(node, expectedIndex).fileName(), "file missing"
            + (expectedIndex == 1 ? " (the node's first file)" : " (between " + files.get(f - 1) + " and " + name + ")"));
      }
      expectedIndex++;
      totals.files++;
      byte[] content = Files.readAllBytes(dir.resolve(name.fileName()));
      List<TrailLines.Line> lines = TrailLines.split(content);
      if (lines.isEmpty()) {
        throw new Broken(name + ":1", "empty file (its first record was removed)");
      }
      boolean lastFile = f == files.size() - 1;
      for (TrailLines.Line line : lines) {
        String place = name + ":" + line.number();
        if (!line.terminated()) {
          if (lastFile) {
            // A write cut short by a crash: never acknowledged, and cut off when the node starts again.
            totals.uncovered.add(place + " is an incomplete record (a write cut short)");
            break;
          }
          throw new Broken(place, "incomplete record in the middle of the trail");
        }
        JsonNode record;
        try {
          record = json.readTree(content, line.offset(), line.length());
        } catch (IOException e) {
          throw new Broken(place, "not a JSON object (record modified)");
        }
        JsonNode integrity = record == null ? null : record.path("integrity");
        if (integrity == null || !integrity.isObject()) {
          throw new Broken(place, "no integrity object (record inserted or modified)");
        }
        long recordSeq = integrity.path("seq").asLong(-1);
        if (!node.equals(integrity.path("node").asText())) {
          throw new Broken(place, "record of node '" + integrity.path("node").asText() + "' in node " + node
              + "'s file (record moved or inserted)");
        }
        if (recordSeq != seq + 1) {
          throw new Broken(place, recordSeq <= seq
              ? "sequence number " + recordSeq + " after " + seq + " (record duplicated or reordered)"
              : "sequence number " + recordSeq + " after " + seq + " (" + (recordSeq - seq - 1)
                  + " record(s) missing before this one: removed or reordered)");
        }
        if (!hash.equals(integrity.path("prev").asText())) {
          throw new Broken(lastPlace == null ? place : lastPlace, lastPlace == null
              ? "the node's first record does not start the chain (modified)"
              : "record modified: its hash does not match 'prev' of the next record " + place);
        }
        String type = integrity.path("type").asText();
        boolean first = line.number() == 1;
        if (first != type.equals("file")) {
          throw new Broken(place, first ? "a file must start with its 'file' record (records removed or moved)"
              : "a 'file' record inside a file (record inserted)");
        }
        if (first && !name.fileName().equals(integrity.path("file").asText())) {
          throw new Broken(place, "the file was renamed from " + integrity.path("file").asText());
        }
        switch (type) {
          case "event" -> {
            eventsSinceDigest++;
            totals.events++;
            String time = integrity.path("time").asText();
            if (totals.first == null || time.compareTo(totals.first) < 0) {
              totals.first = time;
            }
            if (totals.last == null || time.compareTo(totals.last) > 0) {
              totals.last = time;
            }
          }
          case "digest" -> {
            checkDigest(place, record, node, recordSeq, hash, integrity, lastDigestSeq, eventsSinceDigest, lastSignature);
            lastSignature = integrity.path("digest").path("signature").asText();
            lastDigestSeq = recordSeq;
            eventsSinceDigest = 0;
            totals.digests++;
            firstUncovered = null;
          }
          case "file" -> { }
          default -> throw new Broken(place, "unknown record type '" + type + "'");
        }
        if (!type.equals("digest") && firstUncovered == null) {
          firstUncovered = place;
        }
        seq = recordSeq;
        hash = Sha256.hex(content, line.offset(), line.length());
        lastPlace = place;
      }
    }
    if (firstUncovered != null) {
      totals.uncovered.add("node " + node + ": " + (seq - lastDigestSeq) + " record(s) (" + eventsSinceDigest
          + " event(s)) from " + firstUncovered + " on are not yet covered by a signed digest");
    }
  }

  private static Set<String> names(JsonNode node) {
    Set<String> names = new java.util.HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private void checkDigest(String place, JsonNode record, String node, long seq, String head, JsonNode integrity,
      long lastDigestSeq,
      long events, String lastSignature) throws Broken {
    JsonNode digest = integrity.path("digest");
    // Exactly the members the trail writes: a node's last digest has no successor whose 'prev' would
    // show an added member, and the signature covers the values, not the record's bytes.
    if (record.size() != 1 || !names(integrity).equals(INTEGRITY_MEMBERS) || !names(digest).equals(DIGEST_MEMBERS)) {
      throw new Broken(place, "digest record has other members than the trail writes (digest altered)");
    }
    String previous = digest.path("previousSignature").isNull() ? null : digest.path("previousSignature").asText(null);
    if (digest.path("firstSeq").asLong(-1) != lastDigestSeq + 1) {
      throw new Broken(place, "digest covers from record " + digest.path("firstSeq").asText() + ", not from "
          + (lastDigestSeq + 1) + " (digest altered)");
    }
    if (digest.path("events").asLong(-1) != events) {
      throw new Broken(place, "digest counts " + digest.path("events").asText() + " events, the chain has " + events
          + " (digest altered)");
    }
    if (!java.util.Objects.equals(previous, lastSignature)) {
      throw new Broken(place, "digest does not name the previous digest's signature (a digest removed or forged)");
    }
    PublicKey key = keys.get(digest.path("publicKeyFingerprint").asText());
    if (key == null) {
      throw new Broken(place, "digest signed with an unknown key (fingerprint "
          + digest.path("publicKeyFingerprint").asText() + "); pass its public key");
    }
    String algorithm = digest.path("signatureAlgorithm").asText();
    if (!ALGORITHMS.contains(algorithm)) {
      throw new Broken(place, "unknown signature algorithm '" + algorithm + "'");
    }
    DigestStatement statement = new DigestStatement(node, seq, integrity.path("time").asText(), head,
        lastDigestSeq + 1, events, lastSignature);
    boolean valid;
    try {
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(key);
      verifier.update(statement.signedBytes());
      valid = verifier.verify(Base64.getDecoder().decode(digest.path("signature").asText()));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      valid = false;
    }
    if (!valid) {
      throw new Broken(place, "digest signature is not valid (digest forged, or the records it covers altered)");
    }
  }
}
