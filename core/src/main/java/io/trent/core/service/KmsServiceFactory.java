package io.trent.core.service;

import io.trent.core.KmsPolicy;
import io.trent.core.KmsServices;
import io.trent.core.auth.Authorizer;
import io.trent.core.catalog.KeyCatalog;
import io.trent.core.catalog.KeyResolver;
import io.trent.core.grant.GrantCache;
import io.trent.core.grant.StoredGrantCache;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.spi.KeyBackend;
import io.trent.core.spi.MetadataStore;
import java.time.Clock;

/** Wires the services; their constructors stay package-private so only this wiring is public. */
public final class KmsServiceFactory {
  private KmsServiceFactory() {}

  public static KmsServices create(KeyBackend backend, MetadataStore store, ServiceIdentity identity, Clock clock,
      KmsPolicy policy) {
    return create(backend, store, identity, clock, policy, Authorizer.ALLOW_ALL);
  }

  /** @param authorizer decides every request after its key is resolved (the server's policy evaluation) */
  public static KmsServices create(KeyBackend backend, MetadataStore store, ServiceIdentity identity, Clock clock,
      KmsPolicy policy, Authorizer authorizer) {
    return create(backend, store, identity, clock, policy, authorizer, new StoredGrantCache(store));
  }

  /** @param grants the cache of each key's grants, which the authorizer reads too */
  public static KmsServices create(KeyBackend backend, MetadataStore store, ServiceIdentity identity, Clock clock,
      KmsPolicy policy, Authorizer authorizer, GrantCache grants) {
    KeyCatalog catalog = new KeyCatalog(store, identity);
    KeyResolver resolver = new KeyResolver(catalog, identity, authorizer);
    EncryptionBudget budget = new EncryptionBudget(catalog, identity, clock, policy);
    SymmetricCipher cipher = new SymmetricCipher(backend, budget, identity);
    RotationService rotation = new RotationService(catalog, resolver, backend, identity, clock, policy);
    budget.onExhausted(rotation::rotateForUsage);
    ImportService imports = new ImportService(catalog, resolver, backend, identity, clock);
    KeyPolicyRules policyRules = new KeyPolicyRules(store, identity);
    return new KmsServices(
        new DataKeyService(resolver, cipher, backend, identity),
        new CryptoService(resolver, catalog, cipher, backend, identity),
        new KeyService(catalog, resolver, backend, identity, clock, policyRules),
        new AliasService(catalog, resolver, identity, clock),
        new TagService(catalog, resolver, identity),
        new SigningService(resolver, backend, identity),
        new MacService(resolver, backend, identity),
        rotation,
        imports,
        new MaintenanceService(catalog, backend, rotation, imports, clock, grants),
        new KeyPolicyService(catalog, resolver, policyRules),
        new GrantService(resolver, store, grants, identity, clock, policy.maxGrantsPerKey()),
        identity,
        backend);
  }
}
