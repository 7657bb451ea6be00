package io.trent.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.trent.audit.AuditSettings;
import io.trent.audit.AuditSink;
import io.trent.audit.AuditTrail;
import io.trent.audit.AuditUnavailableException;
import io.trent.audit.TeeSink;
import io.trent.core.KmsPolicy;
import io.trent.core.KmsServices;
import io.trent.core.grant.GrantCache;
import io.trent.core.grant.GrantsInForce;
import io.trent.core.grant.StoredGrantCache;
import io.trent.core.service.KmsServiceFactory;
import io.trent.core.auth.PrincipalArn;
import io.trent.core.service.MaintenanceService;
import io.trent.core.service.Reconciler;
import io.trent.core.spi.KeyBackend;
import io.trent.core.spi.MetadataStore;
import io.trent.core.spi.MetadataUnavailableException;
import io.trent.metadata.jdbc.JdbcMetadataStore;
import io.trent.pkcs11.Pkcs11DigestSigner;
import io.trent.pkcs11.Pkcs11KeyBackend;
import io.trent.pkcs11.Pkcs11Settings;
import io.trent.server.audit.AuditingDispatcher;
import io.trent.server.audit.InternalEventTrail;
import io.trent.server.audit.ServiceEvents;
import io.trent.server.audit.TrailContext;
import io.trent.server.auth.CredentialCache;
import io.trent.server.auth.CredentialIssuer;
import io.trent.server.auth.CredentialsFile;
import io.trent.server.auth.IssuedCredentials;
import io.trent.server.auth.CallerConditionKeys;
import io.trent.server.auth.PolicyAuthorizer;
import io.trent.server.config.AuthMode;
import io.trent.server.config.ConfigException;
import io.trent.server.config.MetadataConfig;
import io.trent.server.config.OwnerOnly;
import io.trent.server.config.Pkcs11Config;
import io.trent.server.config.TrentConfig;
import io.trent.server.http.HealthProbe;
import io.trent.server.http.HealthStatus;
import io.trent.server.http.KmsHttpServer;
import io.trent.server.http.SigV4Verifier;
import io.trent.server.metrics.MeteredKeyBackend;
import io.trent.server.metrics.ServerMetrics;
import io.trent.server.protocol.KmsJsonProtocol;
import io.trent.server.quota.QuotaAuthorizer;
import io.trent.server.quota.RequestQuotas;
import io.trent.server.quota.ThrottleCounts;
import io.trent.server.tls.ServerTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Trent: the metadata store, the HSM backend, the KMS operations over them and the
 * HTTP listener, opened in that order and closed in reverse. After {@link #close()} a new server
 * can start in the same JVM on the same data directory and token.
 */
public final class TrentServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TrentServer.class);

  private final TrentConfig config;
  private final MetadataStore store;
  private final KeyBackend backend;
  private final KmsServices services;
  private final KmsHttpServer http;
  private final ServerTls tls;
  private final MaintenanceSchedule maintenance;
  private final CredentialRefresh credentialRefresh;
  private volatile Reconciler.Report startupReconciliation;
  private final CredentialCache credentials;
  private final PolicyAuthorizer authorizer;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** The node's own trail, closed (with its last digest) at stop. */
  private final AuditTrail trail;
  /** Where events go: the trail, and in tests an observer too. */
  private final AuditSink audit;
  private final ServiceEvents serviceEvents;
  private final InternalEventTrail internalEvents;
  private final ServerMetrics metrics;

  private TrentServer(TrentConfig config, MetadataStore store, KeyBackend backend, KmsServices services,
      KmsHttpServer http, ServerTls tls, CredentialCache credentials, PolicyAuthorizer authorizer, AuditTrail trail,
      AuditSink audit, ServiceEvents serviceEvents, ServerMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
    this.trail = trail;
    this.audit = audit;
    this.serviceEvents = serviceEvents;
    this.internalEvents = new InternalEventTrail(audit, serviceEvents);
    this.credentials = credentials;
    this.authorizer = authorizer;
    this.store = store;
    this.backend = backend;
    this.services = services;
    this.http = http;
    this.tls = tls;
    this.maintenance = new MaintenanceSchedule(services.maintenance(), internalEvents,
        config.kms().maintenanceInterval());
    this.credentialRefresh = credentials == null ? null : new CredentialRefresh(credentials, authorizer, store);
  }

  public static TrentServer start(TrentConfig config) {
    return start(config, Clock.systemUTC(), config.kms().policy());
  }

  /**
   * Opens everything and starts listening; on failure, closes what it had opened.
   *
   * @param policy the service limits, in place of the configuration's {@code kms} section (tests)
   * @throws ConfigException for a configuration or environment problem the operator must fix
   */
  public static TrentServer start(TrentConfig config, Clock clock, KmsPolicy policy) {
    return start(config, clock, policy, AuditSink.DISCARD);
  }

  /**
   * As {@link #start(TrentConfig, Clock, KmsPolicy)}, giving every audit event (one per request, the internal
   * events: scheduled work, start with the configuration, stop) to {@code observer} too, after the node's trail
   * took it ({@link AuditSink#DISCARD} for none). A trail that cannot take the start event stops the start.
   */
  public static TrentServer start(TrentConfig config, Clock clock, KmsPolicy policy, AuditSink observer) {
    warnAboutRiskyChoices(config);
    createDataDir(config);
    // Before the store and the HSM, so a bad certificate fails fast. The real clock, not the
    // service's: clients judge certificates against their own wall clocks.
    ServerTls tls = ServerTls.ifEnabled(config.tls(), config.dataDir(), Clock.systemUTC()).orElse(null);
    MetadataStore store = openStore(config.metadata(), config);
    KeyBackend backend = null;
    AuditTrail auditTrail = null;
    ServerMetrics metrics = null;
    try {
      backend = openBackend(config);
      metrics = new ServerMetrics(KmsJsonProtocol::modelled);
      // Throttles and pool levels go to the registry GET /metrics publishes.
      MeterRegistry meters = metrics.registry();
      startKeyPairPool(config, backend, meters);
      auditTrail = openAuditTrail(config, backend);
      watch(metrics, backend, auditTrail, store);
      KeyBackend hsm = new MeteredKeyBackend(backend, metrics.registry());
      AuditSink audit = observer == AuditSink.DISCARD ? auditTrail : new TeeSink(auditTrail, observer);
      // One authorization path in both modes: dev mode's requests are the account root's.
      // Grants are cached per key in memory: authorization reads them, the grant service invalidates them.
      GrantCache grants = new StoredGrantCache(store);
      PolicyAuthorizer authorizer = new PolicyAuthorizer(store, config.identity(), new GrantsInForce(grants, store),
          new CallerConditionKeys(config.auth().services(), tls != null, clock));
      ThrottleCounts throttles = new ThrottleCounts(meters);
      RequestQuotas quotas = config.kms().quotas().enabled()
          ? new RequestQuotas(config.kms().quotas().rates(), System::nanoTime, throttles) : null;
      KmsServices services = KmsServiceFactory.create(hsm, store, config.identity(), clock, policy,
          quotas == null ? authorizer : new QuotaAuthorizer(authorizer, quotas), grants,
          // The trail's lock makes its node id this process's alone, so a restarted node resumes its own claims.
          "node:" + auditTrail.nodeId());
      KeyBackend token = backend;
      TrailContext trail = new TrailContext(config.identity(), config.pkcs11().tokenLabel(), token::tokenSerial, clock);
      ServiceEvents serviceEvents = new ServiceEvents(trail);
      try {
        audit.append(serviceEvents.serverStarted(config));
      } catch (AuditUnavailableException e) {
        throw new ConfigException("The audit trail cannot be written: " + e.getMessage(), e);
      }
      // Catch up on deletions, expiries and rotations that came due while the server was down.
      InternalEventTrail startupEvents = new InternalEventTrail(audit, serviceEvents);
      MaintenanceSchedule.log(services.maintenance().runDue(startupEvents));
      Reconciler.Report reconciled = reconcile(services, startupEvents);
      KmsJsonProtocol protocol = new KmsJsonProtocol(services, quotas);
      CredentialCache credentials = null;
      SigV4Verifier verifier = null;
      if (config.auth().mode() == AuthMode.SIGV4) {
        writeRootCredentialsOnFirstStart(config, store, hsm, clock);
        credentials = new CredentialCache(store, hsm);
        credentials.refresh();
        verifier = new SigV4Verifier(credentials, Set.copyOf(config.auth().regions()), clock);
      }
      KmsHttpServer http = KmsHttpServer.start(config.server(), tls == null ? null : tls.context(),
          new AuditingDispatcher(protocol, audit, trail), health(hsm, auditTrail, store), verifier,
          services.identity().rootCaller(), metrics, throttles);
      TrentServer server = new TrentServer(config, store, backend, services, http, tls, credentials, authorizer,
          auditTrail, audit, serviceEvents, metrics);
      server.startupReconciliation = reconciled;
      return server;
    } catch (RuntimeException | Error e) {
      closeQuietly(auditTrail);
      closeQuietly(backend);
      closeQuietly(store);
      closeQuietly(metrics);
      throw e;
    }
  }

  /** The parts that report to the metrics themselves: the HSM session pool, the audit trail, the database pool. */
  private static void watch(ServerMetrics metrics, KeyBackend backend, AuditTrail trail, MetadataStore store) {
    if (backend instanceof Pkcs11KeyBackend pkcs11) {
      metrics.watchSessionPool(pkcs11.sessionPool());
    }
    metrics.watchAudit(trail);
    if (store instanceof JdbcMetadataStore jdbc) {
      metrics.watchDatabase(jdbc);
    }
  }

  /** The node's audit chain, its digests signed by the token's audit signing key (see docs/audit.md). */
  private static AuditTrail openAuditTrail(TrentConfig config, KeyBackend backend) {
    return openAuditTrail(config, backend, config.audit().settings(config.dataDir(), config.server().port()));
  }

  /** A chain of the trail ({@code settings} name its node), signed by the token's audit key. */
  static AuditTrail openAuditTrail(TrentConfig config, KeyBackend backend, AuditSettings settings) {
    try {
      return AuditTrail.open(settings, Pkcs11DigestSigner.open((Pkcs11KeyBackend) backend));
    } catch (UncheckedIOException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  /**
   * Down when the HSM is, when the audit trail cannot be written (requests are then refused), or when the
   * metadata database does not answer within the store's bound (requests then fail as retryable).
   */
  private static HealthProbe health(KeyBackend hsm, AuditTrail audit, MetadataStore store) {
    return () -> {
      if (!audit.isWritable()) {
        return HealthStatus.down("the audit trail cannot be written; " + hsm.describe());
      }
      try {
        store.checkAvailable();
      } catch (MetadataUnavailableException e) {
        return HealthStatus.down(e.getMessage() + "; " + hsm.describe());
      }
      return new HealthStatus(hsm.isHealthy(), hsm.describe());
    };
  }

  /**
   * With SigV4, the account root needs a key to start from: when the store has no root principal
   * for {@code identity.accountId}, one is issued and written to {@code <dataDir>/credentials}
   * (mode 0600, the AWS shared credentials format, profile default).
   */
  private static void writeRootCredentialsOnFirstStart(TrentConfig config, MetadataStore store, KeyBackend backend,
      Clock clock) {
    PrincipalArn root = PrincipalArn.root(config.identity().partition(), config.identity().accountId());
    if (store.findPrincipal(root.value()).isPresent()) {
      return;
    }
    IssuedCredentials issued = new CredentialIssuer(store, backend, clock).issue(root, null, null);
    Path file = credentialsFile(config);
    CredentialsFile.write(file, issued);
    log.info("Issued an access key for {}: written to {}", root, file);
  }

  /** Where the account root's first access key is written: {@code <dataDir>/credentials}. */
  public static Path credentialsFile(TrentConfig config) {
    return config.dataDir().resolve("credentials");
  }

  /** The port the server listens on (the real one when the configuration said 0). */
  public int port() {
    return http.port();
  }

  /** HTTPS when the server serves it ({@code tls.enabled}), empty for plain HTTP. */
  public Optional<ServerTls> tls() {
    return Optional.ofNullable(tls);
  }

  public TrentConfig config() {
    return config;
  }

  /** The KMS operations behind the HTTP listener (for operators' tools and tests). */
  public KmsServices services() {
    return services;
  }

  /** Where requests write their audit events: the node's trail, durable before append returns. */
  public AuditSink auditSink() {
    return audit;
  }

  /** This server's meters: {@code GET /metrics} shows them; other parts may register their own. */
  public ServerMetrics metrics() {
    return metrics;
  }

  /** The node's meters: {@code trent.throttled}, {@code trent.keypair.pool.level}. */
  public MeterRegistry meters() {
    return metrics.registry();
  }

  /** What reconciliation found and repaired at start-up (see {@link Reconciler}). */
  public Reconciler.Report startupReconciliation() {
    return startupReconciliation;
  }

  /**
   * After the start-up maintenance and before requests are accepted: repairs what a row says (see
   * {@link Reconciler.Mode#START_UP}) and logs the rest for {@code trent reconcile}; a failed run does not stop
   * the start.
   */
  private static Reconciler.Report reconcile(KmsServices services, InternalEventTrail events) {
    try {
      Reconciler.Report report = services.maintenance().reconciler().run(Reconciler.Mode.START_UP, events);
      if (!report.drift().isEmpty() || report.failures() > 0) {
        log.warn("Reconciliation at start-up: {} difference(s) between the metadata and the token, {} repaired, "
            + "{} failure(s); run `trent reconcile` for the report (docs/operations.md)", report.drift().size(),
            report.drift().size() - report.remaining().size(), report.failures());
      }
      return report;
    } catch (RuntimeException e) {
      log.warn("Reconciliation at start-up failed; it runs again at the next start", e);
      return new Reconciler.Report(List.of(), 1);
    }
  }

  /** Runs scheduled deletion, expiry and rotation now, as the background schedule does. */
  public MaintenanceService.Report runMaintenance() {
    return maintenance.runNow();
  }

  /**
   * Stops accepting requests, lets those in progress finish, then closes the backend (its
   * sessions and the PKCS#11 module) and the store. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeQuietly(credentialRefresh);
    // Neither scheduled work nor requests may run after the stop event and the trail's last digest.
    closeQuietly(maintenance);
    closeQuietly(http);
    try {
      audit.append(serviceEvents.serverStopped()); // after the last request's event
    } catch (RuntimeException e) {
      log.warn("The audit trail did not take the stop event: {}", e.toString());
    }
    // After the requests and the stop event, before the HSM: the closing digest is signed in the token.
    closeQuietly(trail);
    closeQuietly(backend);
    closeQuietly(store);
    closeQuietly(metrics);
    log.info("Trent stopped");
  }

  static MetadataStore openStore(MetadataConfig metadata, TrentConfig config) {
    // Keys and aliases stored before they had an account and region belong to the configured identity's.
    return metadata.embedded()
        ? JdbcMetadataStore.openEmbedded(config.dataDir(), config.identity().home())
        : JdbcMetadataStore.open(metadata.jdbcUrl(), metadata.user(), metadata.resolvedPassword(), metadata.settings(),
            config.identity().home());
  }

  /** Starts the GenerateDataKeyPair pool when {@code pkcs11.keyPairPool} sizes one, with a level gauge per spec. */
  private static void startKeyPairPool(TrentConfig config, KeyBackend backend, MeterRegistry meters) {
    if (config.pkcs11().keyPairPool().values().stream().noneMatch(size -> size > 0)
        || !(backend instanceof Pkcs11KeyBackend pkcs11)) {
      return;
    }
    pkcs11.startKeyPairPool(config.pkcs11().keyPairPool());
    pkcs11.keyPairPoolSizes().keySet().forEach(spec -> Gauge.builder("trent.keypair.pool.level", pkcs11,
        b -> b.keyPairPoolLevel(spec)).description("GenerateDataKeyPair key pairs generated ahead, ready")
        .tag("spec", spec.name()).register(meters));
  }

  static KeyBackend openBackend(TrentConfig config) {
    Pkcs11Config pkcs11 = config.pkcs11();
    if (!Files.isRegularFile(pkcs11.library())) {
      throw new ConfigException("PKCS#11 library not found: " + pkcs11.library()
          + " (set pkcs11.library or TRENT_PKCS11_LIBRARY)");
    }
    char[] pin = TokenPin.resolve(config);
    try {
      return Pkcs11KeyBackend.open(new Pkcs11Settings(pkcs11.library(), pkcs11.tokenLabel(), pin,
          pkcs11.sessionPoolSize(), Duration.ofMillis(pkcs11.borrowTimeoutMillis()), pkcs11.ivSource(),
          Duration.ofMillis(pkcs11.objectCheckIntervalMillis())));
    } finally {
      Arrays.fill(pin, '\0'); // the backend keeps its own copy
    }
  }

  /**
   * Creates the data directory owner-only (0700), since it holds the PIN files and the metadata
   * database; one that already exists is left as the operator made it, with a warning when other
   * users may enter it.
   */
  private static void createDataDir(TrentConfig config) {
    Path dir = config.dataDir();
    try {
      if (!Files.isDirectory(dir)) {
        OwnerOnly.createDirectories(dir);
      } else if (OwnerOnly.isOpenToOthers(dir)) {
        log.warn("The data directory {} is accessible to other users; chmod 700 it", dir);
      }
    } catch (IOException e) {
      throw new ConfigException("Cannot create the data directory " + dir + ": " + e, e);
    }
  }

  private static void warnAboutRiskyChoices(TrentConfig config) {
    if (config.pkcs11().sessionPoolSize() < config.server().hsmWorkers()) {
      log.warn("pkcs11.sessionPoolSize ({}) is below server.hsmWorkers ({}): workers will wait for sessions",
          config.pkcs11().sessionPoolSize(), config.server().hsmWorkers());
    }
    if (config.auth().mode() == AuthMode.DEV && !isLoopback(config.server().host())) {
      log.warn("auth.mode is dev (no signature checks) but server.host {} is reachable from other machines",
          config.server().host());
    }
    // A frequent surprise otherwise: clients that use the machine's name get 403 until it is listed.
    log.info("Answering requests whose Host is {} or the bind address (server.allowedHosts)",
        config.server().allowedHosts());
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static void closeQuietly(AutoCloseable resource) {
    if (resource == null) {
      return;
    }
    try {
      resource.close();
    } catch (Exception e) {
      log.warn("Closing {} failed", resource.getClass().getSimpleName(), e);
    }
  }
}
