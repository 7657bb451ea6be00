package io.trent.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trent.audit.AuditSettings;
import io.trent.audit.AuditSync;
import io.trent.audit.AuditTrail;
import io.trent.audit.DigestSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a durable audit append costs: T threads append CloudTrail-sized events (about 1 KB) to an
 * {@link AuditTrail} for a fixed window, each append returning only after its group commit's fsync,
 * as requests will. Prints appends per second and the mean latency for each T. The digest signer is
 * an in-memory EC key: a digest is signed once a minute, so the HSM's share is nil here.
 *
 * <p>Usage: {@code java -cp ... io.trent.benchmark.AuditAppendRate DIR [seconds] [threads...]}; DIR
 * must be on the disk the trail will use (a tmpfs makes fsync free). {@code -Daudit.sync=interval} measures
 * {@link AuditSync#INTERVAL} instead: each append returns once written, the sync follows within 100 ms.
 */
public final class AuditAppendRate {
  private AuditAppendRate() {}

  public static void main(String[] args) throws Exception {
    Path base = Path.of(args.length > 0 ? args[0] : "target/audit-bench");
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    List<Integer> threadCounts = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      threadCounts.add(Integer.parseInt(args[i]));
    }
    if (threadCounts.isEmpty()) {
      threadCounts = List.of(1, 2, 8, 32);
    }
    AuditSync sync = AuditSync.valueOf(System.getProperty("audit.sync", "batch").toUpperCase(java.util.Locale.ROOT));
    ObjectMapper json = new ObjectMapper();
    ObjectNode event = json.createObjectNode().put("eventVersion", "1.11").put("eventSource", "kms.amazonaws.com")
        .put("eventName", "GenerateDataKey").put("awsRegion", "us-east-1").put("sourceIPAddress", "127.0.0.1")
        .put("userAgent", "aws-sdk-java/2.25.0 Linux/6.1 OpenJDK_64-Bit_Server_VM/17").put("padding", "x".repeat(700));
    System.out.println("audit.sync " + sync + "\nthreads  appends/s  mean latency (us)");
    for (int threads : threadCounts) {
      Path dir = Files.createDirectories(base).resolve("t" + threads + "-" + System.nanoTime());
      try (AuditTrail trail = AuditTrail.open(new AuditSettings(dir, "bench", 64L << 20, Duration.ofHours(1),
          Duration.ofSeconds(60), sync, AuditSettings.DEFAULT_SYNC_INTERVAL), new MemorySigner())) {
        LongAdder appends = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
          Thread thread = new Thread(() -> {
            while (!stop.get()) {
              trail.append(event.deepCopy());
              appends.increment();
            }
            done.countDown();
          }, "audit-bench-" + t);
          thread.start();
        }
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L); // the measurement window, not synchronisation
        long count = appends.sum();
        long elapsed = System.nanoTime() - start;
        stop.set(true);
        done.await();
        double rate = count / (elapsed / 1e9);
        System.out.printf("%7d  %9.0f  %17.0f%n", threads, rate, threads * 1e6 / rate);
      }
    }
  }

  /** An in-memory EC P-256 signer: the digests are signed once a minute, which is not what is measured. */
  private static final class MemorySigner implements DigestSigner {
    private final KeyPair pair;

    MemorySigner() throws GeneralSecurityException {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(256);
      pair = generator.generateKeyPair();
    }

    @Override
    public byte[] sign(byte[] message) {
      try {
        Signature signature = Signature.getInstance("SHA256withECDSA");
        signature.initSign(pair.getPrivate());
        signature.update(message);
        return signature.sign();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public byte[] publicKey() {
      return pair.getPublic().getEncoded();
    }

    @Override
    public String algorithm() {
      return "SHA256withECDSA";
    }
  }
}
