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
 * one request in a closed loop. It costs far more CPU than wrk, which on a 2-core machine
 * lowers the measured HTTP rate: prefer wrk.
 */
final class JavaLoad {

  private JavaLoad() {}

  /** The request is signed once: keep warm-up plus window under the server's 5-minute clock skew. */
  static Rate run(int port, KmsRequest kms, int connections, Duration warmup, Duration duration) throws Exception {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
        .POST(HttpRequest.BodyPublishers.ofString(kms.body()))
        .timeout(Duration.ofSeconds(10));
    kms.headers().forEach(builder::header);
    HttpRequest request = builder.build();
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
