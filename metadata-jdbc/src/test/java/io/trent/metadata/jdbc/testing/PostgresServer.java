package io.trent.metadata.jdbc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A throwaway PostgreSQL cluster for tests: Debian's {@code postgresql} package, {@code initdb} into a
 * fresh temporary directory, listening on 127.0.0.1 only (no Unix socket) on a free port, trust
 * authentication for the user {@value #USER}.
 *
 * <p>PostgreSQL refuses to run as root, and CI runs as root: then every PostgreSQL command runs as the
 * {@code postgres} user that the Debian package creates ({@code runuser -u postgres}), in a directory
 * handed to that user. Without PostgreSQL installed the tests fail, naming the install command.
 */
public final class PostgresServer implements AutoCloseable {
  /** The superuser initdb creates; trust authentication, loopback only. */
  public static final String USER = "trent";
  static final String INSTALL_HINT = "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb). "
      + "Install it with: sudo apt-get install -y postgresql";
  private static final Path DEBIAN_VERSIONS = Path.of("/usr/lib/postgresql");
  private static final long COMMAND_SECONDS = 120;

  private final Path bin;
  private final Path root;
  private final Path data;
  private final int port;
  private final boolean asPostgresUser;
  private final AtomicInteger databases = new AtomicInteger();
  private boolean running;

  private PostgresServer(Path bin, Path root, int port, boolean asPostgresUser) {
    this.bin = bin;
    this.root = root;
    this.data = root.resolve("data");
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  /** Creates a cluster in a new temporary directory and starts it. */
  public static PostgresServer start() {
    Path bin = binDirectory();
    boolean root = "root".equals(System.getProperty("user.name"));
    try {
      Path dir = Files.createTempDirectory("trent-pg");
      PostgresServer server = new PostgresServer(bin, dir, freePort(), root);
      if (root) {
        server.run(List.of("chown", "postgres:postgres", dir.toString()), false);
      }
      server.run(List.of(bin.resolve("initdb").toString(), "-D", server.data.toString(), "-U", USER,
          "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"), true);
      server.startAgain();
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "trent-pg-stop"));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The newest {@code /usr/lib/postgresql/<version>/bin} with an initdb in it. */
  static Path binDirectory() {
    return binDirectory(DEBIAN_VERSIONS);
  }

  /** The newest {@code <versionsDir>/<version>/bin} with an initdb in it; else the install command. */
  static Path binDirectory(Path versionsDir) {
    List<Path> found = new ArrayList<>();
    if (Files.isDirectory(versionsDir)) {
      try (DirectoryStream<Path> versions = Files.newDirectoryStream(versionsDir)) {
        for (Path version : versions) {
          if (Files.isExecutable(version.resolve("bin").resolve("initdb"))) {
            found.add(version.resolve("bin"));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return found.stream()
        .max(Comparator.comparingInt(bin -> versionNumber(bin.getParent().getFileName().toString())))
        .orElseThrow(() -> new IllegalStateException(INSTALL_HINT));
  }

  private static int versionNumber(String name) {
    try {
      return Integer.parseInt(name.replaceAll("\\..*", ""));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Starts (again) the cluster on its port; returns once it accepts connections. */
  public synchronized void startAgain() {
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", root.resolve("log").toString(),
        "-w", "-t", "60", "-o",
        "-c listen_addresses=127.0.0.1 -p " + port + " -c unix_socket_directories='' -c fsync=off", "start"),
        true);
    running = true;
  }

  /** Stops the cluster at once, closing every connection (pg_ctl's fast mode). */
  public synchronized void stop() {
    if (running) {
      run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop"), true);
      running = false;
    }
  }

  /**
   * Freezes every process of the cluster (SIGSTOP, by process id): connections stay open and nothing
   * answers, as when a database server hangs or the network drops packets. {@link #thaw()} undoes it.
   */
  public synchronized void freeze() {
    signal("-STOP");
  }

  public synchronized void thaw() {
    signal("-CONT");
  }

  private void signal(String signal) {
    long postmaster;
    try {
      postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command = new ArrayList<>(List.of("kill", signal, Long.toString(postmaster)));
    ProcessHandle.of(postmaster).ifPresent(
        handle -> handle.descendants().forEach(child -> command.add(Long.toString(child.pid()))));
    run(command, false);
  }

  /** A new, empty database; its JDBC URL names the user and no password. */
  public String newDatabase() {
    return createDatabase("");
  }

  /**
   * A new database that starts as a copy of the one {@code url} names (PostgreSQL's template
   * databases: quicker than migrating each new one); nothing may be connected to that one.
   */
  public String copyOf(String url) {
    String name = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
    return createDatabase(" TEMPLATE " + name);
  }

  private String createDatabase(String clause) {
    String name = "trent_test_" + databases.incrementAndGet();
    try (Connection admin = DriverManager.getConnection(url("postgres"));
        Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE " + name + clause);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create database " + name + ": " + e.getMessage(), e);
    }
    return url(name);
  }

  /** The JDBC URL of one database of this cluster, with the user in it. */
  public String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
  }

  public int port() {
    return port;
  }

  /** Stops the cluster and deletes its directory. */
  @Override
  public synchronized void close() {
    try {
      stop();
      deleteRecursively(root);
    } catch (RuntimeException | IOException e) {
      // The shutdown hook may find it stopped or half gone; nothing else to do.
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  private void run(List<String> command, boolean asOwner) {
    List<String> full = new ArrayList<>();
    if (asOwner && asPostgresUser) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    try {
      Path output = Files.createTempFile("trent-pg-cmd", ".log");
      try {
        Process process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException("Timed out: " + String.join(" ", full));
        }
        if (process.exitValue() != 0) {
          throw new IllegalStateException(String.join(" ", full) + " failed (" + process.exitValue() + "): "
              + Files.readString(output) + serverLog());
        }
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted: " + String.join(" ", full), e);
    }
  }

  private String serverLog() {
    Path log = root.resolve("log");
    try {
      return Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
