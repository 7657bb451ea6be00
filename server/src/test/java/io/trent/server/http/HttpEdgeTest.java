package io.trent.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.trent.server.config.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the HTTP edge answers before any operation runs, over real HTTP: every refusal is an AWS
 * error body with {@code __type}, and nothing is dispatched for it. Also the DNS-rebinding guard
 * (Host and Origin).
 */
@Timeout(30)
class HttpEdgeTest {
  private static final String DATE = "X-Amz-Date: 20250101T000000Z\r\n";
  private static final String AUTH = "Authorization: " + KmsHttpServerTest.AUTHORIZATION + "\r\n";
  private static final String JSON = "Content-Type: application/x-amz-json-1.1\r\n";
  private static final String TARGET = "X-Amz-Target: TrentService.ListKeys\r\n";
  private static final String HOST = "Host: localhost\r\n";
  private static final String UNKNOWN_OPERATION = "{\"__type\":\"UnknownOperationException\"}";

  private final AtomicInteger dispatched = new AtomicInteger();
  private final AtomicInteger probed = new AtomicInteger();
  private KmsHttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(List<String> hosts, List<String> origins) {
    server = KmsHttpServer.start(
        new ServerConfig("127.0.0.1", 0, 1024, 1, 16, 1 << 20, 1, hosts, origins),
        (op, body, by, ip) -> {
          dispatched.incrementAndGet();
          return "{}".getBytes(StandardCharsets.UTF_8);
        },
        () -> {
          probed.incrementAndGet();
          return HealthStatus.up("fake");
        });
  }

  private RawHttpConnection.Response exchange(String method, String path, String headers) throws IOException {
    try (RawHttpConnection connection = new RawHttpConnection(server.port())) {
      connection.send(method + " " + path + " HTTP/1.1\r\n" + headers + "Content-Length: 2\r\n\r\n{}");
      return connection.read();
    }
  }

  private static String incomplete(String message) {
    return "{\"__type\":\"IncompleteSignatureException\",\"message\":\"" + message + "\"}";
  }

  static Stream<Arguments> refusals() {
    String partial = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/kms/aws4_request";
    String noEquals = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/kms/aws4_request, SignedHeaders, "
        + "Signature=00";
    String sha512 = KmsHttpServerTest.AUTHORIZATION.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512");
    String missingToken =
        "{\"__type\":\"MissingAuthenticationTokenException\",\"message\":\"Request is missing Authentication Token\"}";
    return Stream.of(
        Arguments.of("GET /", "GET", "/", HOST + JSON + TARGET + DATE + AUTH, 404, UNKNOWN_OPERATION),
        Arguments.of("PUT /", "PUT", "/", HOST + JSON + TARGET + DATE + AUTH, 404, UNKNOWN_OPERATION),
        Arguments.of("POST /other", "POST", "/other", HOST + JSON + TARGET + DATE + AUTH, 404, UNKNOWN_OPERATION),
        Arguments.of("DELETE /health", "DELETE", "/health", HOST, 404, UNKNOWN_OPERATION),
        Arguments.of("no Content-Type", "POST", "/", HOST + TARGET + DATE + AUTH, 404, UNKNOWN_OPERATION),
        Arguments.of("text/plain", "POST", "/", HOST + "Content-Type: text/plain\r\n" + TARGET + DATE + AUTH, 404,
            UNKNOWN_OPERATION),
        Arguments.of("a form", "POST", "/", HOST + "Content-Type: application/x-www-form-urlencoded\r\n" + TARGET
            + DATE + AUTH, 404, UNKNOWN_OPERATION),
        Arguments.of("no X-Amz-Target", "POST", "/", HOST + JSON + DATE + AUTH, 400, UNKNOWN_OPERATION),
        Arguments.of("Basic Authorization", "POST", "/", HOST + JSON + TARGET + DATE
            + "Authorization: Basic dXNlcjpwYXNz\r\n", 400, missingToken),
        Arguments.of("Authorization without parts", "POST", "/", HOST + JSON + TARGET + DATE + "Authorization: "
            + partial + "\r\n", 400, incomplete("Authorization header requires 'Signature' parameter. "
            + "Authorization header requires 'SignedHeaders' parameter. Authorization=" + partial)),
        Arguments.of("Authorization part without '='", "POST", "/", HOST + JSON + TARGET + DATE + "Authorization: "
            + noEquals + "\r\n", 400, incomplete("'SignedHeaders' not a valid key=value pair (missing equal-sign) in "
            + "Authorization header: '" + noEquals + "'.")),
        Arguments.of("no date", "POST", "/", HOST + JSON + TARGET + AUTH, 400, incomplete("Authorization header "
            + "requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization="
            + KmsHttpServerTest.AUTHORIZATION)),
        Arguments.of("another algorithm", "POST", "/", HOST + JSON + TARGET + DATE + "Authorization: " + sha512
            + "\r\n", 400, incomplete("Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). ")),
        Arguments.of("foreign Host", "POST", "/", "Host: attacker.example\r\n" + JSON + TARGET + DATE + AUTH, 403,
            accessDenied(RebindingGuard.HOST_REFUSED)),
        Arguments.of("browser Origin", "POST", "/", HOST + "Origin: http://attacker.example\r\n" + JSON + TARGET
            + DATE + AUTH, 403, accessDenied(RebindingGuard.ORIGIN_REFUSED)));
  }

