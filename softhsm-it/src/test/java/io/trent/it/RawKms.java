package io.trent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/**
 * A raw AWS JSON 1.1 client over java.net.http, SigV4-signed with the dummy credentials: for the
 * wire-level checks and for the response members this SDK version does not model (KeyMaterialId,
 * CurrentKeyMaterialId).
 */
public final class RawKms {
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

  private RawKms() {}

  /** The result of one call. {@code json} is null when the body is not JSON. */
  public record Response(int status, Map<String, List<String>> headers, String body, JsonNode json) {
    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }

    public String errorType() {
      return json == null || json.get("__type") == null ? null : json.get("__type").asText();
    }

    @Override
    public String toString() {
      return "HTTP " + status + " " + body;
    }
  }

  /** POST / with X-Amz-Target TrentService.{operation}, Content-Type application/x-amz-json-1.1. */
  public static Response call(String operation, String jsonBody) {
    return post("TrentService." + operation, "application/x-amz-json-1.1", jsonBody.getBytes(StandardCharsets.UTF_8));
  }

  public static Response call(String operation, Object body) {
    try {
      return call(operation, JSON.writeValueAsString(body));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A signed POST / with arbitrary target (null: none), content type and body. */
  public static Response post(String target, String contentType, byte[] body) {
    URI endpoint = Trent.endpoint();
    SdkHttpFullRequest.Builder b =
        SdkHttpFullRequest.builder()
            .method(SdkHttpMethod.POST)
            .uri(endpoint.resolve("/"))
            .putHeader("Content-Type", contentType);
    if (target != null) {
      b.putHeader("X-Amz-Target", target);
    }
    SdkHttpRequest unsigned = b.build();
    SdkHttpRequest signed =
        SIGNER
            .sign(
                r ->
                    r.identity(Trent.CREDENTIALS)
                        .request(unsigned)
                        .payload(() -> new ByteArrayInputStream(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "kms")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, Trent.REGION))
            .request();
    HttpRequest.Builder hb =
        HttpRequest.newBuilder(endpoint.resolve("/"))
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    signed
        .headers()
        .forEach(
            (name, values) -> {
              if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> hb.header(name, v));
              }
            });
    return send(hb.build());
  }

  public static Response get(String path) {
    return send(HttpRequest.newBuilder(Trent.endpoint().resolve(path)).timeout(Duration.ofSeconds(30)).GET().build());
  }

  private static Response send(HttpRequest request) {
    try {
      HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      JsonNode json = null;
      try {
        if (!r.body().isEmpty()) {
          json = JSON.readTree(r.body());
        }
      } catch (IOException notJson) {
        json = null;
      }
      return new Response(r.statusCode(), r.headers().map(), r.body(), json);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
