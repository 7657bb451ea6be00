package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/**
 * Issue 10's observability on a real node (its own process, as {@code trent-server serve} runs, with
 * {@code TRENT_SERVER_LOG_FORMAT=json} and debug lines): {@code GET /metrics} after a known set of requests counts
 * exactly those per operation and error type, with histograms, HSM call, session pool, worker queue, audit sync,
 * database pool and JVM meters; every JSON log line of a request carries its {@code x-amzn-RequestId}; and the log
 * holds none of the plaintexts, data keys or the PIN the requests and the token used.
 */
class ObservabilityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private static Path base;
  private static ServerNode node;
  private static String keyId;
  private static final byte[] PLAINTEXT = ("observability-secret-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
  private static final List<byte[]> DATA_KEYS = new ArrayList<>();
  private static final List<String> REQUEST_IDS = new ArrayList<>();
  private static String scrape;

  @BeforeAll
  static void requestsOnANodeWithJsonLogs() throws Exception {
    base = Trent.buildDir().resolve("observability-it");
    if (Files.exists(base)) {
      try (var paths = Files.walk(base)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(base);
    node = ServerNode.start(base, "trent-obs-it", Map.of("TRENT_SERVER_LOG_FORMAT", "json", "TRENT_LOG_LEVEL", "debug"));
    try (KmsClient kms = node.client()) {
      var created = kms.createKey(b -> b.description("observability"));
      keyId = created.keyMetadata().keyId();
      REQUEST_IDS.add(created.responseMetadata().requestId());
      SdkBytes blob = null;
      for (int i = 0; i < 3; i++) {
        var encrypted = kms.encrypt(b -> b.keyId(keyId).plaintext(SdkBytes.fromByteArray(PLAINTEXT)));
        blob = encrypted.ciphertextBlob();
        REQUEST_IDS.add(encrypted.responseMetadata().requestId());
      }
      SdkBytes ciphertext = blob;
      var decrypted = kms.decrypt(b -> b.ciphertextBlob(ciphertext));
      assertThat(decrypted.plaintext().asByteArray()).isEqualTo(PLAINTEXT);
      REQUEST_IDS.add(decrypted.responseMetadata().requestId());
      REQUEST_IDS.add(refused(InvalidCiphertextException.class,
          () -> kms.decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(new byte[64])))));
      // A well-formed blob whose tag does not verify: the HSM's decrypt fails.
      byte[] tampered = ciphertext.asByteArray();
      tampered[tampered.length - 1] ^= 1;
      REQUEST_IDS.add(refused(InvalidCiphertextException.class,
          () -> kms.decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(tampered)))));
      for (int i = 0; i < 2; i++) {
        GenerateDataKeyResponse dataKey = kms.generateDataKey(b -> b.keyId(keyId).keySpec(DataKeySpec.AES_256));
        DATA_KEYS.add(dataKey.plaintext().asByteArray());
        REQUEST_IDS.add(dataKey.responseMetadata().requestId());
      }
      REQUEST_IDS.add(refused(NotFoundException.class, () -> kms.describeKey(b -> b.keyId("alias/not-there"))));
    }
    assertThat(get("/health").statusCode()).isEqualTo(200);
    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    scrape = metrics.body();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (node != null) {
      node.close();
    }
  }

  private static String refused(Class<? extends KmsException> type, Runnable call) {
    KmsException[] thrown = new KmsException[1];
    assertThatThrownBy(call::run).isInstanceOfSatisfying(type, e -> thrown[0] = e);
    return thrown[0].requestId();
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The value of the sample named exactly {@code series} (name and labels as Prometheus writes them), or null. */
  private static Double sample(String series) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.valueOf(line.substring(series.length() + 1).trim().split(" ")[0]);
      }
    }
    return null;
  }

  private static double total(String name) {
    double sum = 0;
    for (String line : scrape.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        String[] parts = line.trim().split(" ");
        sum += Double.parseDouble(parts[parts.length - 1]);
      }
    }
    return sum;
  }

  private static Double requests(String operation, String outcome, String errorType) {
    return sample("trent_requests_seconds_count{error_type=\"" + errorType + "\",operation=\"" + operation
        + "\",outcome=\"" + outcome + "\"}");
  }

  private static Double hsmCalls(String operation, String mechanism) {
    return sample("trent_hsm_calls_seconds_count{mechanism=\"" + mechanism + "\",operation=\"" + operation
        + "\",outcome=\"success\"}");
  }

  @Test
  void metricsCountExactlyTheRequestsSentPerOperationAndErrorType() {
    assertThat(requests("CreateKey", "success", "None")).isEqualTo(1.0);
    assertThat(requests("Encrypt", "success", "None")).isEqualTo(3.0);
    assertThat(requests("Decrypt", "success", "None")).isEqualTo(1.0);
    assertThat(requests("Decrypt", "client_error", "InvalidCiphertextException")).isEqualTo(2.0);
    assertThat(requests("GenerateDataKey", "success", "None")).isEqualTo(2.0);
    assertThat(requests("DescribeKey", "client_error", "NotFoundException")).isEqualTo(1.0);
    assertThat(total("trent_requests_seconds_count")).isEqualTo(10.0); // /health and /metrics are not requests
    assertThat(sample("trent_requests_seconds_bucket{error_type=\"None\",operation=\"Encrypt\",outcome=\"success\","
        + "le=\"+Inf\"}")).isEqualTo(3.0);
    assertThat(scrape).contains("trent_requests_seconds_bucket{error_type=\"None\",operation=\"Encrypt\","
        + "outcome=\"success\",le=\"0.001\"}");
    // High cardinality and not a metric's business: key ids never appear.
    assertThat(scrape).doesNotContain(keyId);
  }

  @Test
  void metricsShowTheHsmTheQueueTheAuditTrailTheDatabaseAndTheJvm() {
    assertThat(hsmCalls("createSymmetricKey", "AES_256")).isGreaterThanOrEqualTo(1.0);
    assertThat(hsmCalls("encrypt", "AES_GCM")).isGreaterThanOrEqualTo(3.0);
    assertThat(hsmCalls("decrypt", "AES_GCM")).isGreaterThanOrEqualTo(1.0);
    assertThat(sample("trent_hsm_calls_seconds_count{mechanism=\"AES_GCM\",operation=\"decrypt\","
        + "outcome=\"InvalidCiphertextException\"}")).isEqualTo(1.0);
    assertThat(hsmCalls("generateDataKey", "AES_GCM")).isGreaterThanOrEqualTo(2.0);
    assertThat(sample("trent_hsm_sessions_max")).isEqualTo(4.0);
    assertThat(sample("trent_hsm_sessions{state=\"in_use\"}")).isNotNull();
    assertThat(sample("trent_hsm_sessions{state=\"idle\"}")).isGreaterThanOrEqualTo(1.0);
    assertThat(sample("trent_hsm_sessions_waiting")).isEqualTo(0.0);
    assertThat(sample("trent_hsm_session_borrow_seconds_count")).isGreaterThanOrEqualTo(7.0);
    assertThat(sample("trent_hsm_session_borrow_timeouts_total")).isEqualTo(0.0);
    assertThat(sample("trent_hsm_queue_depth")).isEqualTo(0.0);
    assertThat(sample("trent_hsm_queue_capacity")).isEqualTo(4096.0);
    assertThat(sample("trent_hsm_workers")).isEqualTo(2.0);
    // Every request's event went through a group commit.
    assertThat(sample("trent_audit_sync_seconds_count")).isGreaterThanOrEqualTo(1.0);
    assertThat(sample("trent_audit_sync_records_sum")).isGreaterThanOrEqualTo(10.0);
    assertThat(sample("hikaricp_connections_max{pool=\"trent-metadata\"}")).isEqualTo(4.0);
    assertThat(sample("hikaricp_connections_active{pool=\"trent-metadata\"}")).isNotNull();
    assertThat(sample("hikaricp_connections_pending{pool=\"trent-metadata\"}")).isEqualTo(0.0);
    assertThat(scrape).contains("jvm_memory_used_bytes{", "jvm_threads_live_threads ", "process_cpu_usage ");
  }

  private static List<JsonNode> jsonLines() throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(base.resolve("server.log"))) {
      if (line.startsWith("{")) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }

  @Test
  void everyJsonLogLineOfARequestCarriesItsRequestId() throws IOException {
    List<String> text = Files.readAllLines(base.resolve("server.log"));
    List<JsonNode> lines = jsonLines();
    // From the configuration on, every line is JSON.
    int first = 0;
    while (first < text.size() && !text.get(first).startsWith("{")) {
      first++;
    }
    assertThat(text.subList(first, text.size())).isNotEmpty().allMatch(line -> line.startsWith("{"));
    assertThat(REQUEST_IDS).hasSize(10).doesNotHaveDuplicates();
    for (String id : REQUEST_IDS) {
      assertThat(lines).as(id).anyMatch(l -> id.equals(l.path("mdc").path("requestId").asText()));
      assertThat(lines.stream().filter(l -> l.path("formattedMessage").asText().contains(id)))
          .as(id).allMatch(l -> id.equals(l.path("mdc").path("requestId").asText()));
    }
  }

  @Test
  void theLogHoldsNoPlaintextDataKeyOrPin() throws IOException {
    String log = Files.readString(base.resolve("server.log"));
    String pin = Files.readString(base.resolve("data").resolve("pin")).trim();
    assertThat(pin).isNotEmpty();
    List<String> secrets = new ArrayList<>(List.of(new String(PLAINTEXT, StandardCharsets.UTF_8),
        Base64.getEncoder().encodeToString(PLAINTEXT), HexFormat.of().formatHex(PLAINTEXT), pin));
    for (byte[] key : DATA_KEYS) {
      secrets.add(Base64.getEncoder().encodeToString(key));
      secrets.add(HexFormat.of().formatHex(key));
      secrets.add(HexFormat.of().withUpperCase().formatHex(key));
    }
    assertThat(jsonLines()).hasSizeGreaterThan(REQUEST_IDS.size());
    for (String secret : secrets) {
      assertThat(log).doesNotContain(secret);
    }
  }
}
