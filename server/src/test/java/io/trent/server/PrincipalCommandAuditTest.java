package io.trent.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trent.audit.AuditSink;
import io.trent.audit.AuditUnavailableException;
import io.trent.core.auth.Principal;
import io.trent.core.auth.PrincipalArn;
import io.trent.core.spi.MetadataStore;
import io.trent.metadata.jdbc.JdbcMetadataStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code trent principal remove} records its change in the audit trail the command opens, and refuses to change
 * anything when that trail cannot be written. ({@code add} records AddPrincipal the same way; it needs the token,
 * and the event's fields are checked with the server's events in softhsm-it.)
 */
class PrincipalCommandAuditTest {
  private static final String ARN = "arn:aws:iam::111122223333:user/alice";
  private final Function<io.trent.server.config.TrentConfig, AuditSink> original = PrincipalCommand.trail;

  @TempDir Path dataDir;

  @AfterEach
  void restore() {
    PrincipalCommand.trail = original;
  }

  @Test
  void removingAPrincipalIsRecorded() {
    storePrincipal();
    List<ObjectNode> events = new ArrayList<>();
    PrincipalCommand.trail = config -> recording(events, false);

    int exit = new CommandLine(new PrincipalCommand()).execute("remove", "--data-dir", dataDir.toString(), "--arn", ARN);

    assertThat(exit).isZero();
    assertThat(events).hasSize(1);
    ObjectNode event = events.get(0);
    assertThat(event.path("eventName").asText()).isEqualTo("RemovePrincipal");
    assertThat(event.path("eventType").asText()).isEqualTo("AwsServiceEvent");
    assertThat(event.path("serviceEventDetails").path("principalArn").asText()).isEqualTo(ARN);
    assertThat(event.path("eventSource").asText()).isEqualTo("kms.amazonaws.com");
    assertThat(event.has("integrity")).isFalse();
  }

  @Test
  void aTrailThatCannotBeWrittenLeavesThePrincipal() {
    storePrincipal();
    List<ObjectNode> events = new ArrayList<>();
    PrincipalCommand.trail = config -> recording(events, true);

    int exit = new CommandLine(new PrincipalCommand()).execute("remove", "--data-dir", dataDir.toString(), "--arn", ARN);

    assertThat(exit).isEqualTo(1);
    assertThat(events).isEmpty();
    try (MetadataStore store = JdbcMetadataStore.openEmbedded(dataDir)) {
      assertThat(store.findPrincipal(ARN)).isPresent();
    }
  }

  private void storePrincipal() {
    try (MetadataStore store = JdbcMetadataStore.openEmbedded(dataDir)) {
      store.putPrincipal(new Principal(PrincipalArn.parse(ARN), null, Instant.now()));
    }
  }

  private static AuditSink recording(List<ObjectNode> events, boolean failing) {
    return new AuditSink() {
      @Override
      public void checkWritable() {
        if (failing) {
          throw new AuditUnavailableException("simulated: disk full");
        }
      }

      @Override
      public void append(ObjectNode event) {
        checkWritable();
        events.add(event);
      }
    };
  }
}
