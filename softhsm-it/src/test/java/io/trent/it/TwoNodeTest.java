package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trent.audit.TrailVerifier;
import io.trent.audit.VerifyReport;
import io.trent.metadata.jdbc.testing.PostgresExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.GrantOperation;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/**
 * Two server processes on one PostgreSQL database and one data directory (so one SoftHSM2 token and PIN), as
 * {@code ./trent dev --data-dir D --metadata-url ...} twice: keys and aliases made through one node are used through
 * the other, either node's ciphertexts decrypt on both, and every change made through node A (disable, re-policy, a
 * grant revoked, an alias deleted, deletion scheduled) is refused by node B within the documented bound
 * (docs/deployment.md, "Several nodes"). With both nodes running scheduled work, a key due for deletion is
 * destroyed once (one DeleteKey event across both nodes' trails), and both nodes' audit chains verify.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoNodeTest {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  /** docs/deployment.md: a change committed through one node is in force on the others within this. */
  private static final Duration BOUND = Duration.ofSeconds(3);
  private static final String ROOT = "arn:aws:iam::" + Trent.ACCOUNT + ":root";
  /** Lets the account root (the dev-mode caller) do everything but encrypt, which only a grant allows. */
  private static final String NO_ENCRYPT = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
      + "\"Principal\":{\"AWS\":\"" + ROOT + "\"},\"Action\":[\"kms:DescribeKey\",\"kms:Decrypt\",\"kms:PutKeyPolicy\","
      + "\"kms:GetKeyPolicy\",\"kms:CreateGrant\",\"kms:RevokeGrant\",\"kms:ListGrants\",\"kms:ScheduleKeyDeletion\","
      + "\"kms:CancelKeyDeletion\",\"kms:EnableKey\",\"kms:DisableKey\",\"kms:DeleteAlias\"],\"Resource\":\"*\"}]}";
  private static final SdkBytes PLAINTEXT = SdkBytes.fromUtf8String("shared by two nodes");

  private static Path base;
  private static String url;
  private static ServerNode nodeA;
  private static ServerNode nodeB;
  private static KmsClient a;
  private static KmsClient b;
  private static String destroyedKeyId;

  @BeforeAll
  static void startTwoNodes() throws IOException {
    base = fresh(Trent.buildDir().resolve("two-node-it"));
    url = POSTGRES.newDatabase();
    // Scheduled work every half second on both nodes, so they contend for it.
    Map<String, String> often = Map.of("TRENT_KMS_MAINTENANCE_INTERVAL_MILLIS", "500");
    // One after the other: the first start creates the token, the second finds it.
    nodeA = ServerNode.start(base, "trent-two-nodes", often, "--metadata-url", url);
    nodeB = ServerNode.start(base, "trent-two-nodes", often, "--metadata-url", url);
    a = nodeA.client();
    b = nodeB.client();
  }

  @AfterAll
  static void stopNodes() throws InterruptedException {
    closeQuietly(a, b);
    a = null;
    b = null;
    for (ServerNode node : new ServerNode[] {nodeA, nodeB}) {
      if (node != null) {
        node.close();
      }
    }
    nodeA = null;
    nodeB = null;
  }

  @Test
  @Order(1)
  void keysAndAliasesMadeOnOneNodeAreUsedOnTheOtherAndCiphertextsDecryptOnBoth() {
    KeyMetadata onA = a.createKey(k -> k.description("made on A")).keyMetadata();
    a.createAlias(r -> r.aliasName("alias/made-on-a").targetKeyId(onA.keyId()));
    KeyMetadata onB = b.createKey(k -> k.description("made on B")).keyMetadata();
    b.createAlias(r -> r.aliasName("alias/made-on-b").targetKeyId(onB.keyId()));

    assertThat(b.describeKey(r -> r.keyId("alias/made-on-a")).keyMetadata()).isEqualTo(onA);
    assertThat(a.describeKey(r -> r.keyId("alias/made-on-b")).keyMetadata()).isEqualTo(onB);
    for (String alias : List.of("alias/made-on-a", "alias/made-on-b")) {
      for (KmsClient encrypting : List.of(a, b)) {
        SdkBytes blob = encrypting.encrypt(r -> r.keyId(alias).plaintext(PLAINTEXT)).ciphertextBlob();
        for (KmsClient decrypting : List.of(a, b)) {
          assertThat(decrypting.decrypt(r -> r.ciphertextBlob(blob)).plaintext()).isEqualTo(PLAINTEXT);
        }
      }
    }
  }

  @Test
  @Order(2)
  void everyChangeMadeOnNodeAIsInForceOnNodeBWithinTheBound() throws Exception {
    String keyId = a.createKey(k -> k.description("changed on A")).keyMetadata().keyId();
    a.createAlias(r -> r.aliasName("alias/changed-on-a").targetKeyId(keyId));
    // Node B caches the key and the alias.
    SdkBytes blob = b.encrypt(r -> r.keyId("alias/changed-on-a").plaintext(PLAINTEXT)).ciphertextBlob();

    a.disableKey(r -> r.keyId(keyId));
    refusedWithinBound(() -> b.encrypt(r -> r.keyId(keyId).plaintext(PLAINTEXT)), DisabledException.class);
    a.enableKey(r -> r.keyId(keyId));
    allowedWithinBound(() -> b.encrypt(r -> r.keyId(keyId).plaintext(PLAINTEXT)));

    a.putKeyPolicy(r -> r.keyId(keyId).policy(NO_ENCRYPT));
    refusedWithinBound(() -> b.encrypt(r -> r.keyId(keyId).plaintext(PLAINTEXT)), "AccessDeniedException");
    String grantId = a.createGrant(r -> r.keyId(keyId).granteePrincipal(ROOT).operations(GrantOperation.ENCRYPT))
        .grantId();
    allowedWithinBound(() -> b.encrypt(r -> r.keyId(keyId).plaintext(PLAINTEXT)));
    a.revokeGrant(r -> r.keyId(keyId).grantId(grantId));
    refusedWithinBound(() -> b.encrypt(r -> r.keyId(keyId).plaintext(PLAINTEXT)), "AccessDeniedException");

    a.deleteAlias(r -> r.aliasName("alias/changed-on-a"));
    refusedWithinBound(() -> b.describeKey(r -> r.keyId("alias/changed-on-a")), NotFoundException.class);

    assertThat(b.decrypt(r -> r.ciphertextBlob(blob)).plaintext()).isEqualTo(PLAINTEXT);
    a.scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(7));
    refusedWithinBound(() -> b.decrypt(r -> r.ciphertextBlob(blob)), KmsInvalidStateException.class);
  }

  @Test
  @Order(3)
  void aKeyDueForDeletionIsDestroyedOnceWithBothNodesRunningScheduledWork() throws Exception {
    String keyId = a.createKey(k -> k.description("destroyed once")).keyMetadata().keyId();
    SdkBytes blob = b.encrypt(r -> r.keyId(keyId).plaintext(PLAINTEXT)).ciphertextBlob();
    a.scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(7));
    // Seven days pass for this key: its deletion date moves into the past, behind both nodes' backs.
    try (Connection database = DriverManager.getConnection(url);
        PreparedStatement due = database.prepareStatement("UPDATE keys SET deletion_date = ? WHERE key_id = ?")) {
      due.setObject(1, OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1));
      due.setString(2, keyId);
      assertThat(due.executeUpdate()).isEqualTo(1);
    }
    destroyedKeyId = keyId;

    assertThat(SigV4Process.within(Duration.ofSeconds(60), () -> isGone(a, keyId) && isGone(b, keyId))).isTrue();
    assertThatThrownBy(() -> b.decrypt(r -> r.ciphertextBlob(blob))).isInstanceOf(KmsException.class);
  }

  @Test
  @Order(4)
  void bothNodesChainsVerifyAndTheDestructionIsRecordedOnce() throws Exception {
    assertThat(destroyedKeyId).as("the destruction test ran").isNotNull();
    // Stopped, so each trail is closed with its last digest.
    stopNodes();
    Path audit = base.resolve("data").resolve("audit");
    VerifyReport report = new TrailVerifier(TrailVerifier.publicKeysIn(audit)).verify(audit);
    assertThat(report.ok()).as(report.summary()).isTrue();
    assertThat(report.nodes()).isEqualTo(2);

    List<String> deletions = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (Stream<Path> files = Files.list(audit)) {
      for (Path file : files.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList()) {
        for (String line : Files.readAllLines(file)) {
          JsonNode record = json.readTree(line);
          if ("DeleteKey".equals(record.path("eventName").asText()) && line.contains(destroyedKeyId)) {
            deletions.add(record.path("integrity").path("node").asText());
          }
        }
      }
    }
    assertThat(deletions).as("DeleteKey events of the key, by node").hasSize(1);
  }

  private static boolean isGone(KmsClient kms, String keyId) {
    try {
      kms.describeKey(r -> r.keyId(keyId));
      return false;
    } catch (NotFoundException e) {
      return true;
    }
  }

  /** Polls node B until the call fails with that exception; the first refusal must come within the bound. */
  private static void refusedWithinBound(Runnable call, Class<? extends KmsException> refusal) {
    awaitWithinBound(() -> {
      try {
        call.run();
        return false;
      } catch (KmsException e) {
        if (refusal.isInstance(e)) {
          return true;
        }
        throw e;
      }
    });
  }

  private static void refusedWithinBound(Runnable call, String errorCode) {
    awaitWithinBound(() -> {
      try {
        call.run();
        return false;
      } catch (KmsException e) {
        if (errorCode.equals(e.awsErrorDetails().errorCode())) {
          return true;
        }
        throw e;
      }
    });
  }

  private static void allowedWithinBound(Runnable call) {
    awaitWithinBound(() -> {
      try {
        call.run();
        return true;
      } catch (KmsException e) {
        return false;
      }
    });
  }

  /** Measured from the change's response: every attempt that starts within the bound counts. */
  private static void awaitWithinBound(java.util.function.BooleanSupplier attempt) {
    long start = System.nanoTime();
    while (!attempt.getAsBoolean()) {
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the change is in force on node B")
          .isLessThan(BOUND);
      Thread.onSpinWait();
    }
  }

  private static void closeQuietly(KmsClient... clients) {
    for (KmsClient client : clients) {
      if (client != null) {
        client.close();
      }
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
