package io.trent.metadata.jdbc.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One PostgreSQL cluster ({@link PostgresServer}) shared by every test class of a test run that
 * registers this extension; it is stopped when the run ends. Each test takes its own database with
 * {@link #newDatabase()}.
 *
 * <pre>{@code @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();}</pre>
 */
public final class PostgresExtension implements BeforeAllCallback {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostgresExtension.class);

  private PostgresServer server;

  @Override
  public void beforeAll(ExtensionContext context) {
    server = context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(PostgresServer.class, type -> new Shared(PostgresServer.start()), Shared.class)
        .server();
  }

  /** A new, empty database of the shared cluster: its JDBC URL. */
  public String newDatabase() {
    return server().newDatabase();
  }

  public PostgresServer server() {
    if (server == null) {
      throw new IllegalStateException("PostgresExtension is used before its beforeAll ran");
    }
    return server;
  }

  /** Stops the cluster when the root context closes, at the end of the run. */
  private record Shared(PostgresServer server) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      server.close();
    }
  }
}
