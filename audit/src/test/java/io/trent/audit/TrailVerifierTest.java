package io.trent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tampering of every kind the issue names makes verify fail at the first bad place; an intact trail passes. */
class TrailVerifierTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FILE1 = "trail-node-a-00000001.jsonl";
  private static final String FILE2 = "trail-node-a-00000002.jsonl";

  @TempDir Path dir;

  private final SoftwareSigner signer = new SoftwareSigner();

  /** Three files of one node: file 1 is [file, e0, e1, e2, digest, e3, digest]; files 2 and 3 after restarts. */
  @BeforeEach
  void writeTrail() {
    MutableClock clock = new MutableClock();
    AuditSettings settings = new AuditSettings(dir, "node-a", 1 << 20, Duration.ofHours(1), Duration.ofSeconds(60));
    int n = 0;
    for (int file = 0; file < 3; file++) {
      try (AuditTrail trail = AuditTrail.open(settings, signer, clock, ChannelOpener.FILES, false)) {
        for (int i = 0; i < 3; i++) {
          trail.append(JSON.createObjectNode().put("eventName", "Decrypt").put("n", n++));
        }
        clock.advance(Duration.ofSeconds(60));
        trail.tick();
        trail.append(JSON.createObjectNode().put("eventName", "Encrypt").put("n", n++));
      }
    }
  }

  private VerifyReport verify() throws IOException {
    return new TrailVerifier(List.of(signer.publicKey())).verify(dir);
  }

  private List<String> lines(String file) throws IOException {
    return new ArrayList<>(Files.readAllLines(dir.resolve(file)));
  }

  private void write(String file, List<String> lines) throws IOException {
    Files.writeString(dir.resolve(file), String.join("\n", lines) + "\n");
  }

  private void assertFailsAt(String place, String what) throws IOException {
    VerifyReport report = verify();
    assertThat(report.ok()).as(report.summary()).isFalse();
    assertThat(report.problem()).startsWith(place + ": ").contains(what);
    assertThat(report.summary()).startsWith("audit trail NOT valid: " + place);
  }

  @Test
  void anIntactTrailVerifies() throws IOException {
    VerifyReport report = verify();
    assertThat(report.ok()).as(report.summary()).isTrue();
    assertThat(report.events()).isEqualTo(12);
    assertThat(report.digests()).isEqualTo(6);
    assertThat(report.files()).isEqualTo(3);
    assertThat(report.uncovered()).isEmpty();
  }

  @Test
  void aModifiedEvent() throws IOException {
    List<String> lines = lines(FILE1);
    lines.set(2, lines.get(2).replace("\"n\":1", "\"n\":7"));
    write(FILE1, lines);
    assertFailsAt(FILE1 + ":3", "record modified");
  }

  @Test
  void aRemovedEvent() throws IOException {
    List<String> lines = lines(FILE1);
    lines.remove(2);
    write(FILE1, lines);
    assertFailsAt(FILE1 + ":3", "missing before this one");
  }

  @Test
  void anInsertedEvent() throws IOException {
    List<String> lines = lines(FILE1);
    lines.add(2, "{\"eventName\":\"Decrypt\",\"n\":100}");
    write(FILE1, lines);
    assertFailsAt(FILE1 + ":3", "inserted");
  }

  @Test
  void anInsertedEventWithAForgedIntegrityObject() throws IOException {
    List<String> lines = lines(FILE1);
    // A copy of line 3 with other content: same sequence number and prev as the record it precedes.
    lines.add(2, lines.get(2).replace("\"n\":1", "\"n\":100"));
    write(FILE1, lines);
    assertFailsAt(FILE1 + ":4", "duplicated or reordered");
  }

  @Test
  void aDuplicatedEvent() throws IOException {
    List<String> lines = lines(FILE1);
    lines.add(3, lines.get(2));
    write(FILE1, lines);
    assertFailsAt(FILE1 + ":4", "duplicated or reordered");
  }

  @Test
  void reorderedEvents() throws IOException {
    List<String> lines = lines(FILE1);
    Collections.swap(lines, 2, 3);
    write(FILE1, lines);
    assertFailsAt(FILE1 + ":3", "removed or reordered");
  }

  @Test
  void aFileMissingFromTheMiddle() throws IOException {
    Files.delete(dir.resolve(FILE2));
    assertFailsAt(FILE2, "file missing");
  }

  @Test
  void aForgedDigestSignature() throws IOException {
    List<String> lines = lines(FILE1);
    // The signature of the file's second digest, put into its first.
    ObjectNode first = (ObjectNode) JSON.readTree(lines.get(4));
    String other = JSON.readTree(lines.get(6)).path("integrity").path("digest").path("signature").asText();
    ((ObjectNode) first.path("integrity").path("digest")).put("signature", other);
    lines.set(4, JSON.writeValueAsString(first));
    write(FILE1, lines);
    // The forged line's own hash changed too, but the signature is checked first.
    assertFailsAt(FILE1 + ":5", "digest signature is not valid");
  }

  @Test
  void aModifiedEventWithTheChainRecomputedIsCaughtByTheNextSignedDigest() throws IOException {
    List<String> lines = lines(FILE1);
    lines.set(2, lines.get(2).replace("\"n\":1", "\"n\":7"));
    String prev = Sha256.hex(lines.get(2).getBytes(StandardCharsets.UTF_8));
    for (int i = 3; i < lines.size(); i++) {
      ObjectNode record = (ObjectNode) JSON.readTree(lines.get(i));
      ((ObjectNode) record.path("integrity")).put("prev", prev);
      lines.set(i, JSON.writeValueAsString(record));
      prev = Sha256.hex(lines.get(i).getBytes(StandardCharsets.UTF_8));
    }
    write(FILE1, lines);
    assertFailsAt(FILE1 + ":5", "digest signature is not valid");
  }

  @Test
  void aMemberAddedToTheLastDigest() throws IOException {
    String file3 = "trail-node-a-00000003.jsonl";
    List<String> lines = lines(file3);
    int last = lines.size() - 1;
    lines.set(last, lines.get(last).replace("\"digest\":{", "\"digest\":{\"note\":\"all fine\","));
    write(file3, lines);
    assertFailsAt(file3 + ":" + (last + 1), "other members");
  }

  @Test
  void aRemovedDigest() throws IOException {
    List<String> lines = lines(FILE1);
    lines.remove(4);
    write(FILE1, lines);
    assertFailsAt(FILE1 + ":5", "missing before this one");
  }

  @Test
  void aTrailCutAfterTheLastDigestIsValidButReportedAsNotCovered() throws IOException {
    String file3 = "trail-node-a-00000003.jsonl";
    List<String> lines = lines(file3);
    write(file3, lines.subList(0, lines.size() - 1)); // the closing digest is cut off
    VerifyReport report = verify();
    assertThat(report.ok()).as(report.summary()).isTrue();
    assertThat(report.uncovered()).singleElement().asString()
        .contains("1 record(s) (1 event(s)) from " + file3 + ":6 on are not yet covered by a signed digest");
    assertThat(report.summary()).contains("NOT YET COVERED");
  }

  @Test
  void aDigestFromAnotherKeyIsRefused() throws IOException {
    VerifyReport report = new TrailVerifier(List.of(new SoftwareSigner().publicKey())).verify(dir);
    assertThat(report.ok()).isFalse();
    assertThat(report.problem()).startsWith(FILE1 + ":5: ").contains("unknown key");
  }
}
