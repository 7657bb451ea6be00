package io.trent.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditTrailTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;

  private final MutableClock clock = new MutableClock();
  private final SoftwareSigner signer = new SoftwareSigner();
  private final FaultyChannels channels = new FaultyChannels();

  private Path dir() {
    return dataDir.resolve("audit");
  }

  private AuditTrail open(long maxFileBytes) {
    return AuditTrail.open(new AuditSettings(dir(), "node-a", maxFileBytes, Duration.ofHours(1),
        Duration.ofSeconds(60)), signer, clock, channels, false);
  }

  /** A trail in interval mode; with an interval of a minute its timer does not sync during a test. */
  private AuditTrail openInterval(Duration syncInterval) {
    return AuditTrail.open(new AuditSettings(dir(), "node-a", 64L << 20, Duration.ofHours(1), Duration.ofSeconds(60),
        AuditSync.INTERVAL, syncInterval), signer, clock, channels, false);
  }

  private static ObjectNode event(int n) {
    return JSON.createObjectNode().put("eventName", "GenerateDataKey").put("n", n);
  }

  private VerifyReport verify() throws IOException {
    return new TrailVerifier(TrailVerifier.publicKeysIn(dir())).verify(dir());
  }

  private List<JsonNode> records() throws IOException {
    List<JsonNode> records = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir())) {
      for (Path file : files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
        for (String line : Files.readAllLines(file)) {
          records.add(JSON.readTree(line));
        }
      }
    }
    return records;
  }

  @Test
  void eventsChainDigestsCoverThemAndACleanCloseLeavesNothingUncovered() throws IOException {
    try (AuditTrail trail = open(1 << 20)) {
      for (int i = 0; i < 3; i++) {
        trail.append(event(i));
      }
      clock.advance(Duration.ofSeconds(59));
      trail.tick();
      assertThat(records()).noneMatch(r -> r.path("integrity").path("type").asText().equals("digest"));
      clock.advance(Duration.ofSeconds(1));
      trail.tick(); // 60 s after the last digest (the open): due
      assertThat(records()).filteredOn(r -> r.path("integrity").path("type").asText().equals("digest")).hasSize(1);
      trail.append(event(3));
    }
    List<JsonNode> records = records();
    assertThat(records).extracting(r -> r.path("integrity").path("type").asText())
        .containsExactly("file", "event", "event", "event", "digest", "event", "digest");
    assertThat(records.get(1).path("eventName").asText()).isEqualTo("GenerateDataKey");
    assertThat(records.get(1).path("integrity").path("seq").asLong()).isEqualTo(2);
    VerifyReport report = verify();
    assertThat(report.ok()).as(report.summary()).isTrue();
    assertThat(report.events()).isEqualTo(4);
    assertThat(report.digests()).isEqualTo(2);
    assertThat(report.uncovered()).isEmpty();
    assertThat(report.summary()).startsWith("audit trail valid: 4 events, 2 digests, 1 files, 1 node(s), first 2026-");
  }

  @Test
  void filesAndTheDirectoryAreOwnerOnlyAndThePublicKeyIsWritten() throws IOException {
    try (AuditTrail trail = open(1 << 20)) {
      trail.append(event(1));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir()))).isEqualTo("rwx------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(trail.currentFile())))
          .isEqualTo("rw-------");
    }
    assertThat(PublicKeyPem.decodeAll(Files.readString(dir().resolve("public-key.pem"))))
        .containsExactly(signer.publicKey());
  }

  @Test
  void aRestartContinuesTheChainInANewFile() throws IOException {
    try (AuditTrail trail = open(1 << 20)) {
      trail.append(event(1));
    }
    try (AuditTrail trail = open(1 << 20)) {
      trail.append(event(2));
    }
    assertThat(dir().resolve("trail-node-a-00000002.jsonl")).exists();
    JsonNode header = records().get(3).path("integrity");
    assertThat(header.path("type").asText()).isEqualTo("file");
    assertThat(header.path("previousFile").asText()).isEqualTo("trail-node-a-00000001.jsonl");
    VerifyReport report = verify();
    assertThat(report.ok()).as(report.summary()).isTrue();
    assertThat(report.files()).isEqualTo(2);
  }

  @Test
  void filesRotateBySizeAndByAgeEachEndingWithADigest() throws IOException {
    try (AuditTrail trail = open(4096)) {
      for (int i = 0; i < 40; i++) {
        trail.append(event(i).put("padding", "x".repeat(200)));
      }
      long bySize = countFiles();
      assertThat(bySize).isGreaterThan(1);
      trail.append(event(99));
      clock.advance(Duration.ofHours(1));
      trail.tick();
      assertThat(countFiles()).isEqualTo(bySize + 1);
    }
    VerifyReport report = verify();
    assertThat(report.ok()).as(report.summary()).isTrue();
    assertThat(report.events()).isEqualTo(41);
    assertThat(report.uncovered()).isEmpty();
  }

  private long countFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir())) {
      return files.filter(p -> p.toString().endsWith(".jsonl")).count();
    }
  }

  @Test
  void aFailingDiskRefusesAppendsAndCheckWritableUntilItWorksAgainAndLosesNothingAcknowledged() throws IOException {
    try (AuditTrail trail = open(1 << 20)) {
      trail.append(event(1));
      channels.failing = true;
      assertThatThrownBy(() -> trail.append(event(2))).isInstanceOf(AuditUnavailableException.class)
          .hasMessageContaining("No space left on device");
      assertThatThrownBy(trail::checkWritable).isInstanceOf(AuditUnavailableException.class);
      assertThat(trail.isWritable()).isFalse();
      assertThatThrownBy(() -> trail.append(event(3))).isInstanceOf(AuditUnavailableException.class);
      channels.failing = false;
      trail.checkWritable();
      assertThat(trail.isWritable()).isTrue();
      trail.append(event(4));
    }
    VerifyReport report = verify();
    assertThat(report.ok()).as(report.summary()).isTrue();
    assertThat(records()).filteredOn(r -> r.has("n")).extracting(r -> r.path("n").asInt()).containsExactly(1, 4);
  }

  @Test
  void aSyncFailureFailsTheEventsItWasToCoverAndCutsThemOffOnRecovery() throws IOException {
    try (AuditTrail trail = open(1 << 20)) {
      trail.append(event(1));
      // Writes succeed, the sync fails: the record is in the file but not acknowledged.
      channels.failingSync = true;
      assertThatThrownBy(() -> trail.append(event(2))).isInstanceOf(AuditUnavailableException.class);
      assertThat(Files.readString(trail.currentFile())).contains("\"n\":2");
      channels.failingSync = false;
      trail.append(event(3));
    }
    assertThat(records()).filteredOn(r -> r.has("n")).extracting(r -> r.path("n").asInt()).containsExactly(1, 3);
    assertThat(verify().ok()).isTrue();
  }

  @Test
  void aRemovedDirectoryIsNoticedBeforeTheNextRecordWhichGoesIntoANewFile() throws IOException {
    try (AuditTrail trail = open(1 << 20)) {
      trail.append(event(1));
      deleteAuditDirectory();
      trail.append(event(2));
      assertThat(trail.currentFile()).hasFileName("trail-node-a-00000002.jsonl").exists();
    }
    assertThat(records()).filteredOn(r -> r.has("n")).extracting(r -> r.path("n").asInt()).containsExactly(2);
    // The deleted file is missing from the chain, and verify says so.
    VerifyReport report = new TrailVerifier(List.of(signer.publicKey())).verify(dir());
    assertThat(report.ok()).isFalse();
    assertThat(report.problem()).startsWith("trail-node-a-00000001.jsonl: file missing");
  }

  @Test
  void aDirectoryThatCannotBeMadeAgainRefusesAppendsUntilItCan() throws IOException {
    try (AuditTrail trail = open(1 << 20)) {
      trail.append(event(1));
      deleteAuditDirectory();
      Files.writeString(dir(), "not a directory");
      assertThatThrownBy(trail::checkWritable).isInstanceOf(AuditUnavailableException.class);
      assertThatThrownBy(() -> trail.append(event(2))).isInstanceOf(AuditUnavailableException.class);
      assertThat(trail.isWritable()).isFalse();
      Files.delete(dir());
      assertThat(trail.isWritable()).isTrue();
      trail.append(event(3));
    }
    assertThat(records()).filteredOn(r -> r.has("n")).extracting(r -> r.path("n").asInt()).containsExactly(3);
  }

  private void deleteAuditDirectory() throws IOException {
    try (Stream<Path> files = Files.list(dir())) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(dir());
  }

  @Test
  void concurrentAppendsKeepOneValidChainAndShareSyncs() throws Exception {
    int threads = 8;
    int each = 200;
    try (AuditTrail trail = open(1 << 16)) {
      int before = channels.forces.get();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < each; i++) {
            trail.append(event(thread * each + i));
          }
        }));
      }
      for (Future<?> future : done) {
        future.get();
      }
      pool.shutdown();
      // Each append waited for a sync, but one sync serves every append written before it.
      assertThat(channels.forces.get() - before).isLessThan(threads * each);
    }
    VerifyReport report = verify();
    assertThat(report.ok()).as(report.summary()).isTrue();
    assertThat(report.events()).isEqualTo(threads * each);
    assertThat(records()).filteredOn(r -> r.has("n")).extracting(r -> r.path("n").asInt())
        .doesNotHaveDuplicates().hasSize(threads * each);
  }

  @Test
  void anAsyncAppendCompletesOnlyOnceASyncCoversItAndOneSyncCoversEveryAppendQueuedMeanwhile() throws Exception {
    try (AuditTrail trail = open(1 << 20)) {
      int before = channels.forces.get();
      java.util.concurrent.CountDownLatch disk = new java.util.concurrent.CountDownLatch(1);
      channels.holdSyncs = disk;
      CompletableFuture<Void> first = trail.appendAsync(event(0));
      assertThat(channels.syncsEntered.tryAcquire(10, TimeUnit.SECONDS)).isTrue(); // the sync thread is in fsync
      List<CompletableFuture<Void>> queued = new ArrayList<>();
      for (int i = 1; i <= 9; i++) {
        queued.add(trail.appendAsync(event(i))); // returns at once, although the disk is busy
      }
      assertThat(first).isNotDone();
      assertThat(queued).noneMatch(CompletableFuture::isDone);
      channels.holdSyncs = null;
      disk.countDown();
      first.get(10, TimeUnit.SECONDS);
      for (CompletableFuture<Void> f : queued) {
        f.get(10, TimeUnit.SECONDS);
      }
      // One sync for the first event, one for the nine written while it ran.
      assertThat(channels.forces.get() - before).isEqualTo(2);
    }
    VerifyReport report = verify();
    assertThat(report.ok()).as(report.summary()).isTrue();
    assertThat(report.events()).isEqualTo(10);
  }

  @Test
  void theSyncListenerHearsEachGroupCommitWithItsRecordsAndAFailingListenerStopsNothing() throws Exception {
    try (AuditTrail trail = open(1 << 20)) {
      java.util.concurrent.BlockingQueue<Integer> rounds = new java.util.concurrent.LinkedBlockingQueue<>();
      java.util.concurrent.atomic.AtomicLong shortest = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
      trail.onSync((records, nanos) -> {
        shortest.accumulateAndGet(nanos, Math::min);
        rounds.add(records);
      });
      java.util.concurrent.CountDownLatch disk = new java.util.concurrent.CountDownLatch(1);
      channels.holdSyncs = disk;
      CompletableFuture<Void> first = trail.appendAsync(event(0));
      assertThat(channels.syncsEntered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
      List<CompletableFuture<Void>> queued = new ArrayList<>();
      for (int i = 1; i <= 4; i++) {
        queued.add(trail.appendAsync(event(i)));
      }
      channels.holdSyncs = null;
      disk.countDown();
      first.get(10, TimeUnit.SECONDS);
      for (CompletableFuture<Void> f : queued) {
        f.get(10, TimeUnit.SECONDS);
      }
      // The listener is told after the round's futures complete, so it is waited for.
      assertThat(rounds.poll(10, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(rounds.poll(10, TimeUnit.SECONDS)).isEqualTo(4);
      assertThat(shortest.get()).isNotNegative();

      trail.onSync((records, nanos) -> {
        throw new IllegalStateException("a broken meter");
      });
      trail.appendAsync(event(5)).get(10, TimeUnit.SECONDS);
      trail.appendAsync(event(6)).get(10, TimeUnit.SECONDS); // the sync thread lives on
    }
    assertThat(verify().ok()).isTrue();
  }

  @Test
  void anAsyncAppendWhoseSyncFailsFailsAndIsCutOffOnRecovery() throws Exception {
    try (AuditTrail trail = open(1 << 20)) {
      trail.append(event(1));
      channels.failingSync = true;
      CompletableFuture<Void> failed = trail.appendAsync(event(2));
      assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(AuditUnavailableException.class);
      // While the trail is failed, a new async append fails at once, before anything is written.
      channels.failing = true;
      assertThat(trail.appendAsync(event(3))).isCompletedExceptionally();
      channels.failing = false;
      channels.failingSync = false;
      trail.appendAsync(event(4)).get(10, TimeUnit.SECONDS);
    }
    assertThat(records()).filteredOn(r -> r.has("n")).extracting(r -> r.path("n").asInt()).containsExactly(1, 4);
    assertThat(verify().ok()).isTrue();
  }

  @Test
  void aSignerFailureLeavesTheTrailWritableAndTheDigestComesOnceTheSignerWorks() throws IOException {
    java.util.concurrent.atomic.AtomicBoolean hsmDown = new java.util.concurrent.atomic.AtomicBoolean();
    DigestSigner flaky = new DigestSigner() {
      @Override
      public byte[] sign(byte[] message) {
        if (hsmDown.get()) {
          throw new IllegalStateException("CKR_DEVICE_ERROR (simulated)");
        }
        return signer.sign(message);
      }

      @Override
      public byte[] publicKey() {
        return signer.publicKey();
      }

      @Override
      public String algorithm() {
        return signer.algorithm();
      }
    };
    try (AuditTrail trail = AuditTrail.open(new AuditSettings(dir(), "node-a", 1 << 20, Duration.ofHours(1),
        Duration.ofSeconds(60)), flaky, clock, channels, false)) {
      trail.append(event(1));
      hsmDown.set(true);
      clock.advance(Duration.ofSeconds(60));
      trail.tick();
      trail.append(event(2));
      assertThat(records()).noneMatch(r -> r.path("integrity").path("type").asText().equals("digest"));
      hsmDown.set(false);
      trail.tick();
      assertThat(records()).filteredOn(r -> r.path("integrity").path("type").asText().equals("digest")).hasSize(1);
    }
    VerifyReport report = verify();
    assertThat(report.ok()).as(report.summary()).isTrue();
    assertThat(report.events()).isEqualTo(2);
  }

  @Test
  void aSecondTrailForTheSameNodeIsRefused() {
    try (AuditTrail trail = open(1 << 20)) {
      assertThatThrownBy(() -> open(1 << 20)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("node-a");
    }
  }

  @Test
  void aTornLastLineFromACrashIsCutOffAtTheNextStart() throws IOException {
    Path first;
    try (AuditTrail trail = open(1 << 20)) {
      trail.append(event(1));
      first = trail.currentFile();
    }
    Files.writeString(first, "{\"eventName\":\"half", java.nio.file.StandardOpenOption.APPEND);
    assertThat(verify().uncovered()).anyMatch(u -> u.contains("incomplete record"));
    try (AuditTrail trail = open(1 << 20)) {
      trail.append(event(2));
    }
    VerifyReport report = verify();
    assertThat(report.ok()).as(report.summary()).isTrue();
    assertThat(report.uncovered()).isEmpty();
  }

  @Test
  void theCallersIntegrityMemberIsReplaced() throws IOException {
    try (AuditTrail trail = open(1 << 20)) {
      ObjectNode forged = event(1);
      forged.putObject("integrity").put("seq", 999);
      trail.append(forged);
    }
    assertThat(records().get(1).path("integrity").path("seq").asLong()).isEqualTo(2);
    assertThat(verify().ok()).isTrue();
  }

  @Test
  void intervalModeAcknowledgesAnEventOnceWrittenWhereAnotherReaderSeesItWithoutASync() throws Exception {
    try (AuditTrail trail = openInterval(Duration.ofMinutes(1))) {
      List<Integer> rounds = new java.util.concurrent.CopyOnWriteArrayList<>();
      trail.onSync((records, nanos) -> rounds.add(records));
      int before = channels.forces.get();
      trail.append(event(1));
      CompletableFuture<Void> second = trail.appendAsync(event(2));
      assertThat(second).isCompleted(); // no wait for a sync: the response may go now
      for (int i = 3; i <= 50; i++) {
        assertThat(trail.appendAsync(event(i))).isCompleted();
      }
      assertThat(channels.forces.get() - before).isZero();
      // Another reader (e.g. a restarted process after a crash of this one) finds every acknowledged event.
      assertThat(Files.readString(trail.currentFile())).contains("\"n\":1,", "\"n\":2,", "\"n\":50,");
      Path copy = dataDir.resolve("copy");
      Files.createDirectories(copy);
      try (Stream<Path> files = Files.list(dir())) {
        for (Path file : files.filter(f -> !f.toString().endsWith(".lock")).toList()) {
          Files.copy(file, copy.resolve(file.getFileName()));
        }
      }
      VerifyReport crashed = new TrailVerifier(TrailVerifier.publicKeysIn(copy)).verify(copy);
      assertThat(crashed.ok()).as(crashed.summary()).isTrue();
      assertThat(crashed.events()).isEqualTo(50);
      assertThat(crashed.uncovered()).isNotEmpty(); // written, not yet under a digest
      trail.syncWritten(); // the timer's work: one sync covers all fifty
      trail.syncWritten(); // nothing new: no sync
      assertThat(channels.forces.get() - before).isEqualTo(1);
      assertThat(rounds).as("the sync metrics hear the interval's sync too").containsExactly(50);
    }
    VerifyReport report = verify();
    assertThat(report.ok()).as(report.summary()).isTrue();
    assertThat(report.events()).isEqualTo(50);
    assertThat(report.uncovered()).isEmpty();
  }

  @Test
  void intervalModeSyncsOnItsOwnTimerAtMostOncePerInterval() throws Exception {
    Duration interval = Duration.ofMillis(20);
    try (AuditTrail trail = openInterval(interval)) {
      int before = channels.forces.get();
      long start = System.nanoTime();
      for (int i = 0; i < 2000; i++) {
        trail.appendAsync(event(i));
      }
      int afterWrites = channels.forces.get();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (channels.forces.get() == afterWrites && System.nanoTime() < deadline) {
        Thread.onSpinWait(); // polls the timer's sync, with a deadline
      }
      long elapsed = System.nanoTime() - start;
      int syncs = channels.forces.get() - before;
      assertThat(syncs).isPositive();
      // Not one per append or per batch: at most one per interval (plus the one in progress at each end).
      assertThat(syncs).isLessThanOrEqualTo((int) (elapsed / interval.toNanos()) + 2);
    }
    VerifyReport report = verify();
    assertThat(report.ok()).as(report.summary()).isTrue();
    assertThat(report.events()).isEqualTo(2000);
  }

  @Test
  void intervalModeStillRefusesAppendsWhileTheDiskFailsAndLosesNothingAcknowledged() throws Exception {
    try (AuditTrail trail = openInterval(Duration.ofMinutes(1))) {
      trail.append(event(1));
      channels.failing = true;
      assertThatThrownBy(() -> trail.append(event(2))).isInstanceOf(AuditUnavailableException.class)
          .hasMessageContaining("No space left on device");
      assertThat(trail.appendAsync(event(3))).isCompletedExceptionally();
      assertThatThrownBy(trail::checkWritable).isInstanceOf(AuditUnavailableException.class);
      channels.failing = false;
      trail.append(event(4));
    }
    assertThat(records()).filteredOn(r -> r.has("n")).extracting(r -> r.path("n").asInt()).containsExactly(1, 4);
    VerifyReport report = verify();
    assertThat(report.ok()).as(report.summary()).isTrue();
  }

  @Test
  void intervalModeAFailedSyncRefusesRequestsUntilOneWorksAndKeepsTheEventsAlreadyAcknowledged() throws Exception {
    try (AuditTrail trail = openInterval(Duration.ofMinutes(1))) {
      trail.append(event(1));
      channels.failingSync = true;
      trail.append(event(2)); // written: acknowledged in this mode
      trail.syncWritten(); // the timer's sync fails
      assertThatThrownBy(() -> trail.append(event(3))).isInstanceOf(AuditUnavailableException.class);
      assertThatThrownBy(() -> trail.append(event(4))).isInstanceOf(AuditUnavailableException.class);
      channels.failingSync = false;
      trail.append(event(5));
    }
    // Event 2 was acknowledged and is kept; 3 and 4 were refused, before anything was written.
    assertThat(records()).filteredOn(r -> r.has("n")).extracting(r -> r.path("n").asInt()).containsExactly(1, 2, 5);
    VerifyReport report = verify();
    assertThat(report.ok()).as(report.summary()).isTrue();
  }
}
