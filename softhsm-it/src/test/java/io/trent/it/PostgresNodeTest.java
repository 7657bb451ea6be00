package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.metadata.jdbc.testing.PostgresExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DependencyTimeoutException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;

/**
 * A server started as {@code ./trent dev --data-dir D --metadata-url jdbc:postgresql://...} keeps its
 * key metadata in PostgreSQL: the README flow through the SDK v2 (create a key, an alias, encrypt and
 * decrypt), then a restart on the same data directory and database, and everything is still there;
 * then PostgreSQL stops and starts again under the running node, which answers the retryable error
 * meanwhile and recovers by itself.
 */
class PostgresNodeTest {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  @Test
  void theReadmeFlowOnPostgresSurvivesARestart() throws Exception {
    Path base = fresh(Trent.buildDir().resolve("postgres-node-it"));
    String url = POSTGRES.newDatabase();
    SdkBytes plaintext = SdkBytes.fromUtf8String("kept in PostgreSQL");
    Map<String, String> context = Map.of("purpose", "postgres-node-it");
    KeyMetadata key;
    SdkBytes blob;
    try (ServerNode node = ServerNode.start(base, "trent-pg-it", "--metadata-url", url);
        KmsClient kms = node.client()) {
      key = kms.createKey(b -> b.description("on PostgreSQL")).keyMetadata();
      kms.createAlias(b -> b.aliasName("alias/on-postgres").targetKeyId(key.keyId()));
      blob = kms.encrypt(b -> b.keyId("alias/on-postgres").plaintext(plaintext).encryptionContext(context))
          .ciphertextBlob();
      assertThat(kms.decrypt(b -> b.ciphertextBlob(blob).encryptionContext(context)).plaintext())
          .isEqualTo(plaintext);
    }
    // Nothing of the metadata went to the embedded database.
    assertThat(base.resolve("data").resolve("metadata")).doesNotExist();

    try (ServerNode node = ServerNode.start(base, "trent-pg-it", "--metadata-url", url);
        KmsClient kms = node.client()) {
      assertThat(kms.describeKey(b -> b.keyId("alias/on-postgres")).keyMetadata()).isEqualTo(key);
      assertThat(kms.listAliases(b -> b.keyId(key.keyId())).aliases())
          .anyMatch(alias -> alias.aliasName().equals("alias/on-postgres"));
      assertThat(kms.decrypt(b -> b.ciphertextBlob(blob).encryptionContext(context)).plaintext())
          .isEqualTo(plaintext);
      SdkBytes again = kms.encrypt(b -> b.keyId(key.arn()).plaintext(plaintext)).ciphertextBlob();
      assertThat(kms.decrypt(b -> b.ciphertextBlob(again)).plaintext()).isEqualTo(plaintext);

      assertThat(health(node)).isEqualTo(200);
      // The database goes away: a retryable error within the store's bound, never a hang; /health says so.
      POSTGRES.server().stop();
      try {
        assertThat(health(node)).isEqualTo(503);
        long start = System.nanoTime();
        assertThatThrownBy(() -> kms.createKey(b -> b.description("while the database is down")))
            .isInstanceOfSatisfying(DependencyTimeoutException.class, e -> {
              // 500: the SDKs' standard retry policy retries it.
              assertThat(e.statusCode()).isEqualTo(500);
              assertThat(e.awsErrorDetails().errorMessage())
                  .isEqualTo("The system timed out while trying to fulfill the request. You can retry the request.");
            });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
      } finally {
        POSTGRES.server().startAgain();
      }
      // Back: the same node serves writes again by itself.
      assertThat(SigV4Process.within(Duration.ofSeconds(60), () -> createsAKey(kms))).isTrue();
      assertThat(kms.describeKey(b -> b.keyId("alias/on-postgres")).keyMetadata()).isEqualTo(key);
      assertThat(health(node)).isEqualTo(200);
    }
  }

  /** The status of {@code GET /health}, answered within the store's bound. */
  private static int health(ServerNode node) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/health"))
        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static boolean createsAKey(KmsClient kms) {
    try {
      kms.createKey(b -> b.description("after the outage"));
      return true;
    } catch (DependencyTimeoutException e) {
      return false;
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
