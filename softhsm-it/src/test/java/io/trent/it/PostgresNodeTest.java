package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.trent.metadata.jdbc.testing.PostgresExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;

/**
 * A server started as {@code ./trent dev --data-dir D --metadata-url jdbc:postgresql://...} keeps its
 * key metadata in PostgreSQL: the README flow through the SDK v2 (create a key, an alias, encrypt and
 * decrypt), then a restart on the same data directory and database, and everything is still there.
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