  private static String accessDenied(String message) {
    return "{\"__type\":\"AccessDeniedException\",\"message\":\"" + message + "\"}";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void everyRefusalIsAnAwsErrorBodyAndRunsNothing(String name, String method, String path, String headers,
      int status, String body) throws Exception {
    start(KmsHttpServerTest.LOOPBACK, List.of());

    RawHttpConnection.Response response = exchange(method, path, headers);

    assertThat(response.status()).isEqualTo(status);
    assertThat(response.body()).isEqualTo(body);
    assertThat(response.header("Content-Type")).isEqualTo(Reply.AMZ_JSON);
    assertThat(response.header("x-amzn-RequestId")).isNotBlank();
    assertThat(dispatched).hasValue(0);
  }

  @Test
  void signedJsonRequestsInEveryAcceptedFormAreServed() throws Exception {
    start(KmsHttpServerTest.LOOPBACK, List.of());

    for (String contentType : new String[] {"application/x-amz-json-1.1", "application/x-amz-json-1.1; charset=UTF-8",
        "Application/X-Amz-Json-1.1", "application/json", "application/x-amz-json-1.0"}) {
      RawHttpConnection.Response response =
          exchange("POST", "/", HOST + "Content-Type: " + contentType + "\r\n" + TARGET + DATE + AUTH);
      assertThat(response.status()).as(contentType).isEqualTo(200);
    }
    RawHttpConnection.Response dated = exchange("POST", "/", HOST + JSON + TARGET
        + "Date: Wed, 01 Jan 2025 00:00:00 GMT\r\n" + AUTH);
    assertThat(dated.status()).isEqualTo(200);
    // Dev mode serves unsigned requests (no Authorization header at all), as it always has.
    RawHttpConnection.Response unsigned = exchange("POST", "/", HOST + JSON + TARGET);
    assertThat(unsigned.status()).isEqualTo(200);
    assertThat(dispatched).hasValue(7);
  }

  @Test
  void loopbackNamesWithAnyPortAreAllowedByDefault() throws Exception {
    start(KmsHttpServerTest.LOOPBACK, List.of());

    for (String host : new String[] {"localhost", "localhost:4599", "LocalHost:80", "127.0.0.1", "127.0.0.1:" + server.port(),
        "[::1]", "[::1]:4599"}) {
      RawHttpConnection.Response response = exchange("POST", "/", "Host: " + host + "\r\n" + JSON + TARGET + DATE + AUTH);
      assertThat(response.status()).as(host).isEqualTo(200);
    }
    assertThat(dispatched).hasValue(7);
  }

  @Test
  void otherHostsAreRefusedBeforeAnythingRuns() throws Exception {
    start(KmsHttpServerTest.LOOPBACK, List.of());

    for (String host : new String[] {"attacker.example", "attacker.example:4599", "localhost.attacker.example",
        "127.0.0.1.nip.io", "localhost:", "localhost:80x", "[::1", "[::2]:4599", "", "localhost:4599:1"}) {
      RawHttpConnection.Response response = exchange("POST", "/", "Host: " + host + "\r\n" + JSON + TARGET + DATE + AUTH);
      assertThat(response.status()).as(host).isEqualTo(403);
      assertThat(response.body()).isEqualTo(accessDenied(RebindingGuard.HOST_REFUSED));
    }
    assertThat(dispatched).hasValue(0);
  }

  @Test
  void healthChecksTheHostToo() throws Exception {
    start(KmsHttpServerTest.LOOPBACK, List.of());

    RawHttpConnection.Response refused = exchange("GET", "/health", "Host: attacker.example\r\n");
    RawHttpConnection.Response fromAPage = exchange("GET", "/health", HOST + "Origin: http://attacker.example\r\n");
    RawHttpConnection.Response allowed = exchange("GET", "/health", HOST);

    assertThat(refused.status()).isEqualTo(403);
    assertThat(fromAPage.status()).isEqualTo(403);
    assertThat(allowed.status()).isEqualTo(200);
    assertThat(probed).hasValue(1);
  }

  @Test
  void aRequestWithoutHostIsRefused() throws Exception {
    start(KmsHttpServerTest.LOOPBACK, List.of());

    try (RawHttpConnection connection = new RawHttpConnection(server.port())) {
      connection.send("GET /health HTTP/1.0\r\n\r\n");
      RawHttpConnection.Response response = connection.read();

      assertThat(response.status()).isEqualTo(403);
      assertThat(response.body()).isEqualTo(accessDenied(RebindingGuard.HOST_REFUSED));
    }
    assertThat(probed).hasValue(0);
  }

  @Test
  void configuredHostsReplaceTheLoopbackNamesAndTheBindAddressStaysAllowed() throws Exception {
    start(List.of("kms.internal.example"), List.of());

    assertThat(exchange("POST", "/", "Host: kms.internal.example:443\r\n" + JSON + TARGET + DATE + AUTH).status())
        .isEqualTo(200);
    assertThat(exchange("POST", "/", "Host: 127.0.0.1:" + server.port() + "\r\n" + JSON + TARGET + DATE + AUTH).status())
        .isEqualTo(200);
    assertThat(exchange("POST", "/", "Host: localhost\r\n" + JSON + TARGET + DATE + AUTH).status()).isEqualTo(403);
    assertThat(dispatched).hasValue(2);
  }

  @Test
  void configuredOriginsAreServedAndOthersRefused() throws Exception {
    start(KmsHttpServerTest.LOOPBACK, List.of("https://console.example:8443"));

    assertThat(exchange("POST", "/", HOST + "Origin: https://console.example:8443\r\n" + JSON + TARGET + DATE + AUTH)
        .status()).isEqualTo(200);
    for (String origin : new String[] {"https://console.example", "http://console.example:8443", "null",
        "https://console.example:8443.attacker.example"}) {
      RawHttpConnection.Response response =
          exchange("POST", "/", HOST + "Origin: " + origin + "\r\n" + JSON + TARGET + DATE + AUTH);
      assertThat(response.status()).as(origin).isEqualTo(403);
      assertThat(response.body()).isEqualTo(accessDenied(RebindingGuard.ORIGIN_REFUSED));
    }
    assertThat(dispatched).hasValue(1);
  }
}
