package io.trent.server;

import io.trent.audit.PublicKeyPem;
import io.trent.audit.TrailVerifier;
import io.trent.audit.VerifyReport;
import io.trent.server.config.ConfigException;
import io.trent.server.config.TrentConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trent-server audit verify|public-key}: checks the audit trail offline with the public key
 * alone, and prints that key. Needs neither the HSM nor the database, so an auditor can run it on a
 * copy of the audit directory on another machine.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = "Verifies the tamper-evident audit trail offline, or prints its public key.",
    subcommands = {AuditCommand.Verify.class, AuditCommand.PublicKey.class})
final class AuditCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: verify or public-key");
  }

  /** The audit directory: audit.directory, or {@code <dataDir>/audit}. */
  static Path auditDirectory(PrincipalCommand.Target target) {
    TrentConfig settings = target.load();
    return settings.audit().directory(settings.dataDir());
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"Checks every node's hash chain and signed digests; prints a one-line summary.",
          "Exit 0: valid (records after the last digest are reported as not yet covered). Exit 1: the first bad "
              + "place (file:line) is named."})
  static final class Verify implements Callable<Integer> {
    @CommandLine.Mixin PrincipalCommand.Target target = new PrincipalCommand.Target();

    @Option(names = "--public-key", paramLabel = "FILE",
        description = "The audit public key (PEM) from a trusted copy; default: the public-key*.pem files in the "
            + "audit directory.")
    Path publicKey;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        Path dir = auditDirectory(target);
        List<byte[]> keys;
        if (publicKey != null) {
          keys = PublicKeyPem.decodeAll(Files.readString(publicKey));
          if (keys.isEmpty()) {
            throw new ConfigException("No PUBLIC KEY block in " + publicKey);
          }
        } else {
          keys = Files.isDirectory(dir) ? TrailVerifier.publicKeysIn(dir) : List.of();
        }
        VerifyReport report = new TrailVerifier(keys).verify(dir);
        (report.ok() ? out : err).println(report.summary());
        out.flush();
        err.flush();
        return report.ok() ? 0 : 1;
      } catch (ConfigException | IOException | IllegalArgumentException e) {
        err.println("trent-server audit verify: " + e.getMessage());
        err.flush();
        return 1;
      }
    }
  }

  @Command(name = "public-key", mixinStandardHelpOptions = true,
      description = "Prints the audit signing key's public key (PEM), for verifying on another machine.")
  static final class PublicKey implements Callable<Integer> {
    @CommandLine.Mixin PrincipalCommand.Target target = new PrincipalCommand.Target();

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        Path dir = auditDirectory(target);
        List<byte[]> keys = Files.isDirectory(dir) ? TrailVerifier.publicKeysIn(dir) : List.of();
        if (keys.isEmpty()) {
          err.println("trent-server audit public-key: no public key in " + dir + " (start the server once first)");
          err.flush();
          return 1;
        }
        keys.forEach(key -> out.print(PublicKeyPem.encode(key)));
        out.flush();
        return 0;
      } catch (ConfigException | IOException e) {
        err.println("trent-server audit public-key: " + e.getMessage());
        err.flush();
        return 1;
      }
    }
  }
}
