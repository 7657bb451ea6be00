package io.trent.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trent.core.auth.Caller;
import io.trent.core.error.KmsInternalException;
import io.trent.core.error.NotFoundException;
import io.trent.server.config.ServerConfig;
import io.trent.server.http.HealthStatus;
import io.trent.server.http.KmsHttpServer;
import io.trent.server.http.KmsRequestDispatcher;
import io.trent.server.http.RequestInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * JSON logs: every line a request logs carries its {@code x-amzn-RequestId} in {@code mdc.requestId}, on the event
 * loop, on the HSM worker (core's System.Logger lines too) and on the thread that completes it later (the audit
 * trail's sync thread in the server; a stand-in here).
 */
@Timeout(30)
class RequestLogLinesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PLAINTEXT = "c2VjcmV0LXBsYWludGV4dC0xMjM0NQ==";

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  // Completes a request after its worker returned, as the audit trail's sync thread does.
  private final ExecutorService completer = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-audit-sync"));
  private final ch.qos.logback.classic.Logger trent =
      (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.trent");
  private KmsHttpServer server;

  @BeforeEach
  void jsonAtDebug() {
    LogOutput.useJson(out);
    trent.setLevel(Level.DEBUG);
  }

  @AfterEach
  void back() {
    if (server != null) {
      server.close();
    }
    completer.shutdownNow();
    trent.setLevel(null);
    LogOutput.useDefault();
  }

  /** A dispatcher that logs as the layers below the transport do, and fails as they may. */
  private final KmsRequestDispatcher dispatcher = new KmsRequestDispatcher() {
    private final System.Logger core = System.getLogger("io.trent.core.service.Fake");

    @Override
    public byte[] dispatch(String operation, byte[] body, Caller caller, String sourceIp) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<byte[]> dispatchAsync(RequestInfo request, byte[] body, Caller caller) {
      core.log(System.Logger.Level.INFO, "core works on " + request.operation());
      return switch (request.operation()) {
        case "Encrypt" -> CompletableFuture.completedFuture("{}".getBytes(StandardCharsets.UTF_8));
        case "DescribeKey" -> CompletableFuture.failedFuture(new NotFoundException("Key 'x' does not exist"));
        default -> completedLater(new KmsInternalException("The HSM failed (CKR_DEVICE_ERROR)"));
      };
    }

    /** Fails on the completer thread once the transport waits on it, as an audit sync does after the worker returned. */
    private CompletableFuture<byte[]> completedLater(RuntimeException failure) {
      CompletableFuture<byte[]> later = new CompletableFuture<>();
      completer.execute(() -> {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (later.getNumberOfDependents() == 0 && System.nanoTime() < deadline) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        later.completeExceptionally(failure);
      });
      return later;
    }
  };

  private String send(String operation, String body) throws IOException, InterruptedException {
    return send(operation, body, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/kms/aws4_request, "
        + "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0000");
  }

  private String send(String operation, String body, String authorization) throws IOException, InterruptedException {
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/"))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-amz-json-1.1")
        .header("X-Amz-Target", "TrentService." + operation)
        .header("X-Amz-Date", "20250101T000000Z")
        .header("Authorization", authorization)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    return response.headers().firstValue("x-amzn-RequestId").orElseThrow();
  }

  private List<JsonNode> lines() throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    String text;
    synchronized (out) {
      text = out.toString(StandardCharsets.UTF_8);
    }
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }

  @Test
  void everyLineOfARequestCarriesItsRequestId() throws Exception {
    server = KmsHttpServer.start(new ServerConfig("127.0.0.1", 0, 1024, 2, 16, 1 << 20, 1,
        List.of("127.0.0.1"), List.of()), dispatcher, () -> HealthStatus.up("fake"));

    List<String> ids = List.of(send("Encrypt", "{\"Plaintext\":\"" + PLAINTEXT + "\"}"), send("Encrypt", "{}"),
        send("DescribeKey", "{}"), send("Decrypt", "{}"));
    // Refused on the event loop, before any worker: its debug line is the event loop's.
    String unsigned = send("Encrypt", "{}", "Bearer not-sigv4");
    server.close(); // every line is written
    server = null;

    List<JsonNode> lines = lines();
    for (String id : ids) {
      List<JsonNode> own = lines.stream().filter(l -> id.equals(l.path("mdc").path("requestId").asText())).toList();
      // At least the worker's debug line and core's line; the failure's warning too for Decrypt.
      assertThat(own).as(id).hasSizeGreaterThanOrEqualTo(2);
      assertThat(own).as(id).anyMatch(l -> l.path("loggerName").asText().equals("io.trent.core.service.Fake"));
      // Any line that names the request is the request's own.
      assertThat(lines.stream().filter(l -> l.path("formattedMessage").asText().contains(id)))
          .as(id).allMatch(l -> id.equals(l.path("mdc").path("requestId").asText()));
    }
    assertThat(lines).anyMatch(l -> unsigned.equals(l.path("mdc").path("requestId").asText())
        && l.path("threadName").asText().startsWith("trent-io")
        && l.path("formattedMessage").asText().contains("not authenticated"));
    JsonNode failure = lines.stream().filter(l -> l.path("level").asText().equals("WARN")).findFirst().orElseThrow();
    assertThat(failure.path("threadName").asText()).isEqualTo("test-audit-sync");
    assertThat(failure.path("mdc").path("requestId").asText()).isEqualTo(ids.get(3));
    assertThat(failure.path("formattedMessage").asText()).contains("Decrypt");
    assertThat(failure.has("throwable")).isTrue();
    // The JSON form keeps what the text form had, and only once.
    assertThat(lines.get(0).fieldNames()).toIterable()
        .contains("timestamp", "level", "threadName", "loggerName", "formattedMessage")
        .doesNotContain("message", "arguments");
    String all;
    synchronized (out) {
      all = out.toString(StandardCharsets.UTF_8);
    }
    assertThat(all).doesNotContain(PLAINTEXT);
  }
}
