package io.trent.server.metrics;

import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trent.audit.AuditTrail;
import io.trent.metadata.jdbc.JdbcMetadataStore;
import io.trent.pkcs11.SessionPoolStatistics;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * One server's meters, in a Prometheus registry of its own (two servers in one JVM, as in tests, do not mix):
 * the JVM's (memory, GC, threads, class loading, CPU, file descriptors, uptime), the requests', and what the
 * server's parts report through {@code watch...}. {@code GET /metrics} is {@link #scrape()}. Other parts register
 * their own meters on {@link #registry()} (e.g. throttles).
 */
public final class ServerMetrics implements AutoCloseable {
  /** The Content-Type of {@link #scrape()}: Prometheus's text exposition format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final RequestMeters requests;
  // Micrometer holds the objects that function meters read only weakly: these must live as long as the registry.
  private final List<Object> watched = new CopyOnWriteArrayList<>();

  /** @param served whether Trent serves an operation name (others are counted as {@code Unknown}) */
  public ServerMetrics(Predicate<String> served) {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    this.requests = new RequestMeters(registry, served);
  }

  /** Where meters are registered. */
  public MeterRegistry registry() {
    return registry;
  }

  /** {@code trent.requests}, which the HTTP transport records. */
  public RequestMeters requests() {
    return requests;
  }

  /** Every meter in the Prometheus text format. */
  public String scrape() {
    return registry.scrape();
  }

  /** The PKCS#11 session pool's use and waits. */
  public void watchSessionPool(SessionPoolStatistics pool) {
    watched.add(pool);
    new SessionPoolMeters(pool).bindTo(registry);
  }

  /** The audit trail's group commits: sync time and events per sync. */
  public void watchAudit(AuditTrail trail) {
    trail.onSync(new AuditSyncMeters(registry));
  }

  /** The metadata database's connection pool, as HikariCP reports it ({@code hikaricp_connections_*}). */
  public void watchDatabase(JdbcMetadataStore store) {
    store.trackPool(new MicrometerMetricsTrackerFactory(registry));
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
