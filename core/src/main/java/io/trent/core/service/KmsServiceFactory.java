package io.trent.core.service;

import io.trent.core.KmsServices;
import io.trent.core.catalog.KeyCatalog;
import io.trent.core.catalog.KeyResolver;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.spi.KeyBackend;
import io.trent.core.spi.MetadataStore;
import java.time.Clock;

/** Wires the services; their constructors stay package-private so only this wiring is public. */
public final class KmsServiceFactory {
  private KmsServiceFactory() {}

  public static KmsServices create(KeyBackend backend, MetadataStore store, ServiceIdentity identity, Clock clock) {
    KeyCatalog catalog = new KeyCatalog(store);
    KeyResolver resolver = new KeyResolver(catalog, identity);
    SymmetricCipher cipher = new SymmetricCipher(backend);
    return new KmsServices(
        new DataKeyService(resolver, cipher, backend, identity),
        new CryptoService(resolver, catalog, cipher, backend, identity),
        new KeyService(catalog, resolver, backend, identity, clock),
        new AliasService(catalog, resolver, identity, clock),
        new TagService(catalog, resolver, identity),
        identity,
        backend);
  }
}
