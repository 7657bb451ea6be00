package io.trent.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's audit chain: JSON lines in {@code trail-<node>-<index>.jsonl} files of the audit
 * directory, each record carrying in its {@code integrity} object its sequence number and the hash of
 * the record before it; each file starts with a {@code file} record that continues from the last hash
 * of the node's previous file. Digest records, signed by a {@link DigestSigner}, cover the chain at
 * least every {@link AuditSettings#digestInterval()}, at rotation and at a clean close. See
 * docs/audit.md for the format.
 *
 * <p>Durability: {@link #append} writes the record under the chain lock, then waits for an fsync
 * that covers it. Only one thread syncs at a time; the others wait for it and usually find their
 * record covered when it is done, so a burst of appends shares one fsync (group commit). Nothing is
 * acknowledged before it is on disk. {@link #appendAsync} writes the same way but leaves the wait to the
 * trail's own sync thread, which syncs once for every record queued while the last sync ran and then
 * completes their futures: callers (HSM workers) go on with other requests meanwhile, and one fsync covers
 * every request in flight. With {@link AuditSync#INTERVAL} both return once the record is written (the
 * {@code write(2)} returned, so another reader of the file sees it and a crash of this process keeps it); the
 * sync thread then syncs at most every {@link AuditSettings#syncInterval()}, and rotation, digests and close
 * sync as in batch mode.
 *
 * <p>Fail closed: a failed write or sync, or a file that disappeared, makes every append and
 * {@link #checkWritable} throw {@link AuditUnavailableException}. Each later call tries to recover:
 * records that were written but not synced are cut off (their appends failed), and writing goes on
 * in the same file, or in a new one when the file is gone.
 */
public final class AuditTrail implements AuditSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
  private static final byte[] INTEGRITY_MEMBER = ",\"integrity\":".getBytes(StandardCharsets.US_ASCII);
  private static final long TICK_MILLIS = 1000;
  private static final byte[] EMPTY = {'{', '}'};

  private final AuditSettings settings;
  private final Path dir;
  private final DigestSigner signer;
  private final String fingerprint;
  private final Clock clock;
  private final ChannelOpener opener;
  private final ObjectMapper json = new ObjectMapper();
  // Held while a channel is forced or swapped: one fsync at a time (the group commit).
  private final ReentrantLock syncLock = new ReentrantLock();
  private final FileChannel lockChannel;
  private final FileLock nodeLock;
  private final ScheduledExecutorService ticker;
  // Records written by appendAsync, waiting for the sync thread; STOP ends it.
  private final BlockingQueue<Pending> pending = new LinkedBlockingQueue<>();
  private final Thread syncer;
  private volatile AuditSyncListener syncListener = AuditSyncListener.NONE;
  // AuditSync.INTERVAL: appends return once written; the sync thread syncs on a timer.
  private final boolean interval;

  // Written under this object's lock; swapped only while also holding syncLock.
  private volatile FileChannel channel;
  private volatile ChainHead head;
  // Replaced under syncLock: the last head known to be on disk.
  private volatile ChainHead durable;
  private volatile IOException failure;
  // Per epoch that ended in a failure: the last record that was durable (later ones were cut off).
  private final java.util.Map<Integer, Long> durableAtFailure = new java.util.concurrent.ConcurrentHashMap<>();
  private Instant fileOpened;
  private Instant lastDigest;
  private boolean closed;
  private boolean signingFailed;

  private AuditTrail(AuditSettings settings, DigestSigner signer, Clock clock, ChannelOpener opener,
      FileChannel lockChannel, FileLock nodeLock, boolean schedule) {
    this.settings = settings;
    this.dir = settings.directory();
    this.signer = signer;
    this.fingerprint = PublicKeyPem.fingerprint(signer.publicKey());
    this.clock = clock;
    this.opener = opener;
    this.lockChannel = lockChannel;
    this.nodeLock = nodeLock;
    this.ticker = schedule ? Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "trent-audit-digest");
      t.setDaemon(true);
      return t;
    }) : null;
    this.interval = settings.sync() == AuditSync.INTERVAL;
    this.syncer = new Thread(interval ? this::intervalSyncLoop : this::syncLoop, "trent-audit-sync");
    syncer.setDaemon(true);
  }

  /** A record appendAsync wrote, and the future its caller waits on. */
  private record Pending(ChainHead written, CompletableFuture<Void> done) {
  }

  private static final Pending STOP = new Pending(null, null);

  /** The node whose chain this is; its lock file keeps any other process from writing as it. */
  public String nodeId() {
    return settings.nodeId();
  }

  /**
   * Opens the node's chain in a new file and checks the digest and rotation schedule every second on
   * a thread of its own.
   *
   * @throws UncheckedIOException when the directory or the first file cannot be written
   * @throws IllegalStateException when another trail (this process or another) writes this node's chain,
   *     or its last record is damaged
   */
  public static AuditTrail open(AuditSettings settings, DigestSigner signer) {
    return open(settings, signer, Clock.systemUTC(), ChannelOpener.FILES, true);
  }

  /** As {@link #open(AuditSettings, DigestSigner)}; without {@code schedule}, tests call {@link #tick()}. */
  static AuditTrail open(AuditSettings settings, DigestSigner signer, Clock clock, ChannelOpener opener,
      boolean schedule) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(signer, "signer");
    Path dir = settings.directory();
    FileChannel lockChannel = null;
    try {
      OwnerOnlyFiles.createDirectories(dir);
      Path lockFile = dir.resolve("trail-" + settings.nodeId() + ".lock");
      lockChannel = FileChannel.open(lockFile, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
          OwnerOnlyFiles.fileAttributes(lockFile));
      FileLock lock;
      try {
        lock = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new IllegalStateException("Another Trent writes the audit chain of node '" + settings.nodeId() + "' in "
            + dir + "; give each node its own audit.nodeId");
      }
      writePublicKey(dir, signer.publicKey());
      AuditTrail trail = new AuditTrail(settings, signer, clock, opener, lockChannel, lock, schedule);
      trail.start(NodeHistory.read(dir, settings.nodeId(), trail.json));
      return trail;
    } catch (IOException e) {
      closeQuietly(lockChannel);
      throw new UncheckedIOException("Cannot open the audit trail in " + dir + ": " + e, e);
    } catch (RuntimeException e) {
      closeQuietly(lockChannel);
      throw e;
    }
  }

  /** The public key as {@code public-key.pem}, or beside it by fingerprint when that file holds another key. */
  private static void writePublicKey(Path dir, byte[] der) throws IOException {
    Path main = dir.resolve("public-key.pem");
    byte[] pem = PublicKeyPem.encode(der).getBytes(StandardCharsets.US_ASCII);
    if (!Files.exists(main)) {
      OwnerOnlyFiles.writeNew(main, pem);
      return;
    }
    if (PublicKeyPem.decodeAll(Files.readString(main)).stream().anyMatch(key -> Arrays.equals(key, der))) {
      return;
    }
    Path other = dir.resolve("public-key-" + PublicKeyPem.fingerprint(der).substring(0, 16) + ".pem");
    if (!Files.exists(other)) {
      OwnerOnlyFiles.writeNew(other, pem);
    }
  }

  private void start(ChainHead previous) throws IOException {
    synchronized (this) {
      head = previous;
      durable = previous;
      lastDigest = clock.instant();
      TrailFileName first = previous.file() == null ? new TrailFileName(settings.nodeId(), 1) : previous.file().next();
      syncLock.lock();
      try {
        openFile(first, previous.file(), "start");
      } finally {
        syncLock.unlock();
      }
    }
    syncer.start();
    if (ticker != null) {
      ticker.scheduleWithFixedDelay(this::tickQuietly, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void checkWritable() {
    synchronized (this) {
      ensureWritable();
    }
  }

  /** True when an event could be written now (tries to recover first); for health checks. */
  public boolean isWritable() {
    try {
      checkWritable();
      return true;
    } catch (AuditUnavailableException e) {
      return false;
    }
  }

  @Override
  public void append(ObjectNode event) {
    ChainHead written = writeEvent(event);
    if (!interval) {
      awaitDurable(written);
    }
  }

  /**
   * Writes the event now (a hash and a {@code write}, no sync) and returns; the trail's sync thread completes
   * the future once a sync covered it, or fails it with {@link AuditUnavailableException}.
   */
  @Override
  public CompletableFuture<Void> appendAsync(ObjectNode event) {
    ChainHead written;
    try {
      written = writeEvent(event);
    } catch (AuditUnavailableException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (interval) {
      return CompletableFuture.completedFuture(null); // written: all interval mode promises before the response
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    pending.add(new Pending(written, done));
    return done;
  }

  /** Serializes the event outside the lock, then writes it as the chain's next record. */
  private ChainHead writeEvent(ObjectNode event) {
    Objects.requireNonNull(event, "event");
    event.remove("integrity");
    byte[] body;
    try {
      body = json.writeValueAsBytes(event);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("The audit event cannot be serialized: " + e.getOriginalMessage(), e);
    }
    ChainHead written;
    synchronized (this) {
      ensureWritable();
      written = write(body, "event", clock.instant().toString(), null);
      if (written.position() >= settings.maxFileBytes()) {
        // Forces this file (with the event) before the switch, so a failed new file does not fail the event.
        rotateQuietly("size");
      }
    }
    return written;
  }

  /**
   * The sync thread: takes every record queued since its last round and makes them durable with one sync (the
   * first {@link #awaitDurable} syncs, the rest find themselves covered), then completes their futures.
   */
  private void syncLoop() {
    List<Pending> batch = new ArrayList<>();
    boolean stopping = false;
    while (!stopping) {
      try {
        batch.add(pending.take());
      } catch (InterruptedException e) {
        stopping = true; // close() timed out waiting: fail what is left rather than leave it hanging
      }
      pending.drainTo(batch);
      long start = System.nanoTime();
      int records = 0;
      for (Pending p : batch) {
        if (p == STOP) {
          stopping = true;
          continue;
        }
        records++;
        try {
          awaitDurable(p.written());
          p.done().complete(null);
        } catch (AuditUnavailableException e) {
          p.done().completeExceptionally(e);
        } catch (RuntimeException e) {
          // e.g. the channel was closed under a failed close: the record is not known durable.
          p.done().completeExceptionally(unavailable(new IOException(e.toString(), e)));
        }
      }
      batch.clear();
      if (records > 0) {
        reportSync(records, System.nanoTime() - start);
      }
    }
  }

  /** A listener's failure must not end the sync thread, which every request's response waits for. */
  private void reportSync(int records, long nanos) {
    try {
      syncListener.synced(records, nanos);
    } catch (RuntimeException e) {
      LOG.warn("The audit sync listener failed: {}", e.toString());
    }
  }

  /** Tells {@code listener} of every group commit from now on (metrics: batch size and sync time). */
  public void onSync(AuditSyncListener listener) {
    syncListener = listener == null ? AuditSyncListener.NONE : listener;
  }

  /**
   * The sync thread in interval mode: every {@link AuditSettings#syncInterval()}, syncs what was written since
   * the last sync (nothing when nothing was), until close queues {@link #STOP}.
   */
  private void intervalSyncLoop() {
    long intervalNanos = settings.syncInterval().toNanos();
    while (true) {
      try {
        if (pending.poll(intervalNanos, TimeUnit.NANOSECONDS) == STOP) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
      syncWritten();
    }
  }

  /**
   * Syncs every record written so far (interval mode's timer; tests call it directly). A failure fails the
   * trail like a failed write: requests are refused until a recovery works.
   */
  void syncWritten() {
    ChainHead target = head;
    ChainHead before = durable;
    long start = System.nanoTime();
    try {
      awaitDurable(target);
      // The records this round made durable (none when nothing was written since the last sync).
      long records = before.epoch() == target.epoch() ? target.seq() - before.seq() : 0;
      if (records > 0) {
        reportSync((int) Math.min(records, Integer.MAX_VALUE), System.nanoTime() - start);
      }
    } catch (AuditUnavailableException e) {
      LOG.debug("Audit interval sync skipped: {}", e.getMessage()); // a new failure was logged by fail()
    } catch (RuntimeException e) {
      LOG.debug("Audit interval sync skipped (closing): {}", e.toString());
    }
  }

  /**
   * Writes a digest when one is due, and rotates a file that is too old. The trail's own thread calls
   * this every second; tests call it after moving the clock.
   */
  public void tick() {
    ChainHead written = null;
    synchronized (this) {
      if (closed) {
        return;
      }
      ensureWritable();
      Instant now = clock.instant();
      if (!now.isBefore(fileOpened.plus(settings.maxFileAge())) && head.seq() >= head.fileFirstSeq() + 1) {
        rotateQuietly("time");
      } else if (!now.plus(tickSlack()).isBefore(lastDigest.plus(settings.digestInterval())) && head.uncovered()) {
        written = writeDigest();
      }
    }
    if (written != null) {
      awaitDurable(written);
    }
  }

  /** Its own ticker runs every second: a digest due before the next tick is written now, so none is late. */
  private Duration tickSlack() {
    return ticker == null ? Duration.ZERO : Duration.ofMillis(TICK_MILLIS);
  }

  private void tickQuietly() {
    try {
      tick();
    } catch (AuditUnavailableException e) {
      LOG.debug("Audit tick skipped: {}", e.getMessage()); // the failure itself was logged once, when it happened
    } catch (RuntimeException e) {
      LOG.warn("Audit trail digest or rotation failed; it is tried again in a second: {}", e.toString());
    }
  }

  /** Writes a final digest so the whole chain is covered, syncs and closes. Idempotent. */
  @Override
  public void close() {
    if (ticker != null) {
      ticker.shutdownNow();
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      syncLock.lock();
      try {
        if (failure == null && channel != null) {
          if (head.uncovered()) {
            writeDigest();
          }
          channel.force(false);
          durable = head;
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("The audit trail's closing digest could not be written: {}", e.toString());
      } finally {
        syncLock.unlock();
        closeQuietly(channel);
        channel = null;
        try {
          nodeLock.release();
        } catch (IOException e) {
          LOG.debug("Releasing the audit node lock failed: {}", e.toString());
        }
        closeQuietly(lockChannel);
      }
    }
    // Records appended before the close were covered by its final sync (or fail with it): their futures
    // complete now; appends after the close failed at once.
    pending.add(STOP);
    try {
      syncer.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (syncer.isAlive()) {
      syncer.interrupt();
    }
  }

  /** The file being written (for tests and operators). */
  synchronized Path currentFile() {
    return dir.resolve(head.file().fileName());
  }

  // --- under this object's lock ---

  private void ensureWritable() {
    if (closed) {
      throw new AuditUnavailableException("The audit trail is closed");
    }
    if (failure == null && !Files.exists(dir.resolve(head.file().fileName()))) {
      // Records written now would go to a file no one can read: fail closed before any work is done.
      fail(new NoSuchFileException(dir.resolve(head.file().fileName()).toString(), null, "the audit file was removed"));
    }
    if (failure != null) {
      recover();
    }
  }

  /**
   * Appends one record: the body's members, then the integrity object. Serializing the body outside
   * the lock keeps the lock to a hash and a write.
   */
  private ChainHead write(byte[] body, String type, String time, ObjectNode extra) {
    ChainHead before = head;
    ObjectNode integrity = json.createObjectNode()
        .put("type", type)
        .put("node", settings.nodeId())
        .put("seq", before.seq() + 1)
        .put("time", time)
        .put("prev", before.hash());
    if (extra != null) {
      integrity.setAll(extra);
    }
    byte[] integrityBytes;
    try {
      integrityBytes = json.writeValueAsBytes(integrity);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    boolean empty = body.length <= 2;
    int bodyPart = body.length - 1; // without the closing brace
    int memberStart = empty ? 1 : 0; // "{}" takes no comma
    int memberLength = INTEGRITY_MEMBER.length - memberStart;
    byte[] line = new byte[bodyPart + memberLength + integrityBytes.length + 2];
    System.arraycopy(body, 0, line, 0, bodyPart);
    System.arraycopy(INTEGRITY_MEMBER, memberStart, line, bodyPart, memberLength);
    System.arraycopy(integrityBytes, 0, line, bodyPart + memberLength, integrityBytes.length);
    line[line.length - 2] = '}';
    line[line.length - 1] = '\n';
    String hash = Sha256.hex(line, 0, line.length - 1);
    try {
      ByteBuffer buffer = ByteBuffer.wrap(line);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    } catch (IOException e) {
      fail(e);
      throw unavailable(e);
    }
    long position = before.position() + line.length;
    head = type.equals("digest") ? before.withDigest(hash, position, extra.path("digest").path("signature").asText())
        : before.withRecord(hash, position, type.equals("event"));
    return head;
  }

  /**
   * Signs and writes a digest covering the records since the last one; null when the signer failed
   * (the HSM is unavailable: the trail itself is fine, and the next tick tries again).
   */
  private ChainHead writeDigest() {
    ChainHead before = head;
    String time = clock.instant().toString();
    DigestStatement statement = new DigestStatement(settings.nodeId(), before.seq() + 1, time, before.hash(),
        before.lastDigestSeq() + 1, before.eventsSinceDigest(), before.lastSignature());
    String signature;
    try {
      signature = Base64.getEncoder().encodeToString(signer.sign(statement.signedBytes()));
    } catch (RuntimeException e) {
      // Once per outage, not every second: the HSM's own health check reports it too.
      if (!signingFailed) {
        LOG.warn("Signing an audit digest failed; tried again every second until it works: {}", e.toString());
      }
      signingFailed = true;
      return null;
    }
    signingFailed = false;
    ObjectNode digest = json.createObjectNode()
        .put("firstSeq", statement.firstSeq())
        .put("events", statement.events())
        .put("previousSignature", statement.previousSignature())
        .put("publicKeyFingerprint", fingerprint)
        .put("signatureAlgorithm", signer.algorithm())
        .put("signature", signature);
    ObjectNode extra = json.createObjectNode();
    extra.set("digest", digest);
    // The digest's time must be the one signed.
    ChainHead written = write(EMPTY, "digest", time, extra);
    lastDigest = clock.instant();
    return written;
  }

  private void rotateQuietly(String reason) {
    try {
      rotate(reason);
    } catch (AuditUnavailableException e) {
      LOG.warn("Rotating the audit file failed: {}", e.getMessage());
    }
  }

  /** Digest, sync and close the current file; open the next, whose first record continues the chain. */
  private void rotate(String reason) {
    if (head.uncovered()) {
      writeDigest();
    }
    syncLock.lock();
    try {
      channel.force(false);
      durable = head;
      closeQuietly(channel);
      channel = null;
      openFile(head.file().next(), head.file(), reason);
    } catch (IOException e) {
      fail(e);
      throw unavailable(e);
    } finally {
      syncLock.unlock();
    }
  }

  /** Under syncLock: creates the file, writes its first record, syncs it and the directory. */
  private void openFile(TrailFileName name, TrailFileName previous, String reason) throws IOException {
    Path path = dir.resolve(name.fileName());
    channel = opener.open(path, true);
    head = head.inNewFile(name);
    fileOpened = clock.instant();
    ObjectNode extra = json.createObjectNode()
        .put("file", name.fileName())
        .put("previousFile", previous == null ? null : previous.fileName())
        .put("reason", reason);
    write(EMPTY, "file", clock.instant().toString(), extra);
    channel.force(false);
    syncDirectory();
    durable = head;
  }

  /** Makes a new file's name durable too (a no-op where directories cannot be opened). */
  private void syncDirectory() {
    try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
      directory.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("Cannot sync the audit directory: {}", e.toString());
    }
  }

  /**
   * Goes back to the last durable record: records written after it belong to failed appends and are
   * cut off; the chain goes on in the same file, or in a new one when the file is gone.
   */
  private void recover() {
    syncLock.lock();
    try {
      closeQuietly(channel);
      channel = null;
      Path path = dir.resolve(durable.file().fileName());
      ChainHead kept = durable;
      // In interval mode the records written since the last sync were acknowledged: keep those the file still
      // holds (a failed write never moved the head, so its partial line is cut off below). After a failed
      // recovery the head is already that record, in the next epoch.
      if (interval && head.file().equals(durable.file())
          && Files.isRegularFile(path) && Files.size(path) >= head.position()) {
        kept = head;
      }
      durableAtFailure.put(kept.epoch(), kept.seq());
      ChainHead last = kept.nextEpoch();
      head = last;
      OwnerOnlyFiles.createDirectories(dir);
      writePublicKey(dir, signer.publicKey());
      // Files a failed rotation started hold no acknowledged record; they would block the next rotation.
      for (TrailFileName later : NodeHistory.files(dir, settings.nodeId())) {
        if (later.index() > last.file().index()) {
          Files.deleteIfExists(dir.resolve(later.fileName()));
        }
      }
      if (Files.isRegularFile(path)) {
        channel = opener.open(path, false);
        channel.truncate(last.position());
        channel.position(last.position());
        channel.force(false);
        durable = last;
      } else {
        openFile(last.file().next(), last.file(), "recovery");
      }
      failure = null;
      LOG.info("The audit trail is writable again ({})", head.file());
    } catch (IOException e) {
      closeQuietly(channel);
      channel = null;
      failure = e;
      throw unavailable(e);
    } finally {
      syncLock.unlock();
    }
  }

  // --- the group commit ---

  /** Returns once a sync covered the record; the first waiter syncs for everyone queued behind it. */
  private void awaitDurable(ChainHead written) {
    syncLock.lock();
    try {
      ChainHead done = durable;
      if (done.epoch() == written.epoch() && done.seq() >= written.seq()) {
        return;
      }
      Long survived = durableAtFailure.get(written.epoch());
      if (survived != null && written.seq() <= survived) {
        return; // synced before the failure; the recovery kept it
      }
      IOException failed = failure;
      if (failed != null || done.epoch() != written.epoch()) {
        throw unavailable(failed);
      }
      // No swap can happen while syncLock is held, so everything up to target went to this channel.
      ChainHead target = head;
      FileChannel current = channel;
      try {
        current.force(false);
        if (!Files.exists(dir.resolve(target.file().fileName()))) {
          throw new NoSuchFileException(dir.resolve(target.file().fileName()).toString(), null,
              "the audit file was removed");
        }
      } catch (IOException e) {
        fail(e);
        throw unavailable(e);
      }
      durable = target;
    } finally {
      syncLock.unlock();
    }
  }

  private void fail(IOException e) {
    if (failure == null) {
      LOG.error("The audit trail cannot be written; requests are refused until it can: {}", e.toString());
    }
    failure = e;
  }

  private static AuditUnavailableException unavailable(IOException cause) {
    return new AuditUnavailableException("The audit trail cannot be written"
        + (cause == null ? "" : ": " + cause), cause);
  }

  private static void closeQuietly(AutoCloseable resource) {
    if (resource == null) {
      return;
    }
    try {
      resource.close();
    } catch (Exception e) {
      LOG.debug("Closing {} failed: {}", resource, e.toString());
    }
  }
}
