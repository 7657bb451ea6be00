package io.trent.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.error.KmsInternalException;
import io.trent.core.error.NotFoundException;
import io.trent.core.error.UnknownOperationException;
import io.trent.server.config.LogFormat;
import io.trent.server.config.ServerConfig;
import io.trent.server.metrics.ServerMetrics;
import io.trent.server.protocol.KmsJsonProtocol;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code GET /metrics} over the HTTP transport with fake dispatchers: what the transport itself counts. */
@Timeout(30)
class MetricsEndpointTest {
  private static final String AMZ_JSON = "application/x-amz-json-1.1";

  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private final ServerMetrics metrics = new ServerMetrics(KmsJsonProtocol::modelled);
  private KmsHttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    metrics.close();
  }

  private void start(ServerConfig config, KmsRequestDispatcher dispatcher) {
    server = KmsHttpServer.start(config, null, dispatcher, () -> HealthStatus.up("fake"), null, null, metrics);
  }

  private HttpRequest post(String target) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", AMZ_JSON)
        .header("X-Amz-Date", "20250101T000000Z")
        .header("Authorization", KmsHttpServerTest.AUTHORIZATION)
        .POST(HttpRequest.BodyPublishers.ofString("{}"));
    if (target != null) {
      request.header("X-Amz-Target", target);
    }
    return request.build();
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(10)).GET().build());
  }

  private String scrape() throws IOException, InterruptedException {
    HttpResponse<String> response = get("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(ServerMetrics.CONTENT_TYPE);
    return response.body();
  }

  /** The value of the one sample {@code series} (name and labels, as Prometheus writes them), or null. */
  static Double sample(String scrape, String series) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.valueOf(line.substring(series.length() + 1).trim().split(" ")[0]);
      }
    }
    return null;
  }

  private static String requests(String operation, String outcome, String errorType) {
    return "trent_requests_seconds_count{error_type=\"" + errorType + "\",operation=\"" + operation
        + "\",outcome=\"" + outcome + "\"}";
  }

  /** The sum of every sample of {@code name} (any labels). */
  static double total(String scrape, String name) {
    double sum = 0;
    for (String line : scrape.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        String[] parts = line.trim().split(" ");
        sum += Double.parseDouble(parts[parts.length - 1]);
      }
    }
    return sum;
  }

  @Test
  void countsEachOperationAndErrorTypeExactlyAsSent() throws Exception {
    start(KmsHttpServerTest.config(2, 16), (op, body, by, ip) -> switch (op) {
      case "Encrypt" -> "{}".getBytes(StandardCharsets.UTF_8);
      case "DescribeKey" -> throw new NotFoundException("Key 'x' does not exist");
      case "Decrypt" -> throw new KmsInternalException("CKR_DEVICE_ERROR on token 'trent-dev'");
      default -> throw new UnknownOperationException();
    });

    for (int i = 0; i < 3; i++) {
      assertThat(send(post("TrentService.Encrypt")).statusCode()).isEqualTo(200);
    }
    for (int i = 0; i < 2; i++) {
      assertThat(send(post("TrentService.DescribeKey")).statusCode()).isEqualTo(400);
    }
    assertThat(send(post("TrentService.Decrypt")).statusCode()).isEqualTo(500);
    // Targets are the client's to choose: names outside the KMS model share one tag.
    assertThat(send(post("TrentService.NoSuchThing1")).statusCode()).isEqualTo(400);
    assertThat(send(post("TrentService.NoSuchThing2")).statusCode()).isEqualTo(400);
    assertThat(send(post(null)).statusCode()).isEqualTo(400);
    assertThat(get("/health").statusCode()).isEqualTo(200);
    scrape();

    String scrape = scrape();

    assertThat(sample(scrape, requests("Encrypt", "success", "None"))).isEqualTo(3.0);
    assertThat(sample(scrape, requests("DescribeKey", "client_error", "NotFoundException"))).isEqualTo(2.0);
    assertThat(sample(scrape, requests("Decrypt", "server_error", "KMSInternalException"))).isEqualTo(1.0);
    assertThat(sample(scrape, requests("Unknown", "client_error", "UnknownOperationException"))).isEqualTo(3.0);
    // Nothing else: health checks and scrapes are not KMS requests.
    assertThat(total(scrape, "trent_requests_seconds_count")).isEqualTo(9.0);
    assertThat(scrape).doesNotContain("NoSuchThing", "CKR_DEVICE_ERROR", "trent-dev");
    // A histogram: cumulative buckets up to +Inf, which holds every request.
    assertThat(sample(scrape, "trent_requests_seconds_bucket{error_type=\"None\",operation=\"Encrypt\","
        + "outcome=\"success\",le=\"10.0\"}")).isEqualTo(3.0);
    assertThat(sample(scrape, "trent_requests_seconds_bucket{error_type=\"None\",operation=\"Encrypt\","
        + "outcome=\"success\",le=\"+Inf\"}")).isEqualTo(3.0);
    assertThat(scrape).contains("jvm_memory_used_bytes{", "jvm_threads_live_threads ", "process_uptime_seconds ");
  }

  @Test
  void showsTheWorkerQueueAndCountsThrottles() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    start(KmsHttpServerTest.config(1, 1), (op, body, by, ip) -> {
      running.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "{}".getBytes(StandardCharsets.UTF_8);
    });
    CompletableFuture<HttpResponse<String>> first =
        client.sendAsync(post("TrentService.GenerateDataKey"), HttpResponse.BodyHandlers.ofString());
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<HttpResponse<String>> second =
        client.sendAsync(post("TrentService.GenerateDataKey"), HttpResponse.BodyHandlers.ofString());
    CompletableFuture<HttpResponse<String>> third =
        client.sendAsync(post("TrentService.GenerateDataKey"), HttpResponse.BodyHandlers.ofString());
    CompletableFuture.anyOf(second, third).get(10, TimeUnit.SECONDS);

    // Answered on the event loop: a full queue does not hide the metrics that explain it.
    String busy = scrape();
    release.countDown();

    assertThat(sample(busy, "trent_hsm_queue_depth")).isEqualTo(1.0);
    assertThat(sample(busy, "trent_hsm_queue_capacity")).isEqualTo(1.0);
    assertThat(sample(busy, "trent_hsm_workers_busy")).isEqualTo(1.0);
    assertThat(sample(busy, "trent_hsm_workers")).isEqualTo(1.0);
    assertThat(sample(busy, "trent_hsm_queue_bytes")).isEqualTo(4.0);
    assertThat(sample(busy, "trent_hsm_queue_max_bytes")).isEqualTo((double) (1 << 20));
    assertThat(sample(busy, "trent_hsm_workers_awaiting_audit")).isEqualTo(0.0);
    assertThat(sample(busy, requests("GenerateDataKey", "client_error", "ThrottlingException"))).isEqualTo(1.0);
    assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(second.get(10, TimeUnit.SECONDS).statusCode() + third.get(10, TimeUnit.SECONDS).statusCode())
        .isEqualTo(600);
  }

  @Test
  void withSigV4ItNeedsNoSignatureLikeHealthAndRefusalsAreCounted() throws Exception {
    // Knows no access key: every signed request would be refused; scrapers sign nothing.
    SigV4Verifier verifier = new SigV4Verifier(id -> null, Set.of("us-east-1"), Clock.systemUTC());
    server = KmsHttpServer.start(KmsHttpServerTest.config(1, 16), null,
        (op, body, by, ip) -> "{}".getBytes(StandardCharsets.UTF_8), () -> HealthStatus.up("fake"), verifier, null,
        metrics);
    HttpResponse<String> unsigned = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", AMZ_JSON).header("X-Amz-Target", "TrentService.ListKeys")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
    assertThat(unsigned.statusCode()).isEqualTo(400);

    String scrape = scrape();

    assertThat(sample(scrape, requests("ListKeys", "client_error", "MissingAuthenticationTokenException")))
        .isEqualTo(1.0);
  }

  @Test
  void switchedOffItIsAnUnknownOperationLikeAnyOtherPath() throws Exception {
    start(new ServerConfig("127.0.0.1", 0, 1024, 1, 16, 1 << 20, 1, KmsHttpServerTest.LOOPBACK, List.of(), false,
        LogFormat.TEXT), (op, body, by, ip) -> "{}".getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> response = get("/metrics");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).isEqualTo("{\"__type\":\"UnknownOperationException\"}");
  }

  @Test
  void refusesOtherHostsLikeHealth() throws Exception {
    start(KmsHttpServerTest.config(1, 16), (op, body, by, ip) -> "{}".getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
        + "/metrics")).timeout(Duration.ofSeconds(10)).header("Origin", "https://evil.example").GET().build());

    assertThat(response.statusCode()).isEqualTo(403);
  }
}
