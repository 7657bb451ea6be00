package io.trent.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.auth.Caller;
import io.trent.core.error.DependencyTimeoutException;
import io.trent.core.error.KeyUnavailableException;
import io.trent.core.error.KmsException;
import io.trent.core.error.KmsInternalException;
import io.trent.core.error.NotFoundException;
import io.trent.core.spi.MetadataUnavailableException;
import io.trent.server.config.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The HTTP transport alone, over fake dispatchers: no HSM, no protocol. */
@Timeout(30)
class KmsHttpServerTest {
  private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
  private static final String AMZ_JSON = "application/x-amz-json-1.1";
  static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1", "[::1]");
  static final String AUTHORIZATION = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/kms/aws4_request, "
      + "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0000";
  private static final KmsRequestDispatcher ECHO =
      (op, body, by, ip) -> ("{\"op\":\"" + op + "\",\"bytes\":" + body.length + "}").getBytes(StandardCharsets.UTF_8);

  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private KmsHttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(KmsRequestDispatcher dispatcher) {
    start(config(2, 16), dispatcher, () -> HealthStatus.up("fake token"));
  }

  /** Loopback names allowed (the defaults), no origins, bodies up to 1 KiB, a 1 MiB byte bound. */
  static ServerConfig config(int workers, int queueCapacity) {
    return new ServerConfig("127.0.0.1", 0, 1024, workers, queueCapacity, 1 << 20, 1, LOOPBACK, List.of());
  }

  private void start(ServerConfig config, KmsRequestDispatcher dispatcher, HealthProbe health) {
    server = KmsHttpServer.start(config, dispatcher, health);
  }

  /** Holds the server's one worker with the first request until the test releases it. */
  private static final class BusyWorker {
    final CountDownLatch running = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    byte[] hold() {
      running.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "{}".getBytes(StandardCharsets.UTF_8);
    }
  }

