package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.key.KmsKey;
import io.trent.metadata.jdbc.JdbcMetadataStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AlgorithmSpec;
import software.amazon.awssdk.services.kms.model.ExpirationModelType;
import software.amazon.awssdk.services.kms.model.GetParametersForImportResponse;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.LimitExceededException;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.kms.model.WrappingKeySpec;

/**
 * The real server process killed at the worst moments, then started again on the same data directory and token:
 * no key is lost, every ciphertext made before the crash decrypts, and {@code trent-server reconcile} finds what
 * the crash left, repairs it, and then reports no drift. The exact moments (between an HSM step and the metadata
 * write that completes it) are hit with the test-only crash points ({@code -Dtrent.test.haltAt}, core's
 * {@code CrashPoint}, which halts as a SIGKILL would); one more test kills the process ({@code destroyForcibly},
 * SIGKILL) at an unplanned moment under a load of CreateKey and rotation.
 */
class CrashTest {
  private static final SdkBytes PLAINTEXT = SdkBytes.fromUtf8String("made before the crash");
  /** A halted process's exit status, as core's CrashPoint sets it: that of a SIGKILL'ed one. */
  private static final int HALTED = 137;

  /**
   * Each start of the first test is the same node (as a production node on its configured port is): the scheduled
   * work it had claimed when it was killed is its own to resume at once, not after the claim's lease.
   */
  private static final Map<String, String> NODE = Map.of("TRENT_AUDIT_NODE_ID", "crash-node");

  private static List<String> haltAt(String point) {
    return List.of("-Dtrent.test.haltAt=" + point);
  }

