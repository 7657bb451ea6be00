package io.trent.it;

import io.trent.core.KmsPolicy;
import io.trent.server.TrentServer;
import io.trent.server.config.TrentConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.CreateKeyResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;

/**
 * The shared fixture: ONE Trent server per test JVM, started lazily on a fresh SoftHSM2 token
 * (written to {@code target/softhsm2.conf}, which surefire passes as SOFTHSM2_CONF), a fresh data
 * directory and an ephemeral port. {@link #restart()} closes it and starts a new server on the same
 * data directory and token (restart persistence). The server is closed when the JVM's test run
 * ends (see {@link TrentExtension}).
 */
public final class Trent {
  public static final String REGION = "us-east-1";
  public static final String ACCOUNT = "111122223333";
  public static final String KEY_ARN_PREFIX = "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":key/";
  public static final String ALIAS_ARN_PREFIX = "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":alias/";
  public static final String TOKEN_LABEL = "trent-it";
  static final AwsBasicCredentials CREDENTIALS =
      AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");

  private static final MutableClock CLOCK = new MutableClock();
  private static final AuditRecorder AUDIT = new AuditRecorder();
  /** Service limits set in code, or null for the configuration's {@code kms} section. */
  private static KmsPolicy policy;
  private static Map<String, String> environment = Map.of();
  private static TrentServer server;
  private static KmsClient kms;
  private static Path configFile;

  private Trent() {}

  static Path buildDir() {
    String dir = System.getProperty("trent.it.buildDir");
    return (dir != null ? Paths.get(dir) : Paths.get("target")).toAbsolutePath();
  }

  /** Starts the shared server if it is not running yet. */
  public static synchronized void ensureStarted() {
    if (server != null) {
      return;
    }
    try {
      Path target = buildDir();
      Path tokens = target.resolve("it-tokens");
      Path data = target.resolve("it-data");
      deleteRecursively(tokens);
      deleteRecursively(data);
      Files.createDirectories(tokens);
      // The data directory is left for the server to create, as on a first start (owner-only).
      Path conf = target.resolve("softhsm2.conf");
      String envConf = System.getenv("SOFTHSM2_CONF");
      if (envConf == null || !Paths.get(envConf).toAbsolutePath().equals(conf)) {
        throw new IllegalStateException(
            "SOFTHSM2_CONF must point to " + conf + " (set by surefire in softhsm-it/pom.xml); it is " + envConf);
      }
      Files.writeString(
          conf,
          "directories.tokendir = " + tokens + "\n"
              + "objectstore.backend = file\n"
              + "log.level = ERROR\n"
              + "slots.removable = false\n",
          StandardCharsets.UTF_8);
      configFile = target.resolve("it-trent.yaml");
      Files.writeString(configFile, yaml(data), StandardCharsets.UTF_8);
      start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String yaml(Path data) {
    return "server: {host: 127.0.0.1, port: 0, maxRequestBytes: 262144, hsmWorkers: 2, hsmQueueCapacity: 4096, ioThreads: 1}\n"
        + "identity: {partition: aws, region: " + REGION + ", accountId: \"" + ACCOUNT + "\"}\n"
        + "auth: {mode: dev}\n"
        + "dataDir: " + data + "\n"
        + "metadata: {jdbcUrl: \"\", user: \"\", password: \"\"}\n"
        + "pkcs11: {library: /usr/lib/softhsm/libsofthsm2.so, tokenLabel: " + TOKEN_LABEL
        + ", pinFile: \"\", autoProvision: true, sessionPoolSize: 4, borrowTimeoutMillis: 10000, ivSource: TOKEN_RNG}\n";
  }

  private static void start() throws IOException {
    TrentConfig config = TrentConfig.load(configFile, environment);
    server = TrentServer.start(config, CLOCK, policy != null ? policy : config.kms().policy(), AUDIT);
    kms = newClient(32);
  }

  /**
   * Starts a server on the existing data directory and token after {@link #stop()} (the
   * "server was down" cases); no-op when one is running.
   */
  static synchronized void startAgain() throws IOException {
    if (server == null) {
      if (configFile == null) {
        ensureStarted();
        return;
      }
      start();
    }
  }

  /** The audit trail every server of this JVM writes to. */
  public static AuditRecorder audit() {
    return AUDIT;
  }

  /** The clock every server of this JVM runs on. */
  public static MutableClock clock() {
    return CLOCK;
  }

  /** The server's "now". */
  public static Instant now() {
    return CLOCK.instant();
  }

  /** The running server (for runMaintenance and the destruction records). */
  public static synchronized TrentServer server() {
    ensureStarted();
    return server;
  }

  /** The SOFTHSM2_CONF of the fixture's token. */
  static Path softhsmConf() {
    return buildDir().resolve("softhsm2.conf");
  }

  /** The fixture's data directory (PIN files, embedded database). */
  static Path dataDir() {
    return buildDir().resolve("it-data");
  }

  /** Closes the running server and starts a new one on the same data directory and token. */
  public static synchronized void restart() throws Exception {
    ensureStarted();
    stop();
    start();
  }

  /**
   * Restarts the server on the same data directory and token with other service limits (small GCM
   * budgets, on-demand rotation limits); {@code restartWith(KmsPolicy.DEFAULT)} goes back.
   */
  public static synchronized void restartWith(KmsPolicy newPolicy) throws Exception {
    ensureStarted();
    stop();
    policy = newPolicy;
    start();
  }

  /**
   * Restarts the server on the same data directory and token with {@code TRENT_*} settings over the
   * fixture's configuration file (as an operator's environment would set them), the service limits
   * too (not a {@link #restartWith(KmsPolicy)} policy); an empty map goes back to the defaults.
   */
  public static synchronized void restartWithEnvironment(Map<String, String> variables) throws Exception {
    ensureStarted();
    stop();
    environment = Map.copyOf(variables);
    policy = null;
    start();
  }

  static synchronized void stop() {
    try {
      if (kms != null) {
        kms.close();
      }
      if (server != null) {
        server.close();
      }
    } catch (Exception e) {
      throw new IllegalStateException("closing the server failed", e);
    } finally {
      kms = null;
      server = null;
    }
  }

  public static synchronized int port() {
    ensureStarted();
    return server.port();
  }

  public static URI endpoint() {
    return URI.create("http://127.0.0.1:" + port());
  }

  /** The shared SDK client (32 pooled connections, no retries so that every 5xx shows). */
  public static synchronized KmsClient kms() {
    ensureStarted();
    return kms;
  }

  /** A new SDK client the caller must close. */
  public static KmsClient newClient(int maxConnections) {
    return KmsClient.builder()
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(CREDENTIALS))
        .httpClientBuilder(
            ApacheHttpClient.builder()
                .maxConnections(maxConnections)
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(60)))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  /** Creates an enabled SYMMETRIC_DEFAULT key and returns its metadata. */
  public static KeyMetadata newKey(String description) {
    CreateKeyResponse r = kms().createKey(b -> b.description(description));
    return r.keyMetadata();
  }

  public static String uniqueAlias(String prefix) {
    return "alias/" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(q);
      }
    }
  }
}
