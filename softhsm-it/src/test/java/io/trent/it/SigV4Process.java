package io.trent.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Trent server with {@code auth.mode: sigv4} in a process of its own (this JVM's PKCS#11 module
 * belongs to the shared fixture), on its own SoftHSM2 token and data directory, and the
 * {@code principal} command run as a separate process against it: what {@code ./trent dev --auth
 * sigv4} and {@code ./trent principal} do, with the test classpath instead of the server jar.
 */
final class SigV4Process implements AutoCloseable {
  static final String ROOT_ARN = "arn:aws:iam::" + Trent.ACCOUNT + ":root";
  /** Generous: a JVM start, token creation and the HSM's key pair probe, on a shared, loaded machine. */
  private static final long STARTUP_SECONDS = 300;
  private static final Pattern LISTENING = Pattern.compile("Trent listening on https?://127\\.0\\.0\\.1:(\\d+) ");

  private final Process server;
  private final Path dataDir;
  private final Path config;
  private final Path softhsmConf;
  private final int port;

  private SigV4Process(Process server, Path dataDir, Path config, Path softhsmConf, int port) {
    this.server = server;
    this.dataDir = dataDir;
    this.config = config;
    this.softhsmConf = softhsmConf;
    this.port = port;
  }

  /** Starts the server on a fresh token and data directory and waits until it listens. */
  static SigV4Process start() throws IOException, InterruptedException {
    return start("sigv4-it", List.of(Trent.REGION), "", "");
  }

  /**
   * As {@link #start()}, under {@code <build>/<name>} with a token of its own, serving {@code regions}
   * ({@code auth.regions}).
   */
  static SigV4Process start(String name, List<String> regions) throws IOException, InterruptedException {
    return start(name, regions, "", "");
  }

  /**
   * As {@link #start()}, in {@code <build>/<name>}, with more YAML inside the {@code auth} mapping (e.g.
   * {@code , services: [...]}) and more top-level YAML (e.g. {@code tls: {enabled: true}}).
   */
  static SigV4Process start(String name, String moreAuth, String moreConfig) throws IOException, InterruptedException {
    return start(name, List.of(Trent.REGION), moreAuth, moreConfig);
  }

  /** The general form of the above. */
  static SigV4Process start(String name, List<String> regions, String moreAuth, String moreConfig)
      throws IOException, InterruptedException {
    Path base = Trent.buildDir().resolve(name);
    deleteRecursively(base);
    Path tokens = Files.createDirectories(base.resolve("tokens"));
    Path dataDir = base.resolve("data");
    Path softhsmConf = base.resolve("softhsm2.conf");
    Files.writeString(softhsmConf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\n"
        + "log.level = ERROR\nslots.removable = false\n");
    Path config = base.resolve("trent.yaml");
    Files.writeString(config, "server: {host: 127.0.0.1, port: 0}\n"
        + "auth: {mode: sigv4, regions: [" + String.join(", ", regions) + "]" + moreAuth + "}\n"
        + "dataDir: " + dataDir + "\n" + moreConfig
        + "pkcs11: {library: /usr/lib/softhsm/libsofthsm2.so, tokenLabel: trent-" + name + ", autoProvision: true}\n");
    Process server = java(softhsmConf, base.resolve("server.log"), "serve", "--config", config.toString());
    // A thread of its own: the common pool has one thread on a 2-core machine, which other tests may hold.
    java.util.concurrent.FutureTask<Integer> port = new java.util.concurrent.FutureTask<>(() -> awaitPort(server));
    Thread reader = new Thread(port, "sigv4-server-start");
    reader.setDaemon(true);
    reader.start();
    try {
      return new SigV4Process(server, dataDir, config, softhsmConf, port.get(STARTUP_SECONDS, TimeUnit.SECONDS));
    } catch (Exception e) {
      server.destroyForcibly();
      throw new IllegalStateException("The sigv4 server did not start (alive: " + server.isAlive() + "); its log: "
          + Files.readString(base.resolve("server.log")), e);
    }
  }

  int port() {
    return port;
  }

  Path dataDir() {
    return dataDir;
  }

  /** {@code <dataDir>/credentials}, written on first start. */
  Path credentialsFile() {
    return dataDir.resolve("credentials");
  }

  /** Runs {@code principal <args>} as its own process; its stdout as JSON. */
  JsonNode principal(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("principal"));
    command.addAll(List.of(args));
    command.addAll(List.of("--config", config.toString()));
    Path log = Files.createTempFile(dataDir.getParent(), "principal", ".log");
    Process process = java(softhsmConf, log, command.toArray(String[]::new));
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(STARTUP_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new AssertionError("principal " + String.join(" ", args) + " failed: " + out + Files.readString(log));
    }
    return RawKms.JSON.readTree(out);
  }

  private static Process java(Path softhsmConf, Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
        "io.trent.server.Main"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectError(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().put("SOFTHSM2_CONF", softhsmConf.toString());
    builder.environment().keySet().removeIf(name -> name.startsWith("TRENT_"));
    return builder.start();
  }

  private static int awaitPort(Process server) {
    // Not closed here once the port is found: the drain thread owns the reader from then on (closing it
    // would wait for the drain's blocked read, until the server next writes).
    BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    try {
      for (String line; (line = out.readLine()) != null; ) {
        Matcher matcher = LISTENING.matcher(line);
        if (matcher.find()) {
          int port = Integer.parseInt(matcher.group(1));
          // Keep draining stdout so the server never blocks on a full pipe.
          Thread drain = new Thread(() -> {
            try (out) {
              out.transferTo(java.io.Writer.nullWriter());
            } catch (IOException ignored) {
              // the server exited
            }
          }, "sigv4-server-stdout");
          drain.setDaemon(true);
          drain.start();
          return port;
        }
      }
      out.close();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    throw new IllegalStateException("the server exited before listening");
  }

  @Override
  public void close() throws InterruptedException {
    server.destroy();
    if (!server.waitFor(30, TimeUnit.SECONDS)) {
      server.destroyForcibly();
    }
  }

  /** Polls {@code attempt} until it returns true or {@code deadline} passes. */
  static boolean within(Duration deadline, java.util.function.BooleanSupplier attempt) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    do {
      if (attempt.getAsBoolean()) {
        return true;
      }
      Thread.sleep(100); // a polling interval, not synchronisation: the deadline bounds the wait
    } while (System.nanoTime() < end);
    return attempt.getAsBoolean();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
