package io.trent.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trent.audit.AuditSync;
import io.trent.core.key.DataKeyPairSpec;
import io.trent.server.TrentServer;
import io.trent.server.config.TrentConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The real server in this JVM: {@link TrentServer} on 127.0.0.1, a free port, {@code hsmWorkers}
 * and {@code pkcs11.sessionPoolSize} both T, configured like an operator would (the
 * {@code TRENT_*} overrides over the built-in defaults). Only these overrides (and the caller's
 * {@code --server-env}) are passed, so the caller's environment cannot change the benchmark. The audit
 * trail is always on (in {@code <dataDir>/audit}); with SigV4 every request carries a real signature by the
 * account root's access key, which the server writes at its first start.
 */
final class HttpTrent implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * How the server under test is configured.
   *
   * @param sigv4 true: {@code auth.mode: sigv4}, every request signed and checked; false: dev mode
   * @param sync the audit trail's {@code audit.sync}
   * @param extraEnv further {@code TRENT_*} overrides (e.g. a key pair pool's size)
   */
  record Options(boolean sigv4, AuditSync sync, Map<String, String> extraEnv) {
    Options {
      extraEnv = Map.copyOf(extraEnv);
    }

    String label() {
      return (sigv4 ? "sigv4" : "dev") + "/" + sync.name().toLowerCase(Locale.ROOT);
    }

    /** The same server with no key pair pool: GenerateDataKeyPair generates every pair inline. */
    Options withoutKeyPairPool() {
      Map<String, String> env = new HashMap<>(extraEnv);
      env.remove(KEY_PAIR_POOL_ENV);
      return new Options(sigv4, sync, env);
    }
  }

  /** The pool's sizes, as --server-env passes them (see docs/configuration.md, pkcs11.keyPairPool). */
  static final String KEY_PAIR_POOL_ENV = "TRENT_PKCS11_KEY_PAIR_POOL";

  private final TrentServer server;
  private final AwsCredentialsIdentity credentials;
  private final String keyId;
  private final String ciphertext;

  private HttpTrent(TrentServer server, AwsCredentialsIdentity credentials, String keyId, String ciphertext) {
    this.server = server;
    this.credentials = credentials;
    this.keyId = keyId;
    this.ciphertext = ciphertext;
  }

  static HttpTrent start(Path library, String tokenLabel, char[] pin, int workers, Path dataDir, Options options)
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
    env.put("TRENT_AUTH_MODE", options.sigv4() ? "sigv4" : "dev");
    env.put("TRENT_AUDIT_SYNC", options.sync().name());
    env.putAll(options.extraEnv());
    TrentConfig config = TrentConfig.defaults(env);
    TrentServer server = TrentServer.start(config);
    try {
      AwsCredentialsIdentity credentials = options.sigv4() ? readCredentials(TrentServer.credentialsFile(config)) : null;
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      JsonNode key = call(client, KmsRequest.of(server.port(), "CreateKey", "{\"Description\":\"benchmark\"}",
          credentials), server.port());
      String keyId = key.path("KeyMetadata").path("KeyId").asText();
      // One GenerateDataKey, so that a broken setup fails here rather than as a rate of zero; its
      // ciphertext is what Decrypt sends.
      JsonNode dataKey = call(client, KmsRequest.of(server.port(), "GenerateDataKey",
          HttpOperation.GENERATE_DATA_KEY.body(keyId, null), credentials), server.port());
      return new HttpTrent(server, credentials, keyId, dataKey.path("CiphertextBlob").asText());
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** The access key in the {@code credentials} file (INI, as the AWS CLI reads it). */
  private static AwsCredentialsIdentity readCredentials(Path file) throws IOException {
    Map<String, String> values = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
      }
    }
    return AwsCredentialsIdentity.create(values.get("aws_access_key_id"), values.get("aws_secret_access_key"));
  }

  int port() {
    return server.port();
  }

  /**
   * The size of the key pair pool that serves this operation, or 0 when none does (not GenerateDataKeyPair, no
   * pool configured for its spec, or the server left the spec out because the token cannot generate it).
   */
  int poolSize(HttpOperation operation) {
    if (operation.keyPairSpec() == null) {
      return 0;
    }
    DataKeyPairSpec spec;
    try {
      spec = DataKeyPairSpec.valueOf(operation.keyPairSpec());
    } catch (IllegalArgumentException e) {
      return 0;
    }
    int size = server.config().pkcs11().keyPairPool().getOrDefault(spec, 0);
    return size > 0 && PoolFill.level(server.meters(), spec.name()).isPresent() ? size : 0;
  }

  /**
   * Waits (bounded) until every key pair pool of the server is full; returns at once when it runs none. Before any
   * measurement, not only of the operation a pool serves: a pool still filling takes the HSM and a core from
   * whatever is measured.
   */
  void awaitPoolsFull(Duration timeout) throws InterruptedException {
    for (Map.Entry<DataKeyPairSpec, Integer> pool : server.config().pkcs11().keyPairPool().entrySet()) {
      if (pool.getValue() > 0 && PoolFill.level(server.meters(), pool.getKey().name()).isPresent()) {
        PoolFill.awaitFull(server.meters(), pool.getKey().name(), pool.getValue(), timeout);
      }
    }
  }

  /** The operation's request, freshly signed in SigV4 mode (a signature is valid for 5 minutes). */
  KmsRequest request(HttpOperation operation) {
    return KmsRequest.of(server.port(), operation.target(), operation.body(keyId, ciphertext), credentials);
  }

  /** Sends one request and checks it works, so a bad operation fails before it is measured. */
  void probe(HttpOperation operation) throws IOException, InterruptedException {
    call(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), request(operation), server.port());
  }

  private static JsonNode call(HttpClient client, KmsRequest request, int port) throws IOException, InterruptedException {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
        .POST(HttpRequest.BodyPublishers.ofString(request.body()))
        .timeout(Duration.ofSeconds(60));
    request.headers().forEach(builder::header);
    HttpResponse<String> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(request.target() + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  @Override
  public void close() {
    server.close();
  }
}