  private HttpRequest.Builder post(String target, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", AMZ_JSON)
        .header("Authorization", AUTHORIZATION)
        .header("X-Amz-Date", "20250101T000000Z")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (target != null) {
      request.header("X-Amz-Target", target);
    }
    return request;
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(10)).GET());
  }

  private static String requestId(HttpResponse<?> response) {
    return response.headers().firstValue("x-amzn-RequestId").orElse("");
  }

  @Test
  void dispatchesTheOperationNamedByTheTargetAndIgnoresCredentials() throws Exception {
    start(ECHO);

    HttpResponse<String> response = send(post("TrentService.ListKeys", "{}"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"op\":\"ListKeys\",\"bytes\":2}");
    assertThat(response.headers().firstValue("Content-Type")).hasValue(AMZ_JSON);
    assertThat(requestId(response)).matches(UUID_PATTERN);
  }

  @Test
  void everyResponseGetsItsOwnRequestId() throws Exception {
    start(ECHO);

    String first = requestId(send(post("TrentService.ListKeys", "{}")));
    String second = requestId(send(post("TrentService.ListKeys", "{}")));

    assertThat(first).matches(UUID_PATTERN);
    assertThat(second).matches(UUID_PATTERN).isNotEqualTo(first);
  }

  @Test
  void missingOrForeignTargetIsAnUnknownOperation() throws Exception {
    start(ECHO);

    for (String target : new String[] {null, "TrentService.", "DynamoDB_20120810.ListTables", "ListKeys"}) {
      HttpResponse<String> response = send(post(target, "{}"));

      assertThat(response.statusCode()).as(String.valueOf(target)).isEqualTo(400);
      assertThat(response.body()).isEqualTo("{\"__type\":\"UnknownOperationException\"}");
      assertThat(response.headers().firstValue("Content-Type")).hasValue(AMZ_JSON);
      assertThat(requestId(response)).matches(UUID_PATTERN);
    }
  }

  @Test
  void kmsErrorsKeepTheirTypeStatusAndMessage() throws Exception {
    start((op, body, by, ip) -> {
      throw new NotFoundException("Alias arn:aws:kms:us-east-1:111122223333:alias/x is not found.");
    });

    HttpResponse<String> response = send(post("TrentService.DescribeKey", "{}"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo("{\"__type\":\"NotFoundException\","
        + "\"message\":\"Alias arn:aws:kms:us-east-1:111122223333:alias/x is not found.\"}");
    assertThat(response.headers().firstValue("Content-Type")).hasValue(AMZ_JSON);
    assertThat(requestId(response)).matches(UUID_PATTERN);
  }

  @Test
  void unexpectedFailureIsAnInternalErrorWithoutDetails() throws Exception {
    start((op, body, by, ip) -> {
      throw new IllegalStateException("secret detail");
    });

    HttpResponse<String> response = send(post("TrentService.Encrypt", "{\"Plaintext\":\"AAAA\"}"));

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).isEqualTo("{\"__type\":\"KMSInternalException\",\"message\":\""
        + ServerFaultReply.INTERNAL + "\"}");
    assertThat(response.body()).doesNotContain("secret detail", "IllegalStateException", "\tat ");
    assertThat(requestId(response)).matches(UUID_PATTERN);
  }

  /** Faults as the backend and store raise them: their messages carry what a caller must not learn. */
  static Stream<Arguments> serverFaults() {
    return Stream.of(
        Arguments.of(new KmsInternalException("The HSM failed during Decrypt (CKR_DEVICE_ERROR) on token 'trent-dev'."),
            500, "KMSInternalException", ServerFaultReply.INTERNAL),
        Arguments.of(new KmsInternalException("Metadata store failure", new java.sql.SQLException("Table KEYS locked")),
            500, "KMSInternalException", ServerFaultReply.INTERNAL),
        Arguments.of(new KeyUnavailableException("Key material 0b7fd7ddbac6eef27907413567cad8c810e2883dc8a7534067a82ee1142fc1e6"
            + " does not exist in the HSM."), 500, "KeyUnavailableException", ServerFaultReply.KEY_UNAVAILABLE),
        Arguments.of(new KeyUnavailableException("arn:aws:kms:us-east-1:111122223333:key/1234abcd is unavailable. "
            + "Material 0b7fd7 is gone."), 500, "KeyUnavailableException", ServerFaultReply.KEY_UNAVAILABLE),
        Arguments.of(new DependencyTimeoutException("No HSM session became free within 10000 ms (pool of 4 on slot 0)."),
            500, "DependencyTimeoutException", ServerFaultReply.TIMEOUT));
  }

  @ParameterizedTest
  @MethodSource("serverFaults")
  void serverFaultsAnswerAwsGenericTextNotTheirDetail(KmsException fault, int status, String type, String message)
      throws Exception {
    start((op, body, by, ip) -> {
      throw fault;
    });

    HttpResponse<String> response = send(post("TrentService.Decrypt", "{}"));

    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.body()).isEqualTo("{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}");
    assertThat(requestId(response)).matches(UUID_PATTERN);
  }

  @Test
  void anUnavailableMetadataDatabaseIsARetryableDependencyTimeoutWithoutDetails() throws Exception {
    start((op, body, by, ip) -> {
      throw new MetadataUnavailableException("The metadata database is unavailable (SQL state 08001)",
          new java.sql.SQLTransientConnectionException("Connection to db.internal:5432 refused"));
    });

    HttpResponse<String> response = send(post("TrentService.CreateKey", "{}"));

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).isEqualTo("{\"__type\":\"DependencyTimeoutException\",\"message\":\""
        + ServerFaultReply.TIMEOUT + "\"}");
    assertThat(response.body()).doesNotContain("db.internal", "08001");
    assertThat(requestId(response)).matches(UUID_PATTERN);
  }

  @Test
  void theAwsStyleUnavailableKeyMessageIsKept() throws Exception {
    String message = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab is unavailable.";
    start((op, body, by, ip) -> {
      throw new KeyUnavailableException(message, new KeyUnavailableException("Key material 0b7f does not exist."));
    });

    HttpResponse<String> response = send(post("TrentService.Encrypt", "{}"));

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).isEqualTo("{\"__type\":\"KeyUnavailableException\",\"message\":\"" + message + "\"}");
  }

  @Test
  void operationWithoutOutputAnswersAnEmptyBody() throws Exception {
    start((op, body, by, ip) -> null);

    HttpResponse<String> response = send(post("TrentService.EnableKey", "{}"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
    assertThat(requestId(response)).matches(UUID_PATTERN);
  }

  @Test
  void anErrorFromTheDispatcherStillGetsAResponse() throws Exception {
    start((op, body, by, ip) -> {
      throw new AssertionError("bug");
    });

    HttpResponse<String> response = send(post("TrentService.Encrypt", "{}"));

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).contains("KMSInternalException").doesNotContain("bug");
  }

  @Test
  void bodyAtTheLimitIsAccepted() throws Exception {
    start(ECHO);

    HttpResponse<String> response = send(post("TrentService.Encrypt", "x".repeat(1024)));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"bytes\":1024");
  }

  @Test
  void oversizedBodyGets413AndTheConnectionCloses() throws Exception {
    start(ECHO);

    HttpResponse<String> response = send(post("TrentService.Encrypt", "x".repeat(1024 * 1024)));

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).isEqualTo("{\"__type\":\"RequestEntityTooLargeException\","
        + "\"message\":\"Request body exceeds the limit of 1024 bytes\"}");
    assertThat(requestId(response)).matches(UUID_PATTERN);

    // A blocking client uploads the whole body before reading: the server must keep reading
    // (and discarding) after its 413, or the upload fails with a broken pipe.
    try (RawHttpConnection connection = new RawHttpConnection(server.port())) {
      connection.upload("TrentService.Encrypt", 32 * 1024 * 1024);
      RawHttpConnection.Response raw = connection.read();
      assertThat(raw.status()).isEqualTo(413);
      assertThat(raw.header("connection")).isEqualToIgnoringCase("close");
      assertThat(connection.closedByServer()).isTrue();
    }
  }

  @Test
  void oversizedBodyAnnouncedWithExpectContinueIsRefusedBeforeItIsSent() throws Exception {
    start(ECHO);

    try (RawHttpConnection connection = new RawHttpConnection(server.port())) {
      connection.send("POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: TrentService.Encrypt\r\n"
          + "Content-Length: 100000\r\nExpect: 100-continue\r\n\r\n");
      RawHttpConnection.Response raw = connection.read();
      assertThat(raw.status()).isEqualTo(413);
      assertThat(raw.body()).contains("RequestEntityTooLargeException");
      assertThat(raw.header("x-amzn-RequestId")).matches(UUID_PATTERN);
      assertThat(connection.closedByServer()).isTrue();
    }
  }

  @Test
  void healthSaysOnlyWhetherTheHsmServesNotWhichItIs() throws Exception {
    String detail = "token 'trent-dev' serial 1a2b3c4d (/usr/lib/softhsm/libsofthsm2.so)";
    AtomicReference<HealthStatus> status = new AtomicReference<>(HealthStatus.up(detail));
    start(config(1, 4), ECHO, status::get);

    HttpResponse<String> up = get("/health");
    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(up.body()).isEqualTo("{\"status\":\"ok\"}");
    assertThat(requestId(up)).matches(UUID_PATTERN);

    status.set(HealthStatus.down(detail + ": CKR_DEVICE_ERROR"));
    HttpResponse<String> down = get("/health");
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.body()).isEqualTo("{\"status\":\"unavailable\"}");
    assertThat(requestId(down)).matches(UUID_PATTERN);
  }

  @Test
  void failingHealthProbeIsDownAndRunsOffTheEventLoop() throws Exception {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    start(config(1, 4), ECHO, () -> {
      threads.add(Thread.currentThread().getName());
      throw new IllegalStateException("token gone");
    });

    HttpResponse<String> response = get("/health");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).isEqualTo("{\"status\":\"unavailable\"}");
    assertThat(threads).allMatch(name -> name.startsWith("trent-hsm-"));
  }

  @Test
  void unknownPathOrMethodIs404UnknownOperation() throws Exception {
    start(ECHO);

    HttpResponse<String> unknownPath = get("/nope");
    HttpResponse<String> getRoot = get("/");
    HttpResponse<String> putRoot = send(post("TrentService.ListKeys", "{}")
        .PUT(HttpRequest.BodyPublishers.ofString("{}")));

    for (HttpResponse<String> response : java.util.List.of(unknownPath, getRoot, putRoot)) {
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.body()).isEqualTo("{\"__type\":\"UnknownOperationException\"}");
      assertThat(requestId(response)).matches(UUID_PATTERN);
    }
  }

  @Test
  void fullWorkerQueueThrottles() throws Exception {
    BusyWorker busy = new BusyWorker();
    start(config(1, 1), (op, body, by, ip) -> busy.hold(), () -> HealthStatus.up("fake"));

    // The one worker is busy with the first request; of the next two, one fills the queue and
    // the other must be refused at once.
    CompletableFuture<HttpResponse<String>> first =
        client.sendAsync(post("TrentService.GenerateDataKey", "{}").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(busy.running.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<HttpResponse<String>> second =
        client.sendAsync(post("TrentService.GenerateDataKey", "{}").build(), HttpResponse.BodyHandlers.ofString());
    CompletableFuture<HttpResponse<String>> third =
        client.sendAsync(post("TrentService.GenerateDataKey", "{}").build(), HttpResponse.BodyHandlers.ofString());

    @SuppressWarnings("unchecked")
    HttpResponse<String> refused = (HttpResponse<String>) CompletableFuture.anyOf(second, third).get(10, TimeUnit.SECONDS);
    busy.release.countDown();

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).isEqualTo("{\"__type\":\"ThrottlingException\",\"message\":\"You have exceeded the rate "
        + "at which you may call KMS. Reduce the frequency of your calls.\"}");
    assertThat(refused.headers().firstValue("Content-Type")).hasValue(AMZ_JSON);
    assertThat(requestId(refused)).matches(UUID_PATTERN);
    assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    HttpResponse<String> queued = refused == second.getNow(null) ? third.get(10, TimeUnit.SECONDS) : second.get(10, TimeUnit.SECONDS);
    assertThat(queued.statusCode()).isEqualTo(200);
  }

  @Test
  void aRequestThrottledForAFullQueueIsRecordedBeforeItIsAnswered() throws Exception {
    BusyWorker busy = new BusyWorker();
    BlockingQueue<RequestInfo> recorded = new LinkedBlockingQueue<>();
    CompletableFuture<Void> recording = new CompletableFuture<>();
    start(config(1, 1), new KmsRequestDispatcher() {
      @Override
      public byte[] dispatch(String operation, byte[] body, Caller caller, String sourceIp) {
        return busy.hold();
      }

      @Override
      public boolean audits() {
        return true;
      }

      @Override
      public CompletableFuture<Void> throttledAsync(RequestInfo request, Caller caller, KmsException error) {
        assertThat(error.errorType()).isEqualTo("ThrottlingException");
        recorded.add(request);
        return recording;
      }
    }, () -> HealthStatus.up("fake"));

    CompletableFuture<HttpResponse<String>> first =
        client.sendAsync(post("TrentService.GenerateDataKey", "{}").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(busy.running.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<HttpResponse<String>> second =
        client.sendAsync(post("TrentService.GenerateDataKey", "{}").build(), HttpResponse.BodyHandlers.ofString());
    CompletableFuture<HttpResponse<String>> third =
        client.sendAsync(post("TrentService.Decrypt", "{}").build(), HttpResponse.BodyHandlers.ofString());

    // One of the two is refused; its event is being written, and until that is done it has no answer.
    RequestInfo throttled = recorded.poll(10, TimeUnit.SECONDS);
    assertThat(throttled).isNotNull();
    assertThat(second.isDone() || third.isDone()).isFalse();
    recording.complete(null);
    @SuppressWarnings("unchecked")
    HttpResponse<String> refused = (HttpResponse<String>) CompletableFuture.anyOf(second, third).get(10, TimeUnit.SECONDS);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("\"__type\":\"ThrottlingException\"");
    assertThat(requestId(refused)).isEqualTo(throttled.requestId());
    assertThat(throttled.operation()).isEqualTo(refused == second.getNow(null) ? "GenerateDataKey" : "Decrypt");
    busy.release.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat((refused == second.getNow(null) ? third : second).get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(recorded).isEmpty();
  }

  @Test
  void aThrottledNameOutsideTheKmsModelIsCountedAsUnknown() throws Exception {
    BusyWorker busy = new BusyWorker();
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    server = KmsHttpServer.start(config(1, 1), null, (op, body, by, ip) -> busy.hold(), () -> HealthStatus.up("fake"), null, null, null, new io.trent.server.quota.ThrottleCounts(registry));

    CompletableFuture<HttpResponse<String>> first =
        client.sendAsync(post("TrentService.GenerateDataKey", "{}").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(busy.running.await(10, TimeUnit.SECONDS)).isTrue();
    // The queue holds one of these three; the other two are refused at once.
    List<CompletableFuture<HttpResponse<String>>> more = new ArrayList<>();
    for (String target : List.of("TrentService.GenerateDataKey", "TrentService.NoSuch0", "TrentService.NoSuch1")) {
      more.add(client.sendAsync(post(target, "{}").build(), HttpResponse.BodyHandlers.ofString()));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (more.stream().filter(CompletableFuture::isDone).count() < 2) {
      assertThat(System.nanoTime()).as("two refusals within 10 s").isLessThan(deadline);
      Thread.onSpinWait(); // polls the refusals, with a deadline
    }
    busy.release.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    long unknownRefused = 0;
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> response = more.get(i).get(10, TimeUnit.SECONDS);
      if (i > 0 && response.statusCode() == 400) {
        unknownRefused++;
      }
    }

    assertThat(unknownRefused).isPositive();
    assertThat(registry.find("trent.throttled").tag("operation", "Unknown").counter().count())
        .isEqualTo(unknownRefused);
    assertThat(registry.find("trent.throttled").meters())
        .allMatch(m -> List.of("Unknown", "GenerateDataKey").contains(m.getId().getTag("operation")));
  }

  @Test
  void aThrottleThatCannotBeRecordedIsAServerFault() throws Exception {
    BusyWorker busy = new BusyWorker();
    start(config(1, 1), new KmsRequestDispatcher() {
      @Override
      public byte[] dispatch(String operation, byte[] body, Caller caller, String sourceIp) {
        return busy.hold();
      }

      @Override
      public boolean audits() {
        return true;
      }

      @Override
      public CompletableFuture<Void> throttledAsync(RequestInfo request, Caller caller, KmsException error) {
        return CompletableFuture.failedFuture(new KmsInternalException("the trail cannot be written"));
      }
    }, () -> HealthStatus.up("fake"));

    CompletableFuture<HttpResponse<String>> first =
        client.sendAsync(post("TrentService.GenerateDataKey", "{}").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(busy.running.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<HttpResponse<String>> second =
        client.sendAsync(post("TrentService.GenerateDataKey", "{}").build(), HttpResponse.BodyHandlers.ofString());
    CompletableFuture<HttpResponse<String>> third =
        client.sendAsync(post("TrentService.GenerateDataKey", "{}").build(), HttpResponse.BodyHandlers.ofString());
    @SuppressWarnings("unchecked")
    HttpResponse<String> refused = (HttpResponse<String>) CompletableFuture.anyOf(second, third).get(10, TimeUnit.SECONDS);
    busy.release.countDown();

    // Not a ThrottlingException: that answer would be unrecorded. The trail's fault, retryable.
    assertThat(refused.statusCode()).isEqualTo(500);
    assertThat(refused.body()).contains("\"__type\":\"KMSInternalException\"");
    assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void bodiesHeldByTheQueueAreBoundedInBytes() throws Exception {
    BusyWorker busy = new BusyWorker();
    // One worker, room for 16 requests but only 150 bytes of bodies (queued and running).
    start(new ServerConfig("127.0.0.1", 0, 100, 1, 16, 150, 1, LOOPBACK, List.of()), (op, body, by, ip) -> {
      busy.hold();
      return ("{\"bytes\":" + body.length + "}").getBytes(StandardCharsets.UTF_8);
    }, () -> HealthStatus.up("fake"));

    CompletableFuture<HttpResponse<String>> first =
        client.sendAsync(post("TrentService.Encrypt", "x".repeat(100)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(busy.running.await(10, TimeUnit.SECONDS)).isTrue();
    // 100 bytes are held by the running request: 60 more would pass 150, so they are refused at once
    // (this call returns while the worker is still blocked) ...
    HttpResponse<String> refused = send(post("TrentService.Encrypt", "x".repeat(60)));
    // ... while 50 more fit exactly, and wait for the worker.
    CompletableFuture<HttpResponse<String>> fits =
        client.sendAsync(post("TrentService.Encrypt", "x".repeat(50)).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).isEqualTo("{\"__type\":\"ThrottlingException\",\"message\":\"You have exceeded the rate "
        + "at which you may call KMS. Reduce the frequency of your calls.\"}");
    busy.release.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS).body()).isEqualTo("{\"bytes\":100}");
    assertThat(fits.get(10, TimeUnit.SECONDS).body()).isEqualTo("{\"bytes\":50}");
    // Once both are done, their bytes are released: the largest body is accepted again.
    assertThat(send(post("TrentService.Encrypt", "x".repeat(100))).statusCode()).isEqualTo(200);
  }

  @Test
  void keepAliveServesSequentialRequestsOnOneConnection() throws Exception {
    start(ECHO);

    try (RawHttpConnection connection = new RawHttpConnection(server.port())) {
      connection.send(RawHttpConnection.post("TrentService.ListKeys", "{}"));
      RawHttpConnection.Response first = connection.read();
      connection.send(RawHttpConnection.post("TrentService.ListAliases", "{}"));
      RawHttpConnection.Response second = connection.read();

      assertThat(first.status()).isEqualTo(200);
      assertThat(first.body()).contains("ListKeys");
      assertThat(second.status()).isEqualTo(200);
      assertThat(second.body()).contains("ListAliases");
      assertThat(second.header("x-amzn-RequestId")).matches(UUID_PATTERN).isNotEqualTo(first.header("x-amzn-RequestId"));
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    start(config(4, 16), (op, body, by, ip) -> {
      if (op.equals("Slow")) {
        try {
          Thread.sleep(200); // only to give a wrong implementation the chance to reorder
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return ("\"" + op + "\"").getBytes(StandardCharsets.UTF_8);
    }, () -> HealthStatus.up("fake"));

    try (RawHttpConnection connection = new RawHttpConnection(server.port())) {
      connection.send(RawHttpConnection.post("TrentService.Slow", "{}")
          + RawHttpConnection.post("TrentService.Fast", "{}")
          + RawHttpConnection.post(null, "{}"));

      assertThat(connection.read().body()).isEqualTo("\"Slow\"");
      assertThat(connection.read().body()).isEqualTo("\"Fast\"");
      assertThat(connection.read().body()).isEqualTo("{\"__type\":\"UnknownOperationException\"}");
    }
  }

  @Test
  void requestAndResponseBodiesAreZeroedOnceUsed() throws Exception {
    List<byte[]> requests = Collections.synchronizedList(new ArrayList<>());
    List<byte[]> responses = Collections.synchronizedList(new ArrayList<>());
    start((op, body, by, ip) -> {
      requests.add(body);
      byte[] response = "{\"Plaintext\":\"c2VjcmV0\"}".getBytes(StandardCharsets.UTF_8);
      responses.add(response);
      return response;
    });

    try (RawHttpConnection connection = new RawHttpConnection(server.port())) {
      connection.send(RawHttpConnection.post("TrentService.Encrypt", "{\"Plaintext\":\"c2VjcmV0\"}"));
      assertThat(connection.read().body()).isEqualTo("{\"Plaintext\":\"c2VjcmV0\"}");
      // The second exchange on the same connection runs after the first response's write completed.
      connection.send(RawHttpConnection.post("TrentService.Encrypt", "{}"));
      assertThat(connection.read().status()).isEqualTo(200);
    }

    assertThat(requests).hasSize(2);
    assertThat(requests.get(0)).hasSize(24).containsOnly((byte) 0);
    assertThat(responses.get(0)).hasSize(24).containsOnly((byte) 0);
  }

  @Test
  void aConnectionReadsAgainAfterAPipelinedBurst() throws Exception {
    start(ECHO);

    try (RawHttpConnection connection = new RawHttpConnection(server.port())) {
      StringBuilder burst = new StringBuilder();
      for (int i = 0; i < 40; i++) {
        burst.append(RawHttpConnection.post("TrentService.Op" + i, "{}"));
      }
      connection.send(burst.toString());
      for (int i = 0; i < 40; i++) {
        assertThat(connection.read().body()).contains("Op" + i + "\"");
      }
      // Reading paused during the burst; a request after it must still be read and answered.
      connection.send(RawHttpConnection.post("TrentService.After", "{}"));
      assertThat(connection.read().body()).contains("After");
    }
  }

  @Test
  void connectionCloseIsHonoured() throws Exception {
    start(ECHO);

    try (RawHttpConnection connection = new RawHttpConnection(server.port())) {
      connection.send(RawHttpConnection.post("TrentService.ListKeys", "{}", "Connection: close"));
      RawHttpConnection.Response response = connection.read();

      assertThat(response.status()).isEqualTo(200);
      assertThat(connection.closedByServer()).isTrue();
    }
  }

  @Test
  void malformedRequestGets400AndClose() throws Exception {
    start(ECHO);

    try (RawHttpConnection connection = new RawHttpConnection(server.port())) {
      connection.send("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: banana\r\n\r\n");
      RawHttpConnection.Response response = connection.read();

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.body()).isEqualTo("{\"__type\":\"SerializationException\",\"message\":\"Malformed HTTP request\"}");
      assertThat(response.header("x-amzn-RequestId")).matches(UUID_PATTERN);
      assertThat(connection.closedByServer()).isTrue();
    }
  }

  @Test
  void closeLetsRunningOperationsFinish() throws Exception {
    BusyWorker busy = new BusyWorker();
    start((op, body, by, ip) -> busy.hold());
    CompletableFuture<HttpResponse<String>> inFlight =
        client.sendAsync(post("TrentService.Encrypt", "{}").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(busy.running.await(10, TimeUnit.SECONDS)).isTrue();

    int port = server.port();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
    while (acceptsConnections(port)) {
      Thread.onSpinWait(); // until close() has stopped the listener, with the operation still running
    }
    busy.release.countDown();
    closing.get(10, TimeUnit.SECONDS);

    assertThat(inFlight.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    server = null;
  }

  private static boolean acceptsConnections(int port) {
    try {
      new java.net.Socket("127.0.0.1", port).close();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A dispatcher whose "Held" requests finish only when the test completes their future (as an auditing dispatcher's
   * do once the event is durable); every other operation is answered at once.
   */
  private static final class HeldDispatcher implements KmsRequestDispatcher {
    final java.util.concurrent.LinkedBlockingQueue<CompletableFuture<byte[]>> held =
        new java.util.concurrent.LinkedBlockingQueue<>();
    final Set<String> workerThreads = ConcurrentHashMap.newKeySet();

    @Override
    public byte[] dispatch(String operation, byte[] body, Caller caller, String sourceIp) {
      return ECHO.dispatch(operation, body, caller, sourceIp);
    }

    @Override
    public CompletableFuture<byte[]> dispatchAsync(RequestInfo request, byte[] body, Caller caller) {
      workerThreads.add(Thread.currentThread().getName());
      if (!request.operation().equals("Held")) {
        return KmsRequestDispatcher.super.dispatchAsync(request, body, caller);
      }
      CompletableFuture<byte[]> future = new CompletableFuture<>();
      held.add(future);
      return future;
    }

    CompletableFuture<byte[]> nextHeld() throws InterruptedException {
      CompletableFuture<byte[]> future = held.poll(10, TimeUnit.SECONDS);
      assertThat(future).as("the held request reached the dispatcher").isNotNull();
      return future;
    }
  }

  @Test
  void theOnlyWorkerServesOtherRequestsWhileAResponseWaitsForItsFutureWhichItIsNotSentBefore() throws Exception {
    HeldDispatcher dispatcher = new HeldDispatcher();
    start(config(1, 16), dispatcher, () -> HealthStatus.up("fake token"));

    CompletableFuture<HttpResponse<String>> slow =
        client.sendAsync(post("TrentService.Held", "{}").build(), HttpResponse.BodyHandlers.ofString());
    CompletableFuture<byte[]> event = dispatcher.nextHeld();

    // hsmWorkers = 1 and that worker has handed off the held request: another request is answered meanwhile.
    HttpResponse<String> other = send(post("TrentService.ListKeys", "{}"));
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(dispatcher.workerThreads).hasSize(1);
    assertThat(slow).as("no response before its future completes").isNotDone();

    event.complete("{\"done\":true}".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> response = slow.get(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"done\":true}");
  }

  @Test
  void aFailedFutureIsTheRetryableServerFaultWithoutTheResult() throws Exception {
    HeldDispatcher dispatcher = new HeldDispatcher();
    start(config(1, 16), dispatcher, () -> HealthStatus.up("fake token"));

    CompletableFuture<HttpResponse<String>> slow =
        client.sendAsync(post("TrentService.Held", "{}").build(), HttpResponse.BodyHandlers.ofString());
    dispatcher.nextHeld().completeExceptionally(
        new KmsInternalException("The audit trail cannot take events: disk full (simulated)"));

    HttpResponse<String> response = slow.get(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).isEqualTo("{\"__type\":\"KMSInternalException\",\"message\":\""
        + ServerFaultReply.INTERNAL + "\"}");
  }

  @Test
  void aCloseWaitsForResponsesWaitingForTheirFuture() throws Exception {
    HeldDispatcher dispatcher = new HeldDispatcher();
    start(config(1, 16), dispatcher, () -> HealthStatus.up("fake token"));
    CompletableFuture<HttpResponse<String>> slow =
        client.sendAsync(post("TrentService.Held", "{}").build(), HttpResponse.BodyHandlers.ofString());
    CompletableFuture<byte[]> event = dispatcher.nextHeld();

    int port = server.port();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
    // The listener is closed first: once new connections are refused, the close is draining.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (accepts(port)) {
      assertThat(System.nanoTime()).as("the listener closes within 10 s").isLessThan(deadline);
      Thread.onSpinWait();
    }
    assertThat(closing).isNotDone();

    event.complete("{\"done\":true}".getBytes(StandardCharsets.UTF_8));
    assertThat(slow.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    closing.get(10, TimeUnit.SECONDS);
  }

  private static boolean accepts(int port) {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
