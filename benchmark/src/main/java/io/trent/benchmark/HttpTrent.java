package io.trent.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trent.server.TrentServer;
import io.trent.server.config.TrentConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The real server in this JVM: {@link TrentServer} on 127.0.0.1, a free port, {@code hsmWorkers}
 * and {@code pkcs11.sessionPoolSize} both T, configured like an operator would (the
 * {@code TRENT_*} overrides over the built-in defaults). Only these overrides are passed, so the
 * caller's environment cannot change the benchmark.
 */
final class HttpTrent implements AutoCloseable {

  static final String CONTENT_TYPE = "application/x-amz-json-1.1";
  /**
   * A fixed, SigV4-shaped Authorization header and its date: the dev server checks the shape, not
   * the signature, so signing each request would only measure the client.
   */
  static final String AUTHORIZATION = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/kms/aws4_request, "
      + "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0000";
  static final String AMZ_DATE = "20250101T000000Z";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TrentServer server;
  private final String keyId;

  private HttpTrent(TrentServer server, String keyId) {
    this.server = server;
    this.keyId = keyId;
  }

  static HttpTrent start(Path library, String tokenLabel, char[] pin, int workers, Path dataDir)
      throws IOException, InterruptedException {
    Map<String, String> env = new HashMap<>();
    env.put("TRENT_SERVER_HOST", "127.0.0.1");
    env.put("TRENT_SERVER_PORT", "0");
    env.put("TRENT_SERVER_HSM_WORKERS", Integer.toString(workers));
    env.put("TRENT_PKCS11_SESSION_POOL_SIZE", Integer.toString(workers));
    env.put("TRENT_PKCS11_LIBRARY", library.toString());
    env.put("TRENT_PKCS11_TOKEN_LABEL", tokenLabel);
    env.put("TRENT_PKCS11_AUTO_PROVISION", "false");
    env.put("TRENT_PKCS11_PIN", new String(pin));
    env.put("TRENT_DATA_DIR", dataDir.toString());
    TrentServer server = TrentServer.start(TrentConfig.defaults(env));
    try {
      String keyId = createKey(server.port());
      return new HttpTrent(server, keyId);
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  int port() {
    return server.port();
  }

  String keyId() {
    return keyId;
  }

  /** The GenerateDataKey request body every load generator sends. */
  String generateDataKeyBody() {
    return "{\"KeyId\":\"" + keyId + "\",\"KeySpec\":\"AES_256\"}";
  }

  private static String createKey(int port) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
        .header("Content-Type", CONTENT_TYPE)
        .header("Authorization", AUTHORIZATION)
        .header("X-Amz-Date", AMZ_DATE)
        .header("X-Amz-Target", "TrentService.CreateKey")
        .POST(HttpRequest.BodyPublishers.ofString("{\"Description\":\"benchmark\"}"))
        .timeout(Duration.ofSeconds(30))
        .build();
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("CreateKey answered " + response.statusCode() + ": " + response.body());
    }
    JsonNode keyId = JSON.readTree(response.body()).path("KeyMetadata").path("KeyId");
    if (!keyId.isTextual()) {
      throw new IllegalStateException("CreateKey answered without KeyMetadata.KeyId: " + response.body());
    }
    // One GenerateDataKey, so that a broken setup fails here rather than as a rate of zero.
    HttpResponse<String> probe = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
        .header("Content-Type", CONTENT_TYPE)
        .header("Authorization", AUTHORIZATION)
        .header("X-Amz-Date", AMZ_DATE)
        .header("X-Amz-Target", "TrentService.GenerateDataKey")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"KeyId\":\"" + keyId.asText() + "\",\"KeySpec\":\"AES_256\"}"))
        .timeout(Duration.ofSeconds(30))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (probe.statusCode() != 200 || !probe.body().contains("\"CiphertextBlob\"")) {
      throw new IllegalStateException("GenerateDataKey answered " + probe.statusCode() + ": " + probe.body());
    }
    return keyId.asText();
  }

  @Override
  public void close() {
    server.close();
  }
}
