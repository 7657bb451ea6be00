package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;

/**
 * {@code audit.sync: interval} on a real server, which names the mode in its StartServer event: a response
 * arrives only once its event is written to the
 * trail file, where another reader finds it (the sync itself may follow; with a minute's interval it has not
 * yet). The trail's own tests count the syncs and cover failures (audit module, AuditTrailTest).
 */
class AuditSyncIntervalTest {

  @Test
  void eachResponsesEventIsAlreadyInTheTrailFileWhenTheResponseArrives() throws Exception {
    Trent.restartWithEnvironment(Map.of("TRENT_AUDIT_SYNC", "interval", "TRENT_AUDIT_SYNC_INTERVAL_MILLIS", "60000"));
    try {
      // The server says which mode it runs in: its StartServer event, the last one in the trail.
      String text = trailText();
      String started = text.substring(text.lastIndexOf("\"eventName\":\"StartServer\""));
      assertThat(started).contains("\"audit\":{\"sync\":\"interval\",\"syncIntervalMillis\":60000}");
      String keyId = Trent.newKey("AuditSyncIntervalTest").keyId();
      for (int i = 0; i < 3; i++) {
        GenerateDataKeyResponse response = Trent.kms().generateDataKey(b -> b.keyId(keyId).keySpec(DataKeySpec.AES_256));
        assertThat(trailText()).contains("\"requestID\":\"" + response.responseMetadata().requestId() + "\"");
      }
    } finally {
      Trent.restartWithEnvironment(Map.of());
    }
  }

  /** Every trail file of the fixture's audit directory, as any other process would read it now. */
  private static String trailText() throws IOException {
    StringBuilder text = new StringBuilder();
    try (Stream<Path> files = Files.list(Trent.dataDir().resolve("audit"))) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted().toList()) {
        text.append(Files.readString(file));
      }
    }
    return text.toString();
  }
}
