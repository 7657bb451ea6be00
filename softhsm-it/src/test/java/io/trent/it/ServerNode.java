package io.trent.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * A dev-mode Trent server in a process of its own (this JVM's PKCS#11 module belongs to the shared
 * fixture), started as {@code ./trent dev} starts it ({@code serve --config ... --data-dir D}, plus any
 * extra arguments such as {@code --metadata-url}), with the test classpath instead of the server jar.
 * Its SoftHSM2 token lives under {@code D}, so a node started again on the same {@code D} finds it.
 */
final class ServerNode implements AutoCloseable {
  /** Generous: a JVM start, token creation and the HSM's key pair probe, on a shared, loaded machine. */
  private static final long STARTUP_SECONDS = 300;
  private static final Pattern LISTENING = Pattern.compile("Trent listening on http://127\\.0\\.0\\.1:(\\d+) ");

  private final Process process;
  private final int port;

  private ServerNode(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts a node on {@code base/data} with the token under {@code base/tokens} (both created on the
   * first start) and waits until it listens.
   */
  static ServerNode start(Path base, String tokenLabel, String... extraArgs) throws IOException {
    return start(base, tokenLabel, List.of(), extraArgs);
  }

  /** As {@link #start(Path, String, String...)}, with JVM options for the server's process (such as {@code -D}). */
  static ServerNode start(Path base, String tokenLabel, List<String> jvmOptions, String... extraArgs)
      throws IOException {
    return start(base, tokenLabel, jvmOptions, Map.of(), extraArgs);
  }

  /** As {@link #start(Path, String, String...)}, with {@code TRENT_*} configuration overrides in its environment. */
  static ServerNode start(Path base, String tokenLabel, Map<String, String> environment, String... extraArgs)
      throws IOException {
    return start(base, tokenLabel, List.of(), environment, extraArgs);
  }

  /** As {@link #start(Path, String, String...)}, with JVM options and {@code TRENT_*} environment overrides. */
  static ServerNode start(Path base, String tokenLabel, List<String> jvmOptions, Map<String, String> environment,
      String... extraArgs) throws IOException {
    Process process = launch(base, tokenLabel, jvmOptions, environment, extraArgs);
    Path log = base.resolve("server.log");
    // A thread of its own: the common pool has one thread on a 2-core machine, which other tests may hold.
    FutureTask<Integer> port = new FutureTask<>(() -> awaitPort(process));
    Thread reader = new Thread(port, "server-node-start");
    reader.setDaemon(true);
    reader.start();
    try {
      return new ServerNode(process, port.get(STARTUP_SECONDS, TimeUnit.SECONDS));
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("The server did not start (alive: " + process.isAlive() + "); its log: "
          + Files.readString(log), e);
    }
  }

  /**
   * Starts a node that is expected to end by itself before it listens (a test crash point armed for its start-up
   * work) and returns its exit status once it has.
   */
  static int startUntilExit(Path base, String tokenLabel, List<String> jvmOptions) throws IOException,
      InterruptedException {
    return startUntilExit(base, tokenLabel, jvmOptions, Map.of());
  }

  /** As {@link #startUntilExit(Path, String, List)}, with {@code TRENT_*} environment overrides. */
  static int startUntilExit(Path base, String tokenLabel, List<String> jvmOptions, Map<String, String> environment)
      throws IOException, InterruptedException {
    Process process = launch(base, tokenLabel, jvmOptions, environment);
    Thread drain = new Thread(() -> {
      try (var out = process.getInputStream()) {
        out.transferTo(java.io.OutputStream.nullOutputStream());
      } catch (IOException ignored) {
        // the process ended
      }
    }, "server-node-drain");
    drain.setDaemon(true);
    drain.start();
    if (!process.waitFor(STARTUP_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("The server did not end by itself; its log: "
          + Files.readString(base.resolve("server.log")));
    }
    return process.exitValue();
  }

  /** {@code trent-server reconcile} on the node's data directory and token, in a process of its own. */
  static Reconciliation reconcile(Path base, String... options) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.trent.server.Main", "reconcile",
        "--config", base.resolve("trent.yaml").toString(), "--data-dir", base.resolve("data").toString()));
    command.addAll(List.of(options));
    Path output = base.resolve("reconcile.out");
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(output.toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(base.resolve("reconcile.log").toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().put("SOFTHSM2_CONF", base.resolve("softhsm2.conf").toString());
    builder.environment().keySet().removeIf(name -> name.startsWith("TRENT_"));
    Process process = builder.start();
    if (!process.waitFor(STARTUP_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("trent-server reconcile did not end");
    }
    return new Reconciliation(process.exitValue(), Files.readAllLines(output));
  }

  /** What {@code trent-server reconcile} printed and its exit status. */
  record Reconciliation(int status, List<String> lines) {
    /** The finding lines (all but the summary). */
    List<String> findings() {
      return lines.stream().filter(line -> !line.startsWith("reconcile:")).toList();
    }
  }

  private static Process launch(Path base, String tokenLabel, List<String> jvmOptions,
      Map<String, String> environment, String... extraArgs) throws IOException {
    Path tokens = Files.createDirectories(base.resolve("tokens"));
    Path softhsmConf = base.resolve("softhsm2.conf");
    Files.writeString(softhsmConf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\n"
        + "log.level = ERROR\nslots.removable = false\n");
    Path config = base.resolve("trent.yaml");
    Files.writeString(config, "server: {host: 127.0.0.1, port: 0}\n"
        + "identity: {partition: aws, region: " + Trent.REGION + ", accountId: \"" + Trent.ACCOUNT + "\"}\n"
        + "auth: {mode: dev, regions: [" + Trent.REGION + "]}\n"
        + "pkcs11: {library: /usr/lib/softhsm/libsofthsm2.so, tokenLabel: " + tokenLabel + ", autoProvision: true}\n");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=info"));
    command.addAll(jvmOptions);
    command.addAll(List.of(
        "io.trent.server.Main", "serve", "--config", config.toString(), "--data-dir", base.resolve("data").toString()));
    command.addAll(List.of(extraArgs));
    Path log = base.resolve("server.log");
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().put("SOFTHSM2_CONF", softhsmConf.toString());
    builder.environment().keySet().removeIf(name -> name.startsWith("TRENT_"));
    builder.environment().putAll(environment);
    return builder.start();
  }

  int port() {
    return port;
  }

  /** An SDK v2 client of this node, with any credentials (dev mode) and no retries. */
  KmsClient client() {
    return KmsClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + port))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
        .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(5))
            .socketTimeout(Duration.ofSeconds(60)))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  private static int awaitPort(Process server) {
    // Not closed once the port is found: the drain thread owns the reader from then on.
    BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    try {
      for (String line; (line = out.readLine()) != null; ) {
        Matcher matcher = LISTENING.matcher(line);
        if (matcher.find()) {
          // Keep draining stdout so the server never blocks on a full pipe.
          Thread drain = new Thread(() -> {
            try (out) {
              out.transferTo(java.io.Writer.nullWriter());
            } catch (IOException ignored) {
              // the server exited
            }
          }, "server-node-stdout");
          drain.setDaemon(true);
          drain.start();
          return Integer.parseInt(matcher.group(1));
        }
      }
      out.close();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    throw new IllegalStateException("the server exited before listening");
  }

  /** SIGKILL ({@code destroyForcibly}): no shutdown hook runs; returns once the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(60, TimeUnit.SECONDS);
  }

  /** Waits for the process to end by itself (a test crash point) and returns its exit status. */
  int awaitExit() throws InterruptedException {
    if (!process.waitFor(STARTUP_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("the server did not end by itself");
    }
    return process.exitValue();
  }

  /** SIGTERM, as an operator stops it; the shutdown hook closes the store and the token. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
