package io.trent.benchmark;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The fallback load generator when wrk is absent: C threads, each with its own
 * {@link HttpClient} (so each holds exactly one keep-alive HTTP/1.1 connection), sending
 * GenerateDataKey in a closed loop. It costs far more CPU than wrk, which on a 2-core machine
 * lowers the measured HTTP rate: prefer wrk.
 */
final class JavaLoad {

  private JavaLoad() {}

  static Rate run(int port, String body, int connections, Duration warmup, Duration duration) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
        .header("Content-Type", HttpTrent.CONTENT_TYPE)
        .header("Authorization", HttpTrent.AUTHORIZATION)
        .header("X-Amz-Date", HttpTrent.AMZ_DATE)
        .header("X-Amz-Target", "TrentService.GenerateDataKey")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .timeout(Duration.ofSeconds(10))
        .build();
    return RateMeter.measure("http-java", connections, warmup, duration, index -> {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      return () -> {
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
          throw new HttpStatusException(response.statusCode());
        }
      };
    });
  }

  /** A non-200 answer; counted per status, without a stack trace. */
  static final class HttpStatusException extends IOException {
    HttpStatusException(int status) {
      super("HTTP " + status, null);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}
