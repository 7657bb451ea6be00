package io.trent.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trent.audit.AuditSink;
import io.trent.audit.AuditTrail;
import io.trent.audit.AuditUnavailableException;
import io.trent.core.auth.PrincipalArn;
import io.trent.core.auth.PrincipalTags;
import io.trent.core.error.KmsException;
import io.trent.core.spi.KeyBackend;
import io.trent.core.spi.MetadataStore;
import io.trent.server.audit.ServiceEvents;
import io.trent.server.audit.TrailContext;
import io.trent.server.auth.CredentialIssuer;
import io.trent.server.auth.IssuedCredentials;
import io.trent.server.config.ConfigException;
import io.trent.server.config.TrentConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code trent-server principal add|remove}: creates or removes a principal and its access keys in
 * the data directory's store, sealing secrets under the token's credential key. A running server
 * (which serves the embedded database to this process, see {@code EmbeddedDatabaseFiles}) picks the
 * change up within a second.
 */
@Command(name = "principal", mixinStandardHelpOptions = true,
    description = "Adds or removes a principal (IAM user or role, or account root) and its access keys.",
    subcommands = {PrincipalCommand.Add.class, PrincipalCommand.Remove.class})
final class PrincipalCommand implements Runnable {
  /**
   * This process records its principal changes in its own node's chain of the data directory's trail
   * ({@code <host>-cli}, beside the server's: the trail takes several writers, one chain each), so a change is
   * recorded whether or not a server runs. Tests put an observer here in place of that trail.
   */
  static Function<TrentConfig, AuditSink> trail = null;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: add or remove");
  }

  /** Where the store and token are: the configuration and data directory, as for serve. */
  static class Target {
    @Option(names = "--config", paramLabel = "FILE", description = "The YAML configuration (default: built-in defaults).")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Overrides dataDir.")
    Path dataDir;

    TrentConfig load() {
      TrentConfig settings = config == null ? TrentConfig.defaults(System.getenv())
          : TrentConfig.load(config, System.getenv());
      return dataDir == null ? settings : settings.withDataDir(dataDir);
    }
  }

  /** Work on the opened store and backend, closed afterwards; {@code events} records it in the audit trail. */
  @FunctionalInterface
  interface Work {
    int run(MetadataStore store, KeyBackend backend, PrintWriter out, Audit events) throws IOException;
  }

  /**
   * The trail of one command, checked before the change (a trail that cannot be written refuses it, nothing
   * changed) and appended after it.
   */
  record Audit(AuditSink sink, ServiceEvents events) {
    void append(com.fasterxml.jackson.databind.node.ObjectNode event) {
      try {
        sink.append(event);
      } catch (AuditUnavailableException e) {
        throw new IllegalStateException("the change was made but the audit trail did not take its event: "
            + e.getMessage(), e);
      }
    }
  }

  static int withStore(CommandLine.Model.CommandSpec spec, Target target, boolean needsBackend, Work work) {
    PrintWriter err = spec.commandLine().getErr();
    try {
      TrentConfig settings = target.load();
      if (!Files.isDirectory(settings.dataDir())) {
        throw new ConfigException("No data directory " + settings.dataDir() + " (start the server once first)");
      }
      Function<TrentConfig, AuditSink> observer = trail;
      // The node's own trail needs the token: its digests are signed there.
      try (MetadataStore store = TrentServer.openStore(settings.metadata(), settings);
           KeyBackend backend = needsBackend || observer == null ? TrentServer.openBackend(settings) : null;
           AuditTrail own = observer == null ? TrentServer.openAuditTrail(settings, backend,
               settings.audit().cliSettings(settings.dataDir())) : null) {
        AuditSink sink = observer == null ? own : observer.apply(settings);
        try {
          sink.checkWritable();
        } catch (AuditUnavailableException e) {
          throw new IllegalStateException("the audit trail cannot be written, nothing was changed: " + e.getMessage(),
              e);
        }
        KeyBackend token = backend;
        ServiceEvents events = new ServiceEvents(new TrailContext(settings.identity(), settings.pkcs11().tokenLabel(),
            () -> token == null ? null : token.tokenSerial(), Clock.systemUTC()));
        return work.run(store, backend, spec.commandLine().getOut(), new Audit(sink, events));
      }
    } catch (ConfigException | IllegalArgumentException | IllegalStateException | IOException | KmsException e) {
      err.println("trent-server principal: " + e.getMessage());
      err.flush();
      return 1;
    } catch (Exception e) {
      err.println("trent-server principal: " + e);
      err.flush();
      return 1;
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = {"Creates the principal (or replaces its policy and tags) and issues it an access key; prints "
          + "{\"Arn\", \"AccessKeyId\", \"SecretAccessKey\"} as JSON, plus \"UserId\" for a user, and \"SessionToken\", "
          + "\"Expiration\" and \"AssumedRoleId\" for a role (temporary credentials, as STS issues for roles)."})
  static final class Add implements Callable<Integer> {
    @CommandLine.Mixin Target target = new Target();

    @Option(names = "--arn", required = true, paramLabel = "ARN",
        description = "arn:aws:iam::ACCOUNT:user/NAME, arn:aws:iam::ACCOUNT:role/NAME or arn:aws:iam::ACCOUNT:root.")
    String arn;

    @Option(names = "--policy", paramLabel = "FILE", description = "An IAM identity policy document (JSON).")
    Path policy;

    @Option(names = "--tag", paramLabel = "KEY=VALUE",
        description = "A tag of the principal, seen by policies as aws:PrincipalTag/KEY; repeatable. Given tags replace "
            + "the principal's; without --tag its tags are kept.")
    java.util.List<String> tags = new java.util.ArrayList<>();

    @Option(names = "--duration-seconds", paramLabel = "N", defaultValue = "3600",
        description = "How long a role's credentials last: 1 to 43200 seconds (default 3600).")
    long durationSeconds;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrincipalArn principal;
      try {
        principal = PrincipalArn.parse(arn);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      if (durationSeconds < 1 || durationSeconds > CredentialIssuer.MAX_SESSION.toSeconds()) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--duration-seconds must be 1 to 43200");
      }
      PrincipalTags principalTags = readTags(principal);
      String document = policy == null ? null : readPolicy(policy);
      return withStore(spec, target, true, (store, backend, out, audit) -> {
        IssuedCredentials issued = new CredentialIssuer(store, backend, Clock.systemUTC())
            .issue(principal, document, principalTags, Duration.ofSeconds(durationSeconds));
        // Recorded before the secret is shown: a change the trail did not take prints no credentials.
        audit.append(audit.events().principalAdded(issued.arn(), issued.accessKeyId(), document != null));
        ObjectNode json = new ObjectMapper().createObjectNode()
            .put("Arn", issued.arn())
            .put("AccessKeyId", issued.accessKeyId())
            .put("SecretAccessKey", issued.secretAccessKey());
        if (issued.sessionToken() != null) {
          json.put("SessionToken", issued.sessionToken()).put("Expiration", issued.expiration().toString());
        }
        // What requests signed with these credentials carry as aws:userid (IAM's GetUser UserId, STS's AssumedRoleId).
        store.findPrincipal(principal.value()).ifPresent(stored -> {
          if (principal.kind() == PrincipalArn.Kind.USER) {
            json.put("UserId", stored.uniqueId());
          } else if (principal.kind() == PrincipalArn.Kind.ROLE) {
            json.put("AssumedRoleId", stored.uniqueId() + ":" + issued.accessKeyId());
          }
        });
        out.println(json);
        out.flush();
        return 0;
      });
    }

    /** The {@code --tag KEY=VALUE} options, checked against IAM's tag rules. */
    private PrincipalTags readTags(PrincipalArn principal) {
      if (tags.isEmpty()) {
        return PrincipalTags.NONE;
      }
      if (principal.kind() == PrincipalArn.Kind.ROOT) {
        // IAM tags users and roles only; an account root has none.
        throw new CommandLine.ParameterException(spec.commandLine(), "--tag: an account root cannot have tags");
      }
      java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
      try {
        for (String tag : tags) {
          java.util.Map.Entry<String, String> e = PrincipalTags.parseAssignment(tag);
          if (values.put(e.getKey(), e.getValue()) != null) {
            throw new IllegalArgumentException("Tag key '" + e.getKey() + "' is given twice");
          }
        }
        return new PrincipalTags(values);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--tag: " + e.getMessage());
      }
    }

    /** The policy as given, checked to be a JSON object and a valid IAM identity policy. */
    private String readPolicy(Path file) {
      String text;
      try {
        text = Files.readString(file);
      } catch (IOException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "Cannot read the policy " + file + ": " + e);
      }
      try {
        if (!new ObjectMapper().readTree(text).isObject()) {
          throw new CommandLine.ParameterException(spec.commandLine(), "The policy " + file + " is not a JSON object");
        }
      } catch (IOException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "The policy " + file + " is not JSON: "
            + e.getMessage());
      }
      try {
        // Refused here, as IAM refuses it, rather than stored and silently allowing nothing.
        io.trent.policy.PolicyParser.parseIdentityPolicy(text);
      } catch (io.trent.policy.MalformedPolicyException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "The policy " + file
            + " is not a valid IAM identity policy: " + (e.getMessage().isEmpty() ? e.detail() : e.getMessage()));
      }
      return text;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Removes the principal and all its access keys; a running server refuses them within seconds.")
  static final class Remove implements Callable<Integer> {
    @CommandLine.Mixin Target target = new Target();

    @Option(names = "--arn", required = true, paramLabel = "ARN", description = "The principal's ARN.")
    String arn;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      return withStore(spec, target, false, (store, backend, out, audit) -> {
        if (!store.deletePrincipal(arn)) {
          spec.commandLine().getErr().println("trent-server principal: no principal " + arn);
          spec.commandLine().getErr().flush();
          return 1;
        }
        audit.append(audit.events().principalRemoved(arn));
        out.println(new ObjectMapper().createObjectNode().put("Arn", arn).put("Removed", true));
        out.flush();
        return 0;
      });
    }
  }
}