  @Test
  void crashesBetweenTheHsmAndTheMetadataLoseNothingAndReconciliationRepairsWhatTheyLeave() throws Exception {
    Path base = fresh(Trent.buildDir().resolve("crash-it"));
    String token = "trent-crash-it";
    byte[] importedMaterial = ImportKeyMaterialTest.random(32);
    String plain;
    String rotating;
    String external;
    String doomed;
    String scheduled;
    SdkBytes plainBlob;
    SdkBytes rotatingBlob;
    SdkBytes scheduledBlob;
    GetParametersForImportResponse parameters;
    try (ServerNode node = ServerNode.start(base, token, List.of(), NODE); KmsClient kms = node.client()) {
      plain = kms.createKey(b -> b.description("kept")).keyMetadata().keyId();
      rotating = kms.createKey(b -> b.description("rotated on demand")).keyMetadata().keyId();
      scheduled = kms.createKey(b -> b.description("rotated on schedule")).keyMetadata().keyId();
      kms.enableKeyRotation(b -> b.keyId(scheduled));
      doomed = kms.createKey(b -> b.description("deleted")).keyMetadata().keyId();
      external = kms.createKey(b -> b.origin(OriginType.EXTERNAL)).keyMetadata().keyId();
      parameters = kms.getParametersForImport(b -> b.keyId(external)
          .wrappingAlgorithm(AlgorithmSpec.RSAES_OAEP_SHA_1).wrappingKeySpec(WrappingKeySpec.RSA_2048));
      plainBlob = encrypt(kms, plain);
      rotatingBlob = encrypt(kms, rotating);
      scheduledBlob = encrypt(kms, scheduled);
      kms.scheduleKeyDeletion(b -> b.keyId(doomed).pendingWindowInDays(7));
    }
    byte[] wrapped = ImportKeyMaterialTest.wrapOaepSha1(ImportKeyMaterialTest.wrappingKey(parameters), importedMaterial);

    // CreateKey: killed with the key material in the HSM and no row.
    try (ServerNode node = ServerNode.start(base, token, haltAt("createKey.afterHsm"), NODE);
        KmsClient kms = node.client()) {
      assertThatThrownBy(() -> kms.createKey(b -> b.description("never answered"))).isInstanceOf(SdkClientException.class);
      assertThat(node.awaitExit()).isEqualTo(HALTED);
    }
    // RotateKeyOnDemand: killed with the new material in the HSM and the row not updated.
    try (ServerNode node = ServerNode.start(base, token, haltAt("rotate.afterHsm"), NODE);
        KmsClient kms = node.client()) {
      assertThatThrownBy(() -> kms.rotateKeyOnDemand(b -> b.keyId(rotating))).isInstanceOf(SdkClientException.class);
      assertThat(node.awaitExit()).isEqualTo(HALTED);
    }
    // ImportKeyMaterial: killed with the material unwrapped in the HSM and the row still PendingImport.
    try (ServerNode node = ServerNode.start(base, token, haltAt("import.afterHsm"), NODE);
        KmsClient kms = node.client()) {
      assertThatThrownBy(() -> importMaterial(kms, external, parameters, wrapped))
          .isInstanceOf(SdkClientException.class);
      assertThat(node.awaitExit()).isEqualTo(HALTED);
    }

    // The scheduled deletion: its date passes while the server is down; the start-up maintenance is killed after
    // destroying the key's material and before deleting its row.
    Instant past = Instant.now().minus(Duration.ofDays(1));
    updateStoredKey(base, doomed, key -> key.withState(io.trent.core.key.KeyState.PendingDeletion, past, 7));
    assertThat(ServerNode.startUntilExit(base, token, haltAt("deleteKey.afterHsm"), NODE)).isEqualTo(HALTED);
    // With no server running, --repair finishes the deletion and destroys the crashed import's material; what no
    // row names is left for the operator's word (read-only runs are core's ReconcilerTest and the end of this test).
    List<String> known = List.of(plain, rotating, scheduled, doomed, external);
    ServerNode.Reconciliation repaired = ServerNode.reconcile(base, "--repair");
    assertThat(repaired.status()).isEqualTo(3);
    assertThat(findings(repaired, known)).as(repaired.lines().toString()).containsExactlyInAnyOrder(
        line("ORPHAN_MATERIAL", null, "left"),
        line("UNCOMMITTED_ROTATION", rotating, "left"),
        line("UNCOMMITTED_IMPORT", external, "repaired"),
        line("UNFINISHED_KEY_DELETION", doomed, "repaired"));

    // Automatic rotation: due while the server is down; the start-up maintenance is killed after the HSM step.
    updateStoredKey(base, scheduled, key -> key.withRotation(365, past));
    assertThat(ServerNode.startUntilExit(base, token, haltAt("rotate.afterHsm"), NODE)).isEqualTo(HALTED);

    try (ServerNode node = ServerNode.start(base, token, List.of(), NODE); KmsClient kms = node.client()) {
      // Nothing lost: every ciphertext made before the crashes decrypts, every key answered for is there.
      assertThat(decrypt(kms, plainBlob)).isEqualTo(PLAINTEXT);
      assertThat(decrypt(kms, rotatingBlob)).isEqualTo(PLAINTEXT);
      assertThat(decrypt(kms, scheduledBlob)).isEqualTo(PLAINTEXT);
      for (String keyId : List.of(plain, rotating, scheduled)) {
        assertThat(kms.describeKey(b -> b.keyId(keyId)).keyMetadata().keyState()).isEqualTo(KeyState.ENABLED);
      }
      assertThat(kms.listKeys().keys()).extracting(k -> k.keyId())
          .containsExactlyInAnyOrder(plain, rotating, scheduled, external);
      assertThatThrownBy(() -> kms.describeKey(b -> b.keyId(doomed))).isInstanceOf(NotFoundException.class);
      assertThat(kms.describeKey(b -> b.keyId(external)).keyMetadata().keyState()).isEqualTo(KeyState.PENDING_IMPORT);
      // The start-up maintenance rotated the scheduled key again; the crashed rotations left material no row lists.
      assertThat(kms.listKeyRotations(b -> b.keyId(scheduled)).rotations()).hasSize(1);

      // Beside the running server: what is left needs the operator's word that the database was not restored.
      ServerNode.Reconciliation left = ServerNode.reconcile(base, "--repair");
      assertThat(left.status()).isEqualTo(3);
      assertThat(findings(left, known)).as(left.lines().toString()).containsExactlyInAnyOrder(
          line("ORPHAN_MATERIAL", null, "left"),
          line("UNCOMMITTED_ROTATION", rotating, "left"),
          line("UNCOMMITTED_ROTATION", scheduled, "left"));
      ServerNode.Reconciliation destroyed = ServerNode.reconcile(base, "--repair", "--destroy-untracked");
      assertThat(destroyed.status()).as(destroyed.lines().toString()).isZero();
      ServerNode.Reconciliation clean = ServerNode.reconcile(base);
      assertThat(clean.status()).as(clean.lines().toString()).isZero();
      assertThat(clean.findings()).isEmpty();

      // And every key works: the import can be made again with the same parameters, the rotation too.
      importMaterial(kms, external, parameters, wrapped);
      assertThat(decrypt(kms, encrypt(kms, external))).isEqualTo(PLAINTEXT);
      kms.rotateKeyOnDemand(b -> b.keyId(rotating));
      assertThat(decrypt(kms, rotatingBlob)).isEqualTo(PLAINTEXT);
      assertThat(decrypt(kms, encrypt(kms, rotating))).isEqualTo(PLAINTEXT);
      assertThat(decrypt(kms, plainBlob)).isEqualTo(PLAINTEXT);
    }
  }

