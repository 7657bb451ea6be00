package io.trent.server;

import io.trent.audit.AuditTrail;
import io.trent.audit.AuditUnavailableException;
import io.trent.core.KmsServices;
import io.trent.core.error.KmsException;
import io.trent.core.service.Drift;
import io.trent.core.service.Reconciler;
import io.trent.core.spi.KeyBackend;
import io.trent.core.spi.MetadataStore;
import io.trent.core.spi.MetadataUnavailableException;
import io.trent.server.audit.InternalEventTrail;
import io.trent.server.audit.ServiceEvents;
import io.trent.server.audit.TrailContext;
import io.trent.server.config.ConfigException;
import io.trent.server.config.TrentConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trent-server reconcile}: compares the metadata store with the token and prints one line per difference
 * and a summary; {@code --repair} applies the repairs that are certain to be safe (see {@link Drift.Kind}). It
 * opens the store and token as {@code principal} does, so it works beside a server running on the same data
 * directory (the embedded database is served to this process, the token takes several processes).
 *
 * <p>Exit status: 0 when the store and the token agree (after the repairs), {@value #DRIFT} when drift remains,
 * 1 when they could not be read.
 */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
    description = {"Finds differences between the metadata store and the token that a crash can leave, and with "
        + "--repair repairs those that are safe to repair. Prints one line per difference and a summary.",
        "Exit 0: no drift; 3: drift remains; 1: the store or the token could not be read."})
final class ReconcileCommand implements Callable<Integer> {
  /** The exit status when drift remains after the run. */
  static final int DRIFT = 3;

  @Option(names = "--config", paramLabel = "FILE", description = "The YAML configuration (default: built-in defaults).")
  Path config;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Overrides dataDir.")
  Path dataDir;

  @Option(names = "--metadata-url", paramLabel = "URL", description = {"Overrides metadata.jdbcUrl (as for serve); "
      + "the password comes from TRENT_METADATA_PASSWORD or metadata.passwordFile."})
  String metadataUrl;

  @Option(names = "--repair", description = "Repair what is certain to be safe: finish interrupted deletions, "
      + "destroy material of deleted keys and of crashed imports, and wrapping keys nothing can use.")
  boolean repair;

  @Option(names = "--destroy-untracked", description = {"With --repair, also destroy key material no row names "
      + "(CreateKey or rotation crashed after the HSM step).",
      "Only when the metadata database was NOT restored from a backup: then such material protects data."})
  boolean destroyUntracked;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (destroyUntracked && !repair) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--destroy-untracked needs --repair");
    }
    Reconciler.Mode mode = !repair ? Reconciler.Mode.REPORT
        : destroyUntracked ? Reconciler.Mode.DESTROY_UNTRACKED : Reconciler.Mode.REPAIR;
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      TrentConfig settings = config == null ? TrentConfig.defaults(System.getenv())
          : TrentConfig.load(config, System.getenv());
      if (dataDir != null) {
        settings = settings.withDataDir(dataDir);
      }
      if (metadataUrl != null) {
        settings = settings.withMetadata(settings.metadata().withJdbcUrl(metadataUrl));
      }
      if (!Files.isDirectory(settings.dataDir())) {
        throw new ConfigException("No data directory " + settings.dataDir() + " (start the server once first)");
      }
      Clock clock = Clock.systemUTC();
      try (MetadataStore store = TrentServer.openStore(settings.metadata(), settings);
           KeyBackend backend = TrentServer.openBackend(settings);
           AuditTrail trail = TrentServer.openAuditTrail(settings, backend,
               settings.audit().cliSettings(settings.dataDir()))) {
        if (mode != Reconciler.Mode.REPORT) {
          // A repair that finishes a deletion is recorded, as maintenance's are: no trail, no repair.
          trail.checkWritable();
        }
        ServiceEvents events = new ServiceEvents(new TrailContext(settings.identity(),
            settings.pkcs11().tokenLabel(), backend::tokenSerial, clock));
        KmsServices services = KmsServices.create(backend, store, settings.identity(), clock);
        Reconciler.Report report = services.maintenance().reconciler().run(mode, new InternalEventTrail(trail, events));
        report.drift().forEach(drift -> out.println(line(drift)));
        int repaired = report.drift().size() - report.remaining().size();
        out.printf("reconcile: %d difference(s), %d repaired, %d remaining, %d failed repair(s)%n",
            report.drift().size(), repaired, report.remaining().size(), report.failures());
        out.flush();
        return report.clean() ? 0 : DRIFT;
      }
    } catch (ConfigException | IllegalArgumentException | IllegalStateException | MetadataUnavailableException
        | AuditUnavailableException | KmsException e) {
      err.println("trent-server reconcile: " + e.getMessage());
      err.flush();
      return 1;
    }
  }

  /** {@code KIND key=K object=O repaired|left: what it means}. */
  private static String line(Drift drift) {
    return drift.kind() + " key=" + (drift.keyId() == null ? "-" : drift.keyId()) + " object=" + drift.objectId()
        + " " + (drift.repaired() ? "repaired" : "left") + ": " + meaning(drift.kind());
  }

  private static String meaning(Drift.Kind kind) {
    return switch (kind) {
      case ORPHAN_MATERIAL -> "key material whose key has no row (CreateKey crashed after the HSM step, or the "
          + "database was restored); --repair --destroy-untracked destroys it";
      case UNCOMMITTED_ROTATION -> "key material of a stored key that its row does not list (a rotation crashed "
          + "after the HSM step); --repair --destroy-untracked destroys it";
      case UNCOMMITTED_IMPORT -> "imported material the row does not list (ImportKeyMaterial crashed); --repair "
          + "destroys it, then import again";
      case DESTROYED_MATERIAL_PRESENT -> "key material a destruction record says is destroyed; --repair destroys it";
      case UNFINISHED_MATERIAL_DELETION -> "imported material deletion or expiry interrupted; --repair finishes it";
      case UNFINISHED_KEY_DELETION -> "scheduled key deletion interrupted after the HSM step; --repair finishes it";
      case MISSING_MATERIAL -> "the row names key material the token does not have: the key is unusable until the "
          + "token is restored";
      case STALE_WRAPPING_KEY -> "import wrapping key whose import token expired; --repair destroys it";
      case UNUSED_WRAPPING_KEY -> "import wrapping key no import token names (GetParametersForImport crashed); "
          + "--repair destroys it";
    };
  }
}
