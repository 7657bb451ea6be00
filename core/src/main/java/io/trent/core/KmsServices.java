package io.trent.core;

import io.trent.core.key.ServiceIdentity;
import io.trent.core.spi.KeyBackend;
import io.trent.core.spi.MetadataStore;
import java.time.Clock;

/** The KMS operations, wired over one key backend and one metadata store. */
public final class KmsServices {
  private final KeyBackend backend;
  private final MetadataStore store;
  private final ServiceIdentity identity;
  private final Clock clock;

  private KmsServices(KeyBackend backend, MetadataStore store, ServiceIdentity identity, Clock clock) {
    this.backend = backend;
    this.store = store;
    this.identity = identity;
    this.clock = clock;
  }

  public static KmsServices create(KeyBackend backend, MetadataStore store, ServiceIdentity identity, Clock clock) {
    return new KmsServices(backend, store, identity, clock);
  }

  public ServiceIdentity identity() {
    return identity;
  }

  public KeyBackend backend() {
    return backend;
  }
}
