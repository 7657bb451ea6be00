package io.trent.server;

import io.trent.core.spi.MetadataUnavailableException;
import io.trent.server.config.AuthMode;
import io.trent.server.config.ConfigException;
import io.trent.server.config.TrentConfig;
import io.trent.server.logging.LogOutput;
import io.trent.server.tls.ServerTls;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code trent-server} command line. */
@Command(name = "trent-server", mixinStandardHelpOptions = true, version = "trent-server 0.1.0",
    description = "An AWS KMS-compatible key management service whose keys live in a PKCS#11 HSM.",
    subcommands = {Main.Serve.class, PrincipalCommand.class, AuditCommand.class, ReconcileCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: serve, principal, audit or reconcile");
  }

  /** Runs the server until SIGTERM or SIGINT. */
  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = {"Runs the server until SIGTERM or SIGINT.",
          "The token PIN comes from pkcs11.pinFile or the TRENT_PKCS11_PIN variable, never from the command line."})
  static final class Serve implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(Serve.class);

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The YAML configuration.")
    Path config;

    @Option(names = "--port", paramLabel = "N", description = "Overrides server.port (0: any free port).")
    Integer port;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Overrides dataDir.")
    Path dataDir;

    @Option(names = "--metadata-url", paramLabel = "URL", description = {"Overrides metadata.jdbcUrl, e.g. "
        + "jdbc:postgresql://HOST:PORT/DB?user=U. The password comes from TRENT_METADATA_PASSWORD or "
        + "metadata.passwordFile, never from the command line."})
    String metadataUrl;

    @Option(names = "--tls", description = {"Serve HTTPS only (sets tls.enabled). Without tls.certificate, a "
        + "certificate for localhost is made on first start; clients trust <dataDir>/tls/ca.pem."})
    boolean tls;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter err = spec.commandLine().getErr();
      TrentServer server;
      try {
        TrentConfig settings = TrentConfig.load(config, System.getenv());
        if (port != null) {
          settings = settings.withPort(port);
        }
        if (dataDir != null) {
          settings = settings.withDataDir(dataDir);
        }
        if (tls) {
          settings = settings.withTls(settings.tls().withEnabled(true));
        }
        if (metadataUrl != null) {
          settings = settings.withMetadata(settings.metadata().withJdbcUrl(metadataUrl));
        }
        // Before the server logs anything: from here on, lines are in the configured format.
        LogOutput.use(settings.server().logFormat());
        server = TrentServer.start(settings);
      } catch (ConfigException | MetadataUnavailableException | IllegalStateException | IllegalArgumentException e) {
        err.println("trent-server: " + e.getMessage());
        err.flush();
        return 1;
      } catch (RuntimeException e) {
        log.error("Trent failed to start", e);
        return 1;
      }

      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        server.close();
        stopped.countDown();
      }, "trent-shutdown"));
      announce(server);
      stopped.await();
      return 0;
    }

    private void announce(TrentServer server) {
      TrentConfig settings = server.config();
      PrintWriter out = spec.commandLine().getOut();
      String scheme = server.tls().isPresent() ? "https" : "http";
      out.printf("Trent listening on %s://%s:%d (region %s, account %s, token '%s')%n", scheme,
          settings.server().host(), server.port(), settings.identity().region(),
          settings.identity().accountId(), settings.pkcs11().tokenLabel());
      Optional<Path> ca = server.tls().flatMap(ServerTls::generatedCa);
      ca.ifPresent(file -> out.printf("TLS CA certificate (trust it in clients): %s%n", file));
      if (server.tls().map(ServerTls::mutual).orElse(false)) {
        out.println("Mutual TLS: clients need a certificate signed by tls.clientCa");
      }
      if (settings.auth().mode() == AuthMode.DEV) {
        out.printf("Try: aws kms create-key --endpoint-url %s://%s:%d --region %s%s%n", scheme,
            clientHost(settings.server().host()), server.port(), settings.identity().region(),
            ca.map(file -> " --ca-bundle " + file).orElse(""));
      } else {
        out.printf("Requests need SigV4 signatures (regions %s); the account root's first key is in %s. Try:%n"
            + "AWS_SHARED_CREDENTIALS_FILE=%s aws kms create-key --endpoint-url %s://%s:%d --region %s%s%n",
            settings.auth().regions(), TrentServer.credentialsFile(settings), TrentServer.credentialsFile(settings),
            scheme, clientHost(settings.server().host()), server.port(), settings.auth().regions().get(0),
            ca.map(file -> " --ca-bundle " + file).orElse(""));
      }
      out.flush();
    }

    /** The address a local client should use: the wildcard addresses are not connectable. */
    private static String clientHost(String host) {
      return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? "127.0.0.1" : host;
    }
  }
}
