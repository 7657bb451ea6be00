package io.trent.it;

import static io.trent.it.KmsLoad.health;
import static io.trent.it.KmsLoad.within;
import static org.assertj.core.api.Assertions.assertThat;

import io.trent.it.KmsLoad.DataKey;
import io.trent.it.KmsLoad.Outcome;
import io.trent.metadata.jdbc.testing.PostgresExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;

/**
 * The metadata database hangs (every PostgreSQL process stopped with SIGSTOP: connections stay open
 * and nothing answers) while a node on PostgreSQL serves GenerateDataKey and Decrypt to several SDK
 * v2 clients ({@link KmsLoad}), and a client tries to create keys. A write fails with the retryable
 * DependencyTimeoutException within the store's bound, the load's requests are answered within a
 * bound (the data plane reads keys from the node's cache, so they mostly succeed) and never wrongly,
 * {@code GET /health} is 503; once the database answers again the node serves everything by itself.
 */
class DatabaseOutageUnderLoadTest {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  private static final int CLIENTS = 4;
  /**
   * The longest a request may wait for a database that does not answer: the connection timeout plus
   * the statement timeout (5 s each by default), with room for a loaded machine.
   */
  private static final Duration CALL_BOUND = Duration.ofSeconds(30);
  private static final Duration NOTICE_BOUND = Duration.ofSeconds(60);
  private static final Duration RECOVERY_BOUND = Duration.ofSeconds(60);
  private static final Set<String> RETRYABLE = Set.of("KMSInternalException", "DependencyTimeoutException");
  private static final Map<String, String> CONTEXT = Map.of("purpose", "db-outage-it");

  @Test
  void aHungDatabaseGivesRetryableErrorsWithinTheBoundUnderLoad() throws Exception {
    Path base = HsmOutageTest.fresh(Trent.buildDir().resolve("db-outage-it"));
    String url = POSTGRES.newDatabase();
    try (ServerNode node = ServerNode.start(base, "trent-db-outage-it", "--metadata-url", url);
        KmsClient kms = node.client()) {
      String keyId = kms.createKey(b -> b.description("DatabaseOutageUnderLoadTest")).keyMetadata().keyId();
      List<DataKey> before = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        GenerateDataKeyResponse made = kms.generateDataKey(b -> b.keyId(keyId).keySpec(DataKeySpec.AES_256)
            .encryptionContext(CONTEXT));
        before.add(new DataKey(made.plaintext(), made.ciphertextBlob()));
      }

      List<Outcome> writes = new ArrayList<>();
      List<Outcome> all;
      List<DataKey> made;
      long upAt;
      try (KmsLoad load = KmsLoad.start(node, keyId, CONTEXT, before, CLIENTS)) {
        assertThat(within(NOTICE_BOUND, () -> load.count(Outcome::ok) >= 4 * CLIENTS)).isTrue();

        POSTGRES.server().freeze();
        try {
          assertThat(within(NOTICE_BOUND, () -> health(node) == 503)).as("/health is 503 while the database hangs")
              .isTrue();
          for (int i = 0; i < 2; i++) {
            writes.add(KmsLoad.call("CreateKey", () -> kms.createKey(b -> b.description("while it hangs")) != null));
          }
        } finally {
          POSTGRES.server().thaw();
        }
        assertThat(within(RECOVERY_BOUND, () -> health(node) == 200)).as("/health is 200 again by itself").isTrue();
        assertThat(within(RECOVERY_BOUND, () -> KmsLoad.call("CreateKey",
            () -> kms.createKey(b -> b.description("after the outage")) != null).ok())).as("writes work again").isTrue();
        upAt = System.nanoTime();
        assertThat(within(RECOVERY_BOUND, () -> load.count(o -> o.startNanos() > upAt && o.ok()) >= 4 * CLIENTS))
            .isTrue();
        load.close();
        all = load.outcomes();
        made = load.made();
      }

      assertThat(writes).as("a write fails retryably within the bound, never hangs")
          .allMatch(o -> o.status() == 500 && o.type().equals("DependencyTimeoutException")
              && o.nanos() < CALL_BOUND.toNanos());
      assertThat(all).as("no wrong plaintext, ever").noneMatch(Outcome::wrongAnswer);
      assertThat(all).as("every request of the load answered within the bound")
          .allMatch(o -> o.nanos() < CALL_BOUND.toNanos());
      assertThat(all).as("every failure is a retryable 500 with AWS's type")
          .filteredOn(o -> !o.ok()).allMatch(o -> o.status() == 500 && RETRYABLE.contains(o.type()));
      assertThat(all).as("every request made once the database was back succeeded")
          .filteredOn(o -> o.startNanos() > upAt).allMatch(Outcome::ok);
      for (DataKey key : made) {
        assertThat(kms.decrypt(b -> b.ciphertextBlob(key.ciphertext()).encryptionContext(CONTEXT)).plaintext())
            .isEqualTo(key.plaintext());
      }
    }
  }
}