  @Test
  void aKillAtAnUnplannedMomentUnderLoadLosesNothing() throws Exception {
    Path base = fresh(Trent.buildDir().resolve("crash-load-it"));
    String token = "trent-crash-load-it";
    Map<String, SdkBytes> ciphertexts = new ConcurrentHashMap<>(); // by a unique name; all of PLAINTEXT
    List<String> created = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger answered = new AtomicInteger();
    int killAfter = ThreadLocalRandom.current().nextInt(10, 40);
    try (ServerNode node = ServerNode.start(base, token); KmsClient kms = node.client()) {
      String first = kms.createKey(b -> b.description("load")).keyMetadata().keyId();
      created.add(first);
      List<Thread> load = List.of(
          worker("creator", () -> {
            String keyId = kms.createKey(b -> b.description("load")).keyMetadata().keyId();
            created.add(keyId);
            ciphertexts.put(keyId + "/created", encrypt(kms, keyId));
            answered.incrementAndGet();
          }),
          worker("rotator", () -> {
            String keyId = created.get(ThreadLocalRandom.current().nextInt(created.size()));
            try {
              kms.rotateKeyOnDemand(b -> b.keyId(keyId));
            } catch (LimitExceededException e) {
              return; // this key had its on-demand rotations
            }
            ciphertexts.put(keyId + "/rotated/" + java.util.UUID.randomUUID(), encrypt(kms, keyId));
            answered.incrementAndGet();
          }));
      load.forEach(Thread::start);
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (answered.get() < killAfter) {
        assertThat(System.nanoTime()).as("the load makes progress").isLessThan(deadline);
        Thread.sleep(5); // polling for progress, with a deadline
      }
      node.kill();
      for (Thread thread : load) {
        thread.join(Duration.ofMinutes(2).toMillis());
        assertThat(thread.isAlive()).isFalse();
      }
    }

    try (ServerNode node = ServerNode.start(base, token); KmsClient kms = node.client()) {
      for (Map.Entry<String, SdkBytes> made : ciphertexts.entrySet()) {
        assertThat(decrypt(kms, made.getValue())).as(made.getKey()).isEqualTo(PLAINTEXT);
      }
      for (String keyId : List.copyOf(created)) {
        assertThat(kms.describeKey(b -> b.keyId(keyId)).keyMetadata().keyState()).as(keyId).isEqualTo(KeyState.ENABLED);
      }
      // At most what the two requests in flight left: material no row names, never a row without material.
      ServerNode.Reconciliation repaired = ServerNode.reconcile(base, "--repair", "--destroy-untracked");
      assertThat(repaired.status()).as(repaired.lines().toString()).isZero();
      assertThat(repaired.findings()).as(repaired.lines().toString()).hasSizeLessThanOrEqualTo(2)
          .allMatch(l -> l.startsWith("ORPHAN_MATERIAL ") || l.startsWith("UNCOMMITTED_ROTATION "));
      ServerNode.Reconciliation clean = ServerNode.reconcile(base);
      assertThat(clean.status()).as(clean.lines().toString()).isZero();
      for (Map.Entry<String, SdkBytes> made : ciphertexts.entrySet()) {
        assertThat(decrypt(kms, made.getValue())).as(made.getKey()).isEqualTo(PLAINTEXT);
      }
    }
  }

  /** A thread that repeats {@code step} until the server goes away under it. */
  private static Thread worker(String name, Runnable step) {
    Thread thread = new Thread(() -> {
      try {
        while (true) {
          step.run();
        }
      } catch (SdkClientException e) {
        // the server was killed: this request's outcome is unknown, and nothing after it was made
      }
    }, "crash-load-" + name);
    thread.setDaemon(true);
    return thread;
  }

  /** A finding as the test expects it: its kind, key (null: a key with no row) and outcome, its object id aside. */
  private static String line(String kind, String keyId, String outcome) {
    return kind + " " + keyId + " " + outcome;
  }

  /** The findings of a run as {@link #line} writes them; keys other than {@code known} read as null. */
  private static List<String> findings(ServerNode.Reconciliation run, List<String> known) {
    return run.findings().stream().map(l -> {
      String[] words = l.split(" ");
      String keyId = words[1].substring("key=".length());
      return line(words[0], known.contains(keyId) ? keyId : null, words[3].replace(":", ""));
    }).toList();
  }

  private static SdkBytes encrypt(KmsClient kms, String keyId) {
    return kms.encrypt(b -> b.keyId(keyId).plaintext(PLAINTEXT)).ciphertextBlob();
  }

  private static SdkBytes decrypt(KmsClient kms, SdkBytes blob) {
    return kms.decrypt(b -> b.ciphertextBlob(blob)).plaintext();
  }

  private static void importMaterial(KmsClient kms, String keyId, GetParametersForImportResponse parameters,
      byte[] wrapped) {
    kms.importKeyMaterial(b -> b.keyId(keyId).importToken(parameters.importToken())
        .encryptedKeyMaterial(SdkBytes.fromByteArray(wrapped)).expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE));
  }

  /** Changes a key's row while no server runs: how the tests let a date pass without waiting days. */
  private static void updateStoredKey(Path base, String keyId, UnaryOperator<KmsKey> change) {
    try (JdbcMetadataStore store = JdbcMetadataStore.openEmbedded(base.resolve("data"))) {
      assertThat(store.updateKey(change.apply(store.findKey(keyId).orElseThrow()))).isTrue();
    }
  }

  private static Path fresh(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
    return Files.createDirectories(dir);
  }
}
