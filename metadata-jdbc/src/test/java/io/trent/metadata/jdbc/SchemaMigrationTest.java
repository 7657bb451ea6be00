package io.trent.metadata.jdbc;

import static io.trent.core.testing.SampleKeys.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.auth.Principal;
import io.trent.core.auth.PrincipalTags;
import io.trent.core.catalog.KeyCatalog;
import io.trent.core.key.AccountRegion;
import io.trent.core.grant.GrantConstraints;
import io.trent.core.grant.GrantOperation;
import io.trent.core.grant.KmsGrant;
import io.trent.core.key.Alias;
import io.trent.core.key.KeyMaterial;
import io.trent.core.key.KeySpec;
import io.trent.core.key.KeyState;
import io.trent.core.key.KeyUsage;
import io.trent.core.key.KmsKey;
import io.trent.core.key.Origin;
import io.trent.core.key.RotationType;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.key.Tag;
import io.trent.core.testing.SampleKeys;
import io.trent.policy.DefaultKeyPolicy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A database created by the previous release (schema V1) opens with its keys and gains the new features. */
class SchemaMigrationTest {
  @TempDir Path dataDir;

  @Test
  void upgradesAVersionOneDatabaseKeepingItsKeys() throws Exception {
    String url = Tables.url(dataDir);
    Flyway.configure().dataSource(url, "trent", "").locations("classpath:db/migration").target("1").load()
        .migrate();
    try (Connection connection = DriverManager.getConnection(url, "trent", "");
        Statement statement = connection.createStatement()) {
      statement.execute("INSERT INTO keys (key_id, created_at, description, key_spec, key_usage, origin, key_state,"
          + " deletion_date, pending_window_days) VALUES ('old', TIMESTAMP WITH TIME ZONE '2024-05-06 07:08:09.123Z',"
          + " 'from V1', 'SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT', 'AWS_KMS', 'Enabled', NULL, NULL)");
      statement.execute("INSERT INTO key_materials (key_id, ordinal, material_id, created_at, is_current)"
          + " VALUES ('old', 0, '" + SampleKeys.materialId(1).toHex() + "',"
          + " TIMESTAMP WITH TIME ZONE '2024-05-06 07:08:09.123Z', TRUE)");
      statement.execute("INSERT INTO key_tags (key_id, ordinal, tag_key, tag_value) VALUES ('old', 0, 'env', 'prod')");
      statement.execute("INSERT INTO aliases (alias_name, target_key_id, created_at, last_updated_at) VALUES"
          + " ('alias/old', 'old', TIMESTAMP WITH TIME ZONE '2024-05-06 07:08:09.123Z',"
          + " TIMESTAMP WITH TIME ZONE '2024-05-06 07:08:09.123Z')");
    }

    // Rows from before keys had an account and region (V10) belong to the configured identity's.
    AccountRegion configured = new AccountRegion("aws", "444455556666", "eu-west-1");
    try (JdbcMetadataStore store = JdbcMetadataStore.openEmbedded(dataDir, configured)) {
      KmsKey old = KmsKey.create(configured, "old", T0, "from V1", KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT,
          Origin.AWS_KMS, KeyState.Enabled, List.of(KeyMaterial.initial(SampleKeys.materialId(1), T0)),
          List.of(new Tag("env", "prod")), null);
      assertThat(store.findKey("old")).contains(old);
      // A key from before key policies has none stored, and reads its account's default key policy.
      assertThat(old.policy()).isNull();
      assertThat(store.findKey("old").orElseThrow().arn().value())
          .isEqualTo("arn:aws:kms:eu-west-1:444455556666:key/old");
      assertThat(new KeyCatalog(store, new ServiceIdentity("aws", "eu-west-1", "444455556666")).findKey("old")
          .orElseThrow().policy()).isEqualTo(DefaultKeyPolicy.text("444455556666"));
      assertThat(store.findAlias(configured, "alias/old")).contains(new Alias(configured, "alias/old", "old", T0, T0));
      assertThat(store.findAlias(SampleKeys.HOME, "alias/old")).isEmpty();
      assertThat(store.listKeys(configured, 10, null).items()).containsExactly(old);
      assertThat(store.listKeys(SampleKeys.HOME, 10, null).items()).isEmpty();
      // Alias names are unique per account and region only.
      assertThat(store.insertAlias(new Alias(configured, "alias/old", "old", T0, T0))).isFalse();
      assertThat(store.insertAlias(new Alias(configured.withRegion("us-west-2"), "alias/old", "old", T0, T0))).isTrue();

      KmsKey rotated = old.withNewCurrentMaterial(new KeyMaterial(SampleKeys.materialId(2),
          T0.plus(Duration.ofDays(365)), true, RotationType.AUTOMATIC, 0)).withRotation(365, T0);
      store.updateKey(rotated);
      assertThat(store.findKeysWithMaintenanceDue(T0)).containsExactly(rotated);
      KmsGrant grant = new KmsGrant("old", "a".repeat(64), "upgrade", T0, "arn:aws:iam::111122223333:user/app",
          null, "arn:aws:iam::111122223333:root", List.of(GrantOperation.Decrypt),
          new GrantConstraints(Map.of("k", "v"), null));
      assertThat(store.insertGrant(grant, 10)).isTrue();
      assertThat(store.listGrantsOfKey("old")).containsExactly(grant);
      store.deleteKey("old", T0.plus(Duration.ofDays(900)));
      assertThat(store.listDestructions("old")).hasSize(2);
      assertThat(store.listGrantsOfKey("old")).isEmpty();
    }

    try (Connection connection = DriverManager.getConnection(url, "trent", "");
        Statement statement = connection.createStatement();
        ResultSet resultSet = statement.executeQuery(
            "SELECT \"version\", \"success\" FROM \"flyway_schema_history\" WHERE \"version\" IS NOT NULL"
                + " ORDER BY \"installed_rank\"")) {
      List<String> applied = new ArrayList<>();
      while (resultSet.next()) {
        applied.add(resultSet.getString(1) + ":" + resultSet.getBoolean(2));
      }
      assertThat(applied).containsExactly("1:true", "2:true", "3:true", "4:true", "5:true", "6:true", "7:true", "8:true",
          "9:true", "10:true", "11:true", "12:true");
    }
  }

  @Test
  void aVersionEightPrincipalGainsTagsAfterTheUpgrade() throws Exception {
    String url = Tables.url(dataDir);
    Flyway.configure().dataSource(url, "trent", "").locations("classpath:db/migration").target("8").load()
        .migrate();
    String arn = "arn:aws:iam::111122223333:user/alice";
    try (Connection connection = DriverManager.getConnection(url, "trent", "");
        Statement statement = connection.createStatement()) {
      statement.execute("INSERT INTO principals (arn, account_id, policy, created_at) VALUES ('" + arn + "',"
          + " '111122223333', NULL, TIMESTAMP WITH TIME ZONE '2024-05-06 07:08:09.123Z')");
    }

    try (JdbcMetadataStore store = JdbcMetadataStore.openEmbedded(dataDir)) {
      Principal before = store.findPrincipal(arn).orElseThrow();
      assertThat(before.tags().isEmpty()).isTrue();
      store.putPrincipal(new Principal(before.arn(), null, T0, new PrincipalTags(Map.of("team", "crypto"))));
      assertThat(store.findPrincipal(arn).orElseThrow().tags().values()).containsExactly(Map.entry("team", "crypto"));
    }
  }
}
