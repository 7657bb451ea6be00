package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.metadata.jdbc.testing.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * {@code trent-server reconcile --metadata-url} reads a PostgreSQL store: after a node on PostgreSQL is killed
 * inside a rotation, it finds exactly that rotation's material (a reconcile that read any other store would call
 * the key's own material an orphan too), repairs it on the operator's word, and then reports no drift.
 */
class CrashOnPostgresTest {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  @Test
  void reconcileReadsThePostgresStoreItIsGiven() throws Exception {
    Path base = Trent.buildDir().resolve("crash-postgres-it");
    if (Files.exists(base)) {
      try (var paths = Files.walk(base)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
    Files.createDirectories(base);
    String url = POSTGRES.newDatabase();
    String keyId;
    SdkBytes blob;
    try (ServerNode node = ServerNode.start(base, "trent-crash-pg-it", List.of("-Dtrent.test.haltAt=rotate.afterHsm"),
        "--metadata-url", url); KmsClient kms = node.client()) {
      keyId = kms.createKey(b -> b.description("on PostgreSQL")).keyMetadata().keyId();
      blob = kms.encrypt(b -> b.keyId(keyId).plaintext(SdkBytes.fromUtf8String("kept"))).ciphertextBlob();
      assertThatThrownBy(() -> kms.rotateKeyOnDemand(b -> b.keyId(keyId))).isInstanceOf(SdkClientException.class);
      assertThat(node.awaitExit()).isEqualTo(137);
    }

    ServerNode.Reconciliation found = ServerNode.reconcile(base, "--metadata-url", url);
    assertThat(found.status()).as(found.lines().toString()).isEqualTo(3);
    assertThat(found.findings()).as(found.lines().toString()).singleElement()
        .satisfies(line -> assertThat(line).startsWith("UNCOMMITTED_ROTATION key=" + keyId + " "));
    ServerNode.Reconciliation repaired = ServerNode.reconcile(base, "--metadata-url", url, "--repair",
        "--destroy-untracked");
    assertThat(repaired.status()).as(repaired.lines().toString()).isZero();

    try (ServerNode node = ServerNode.start(base, "trent-crash-pg-it", "--metadata-url", url);
        KmsClient kms = node.client()) {
      assertThat(kms.decrypt(b -> b.ciphertextBlob(blob)).plaintext().asUtf8String()).isEqualTo("kept");
    }
    ServerNode.Reconciliation clean = ServerNode.reconcile(base, "--metadata-url", url);
    assertThat(clean.status()).as(clean.lines().toString()).isZero();
  }
}
