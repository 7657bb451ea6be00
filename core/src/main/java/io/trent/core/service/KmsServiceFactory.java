package io.trent.core.service;

import io.trent.core.KmsPolicy;
import io.trent.core.KmsServices;
import io.trent.core.auth.Authorizer;
import io.trent.core.catalog.CacheInvalidation;
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
    return create(backend, store, identity, clock, policy, authorizer, grants, WorkClaims.processUnique());
  }

  /**
   * @param node this node's name, unique among the running nodes of one database and the same after a restart (the
   *     server's audit node id): scheduled work it had claimed when it died is resumed at once, not after the lease
   */
  public static KmsServices create(KeyBackend backend, MetadataStore store, ServiceIdentity identity, Clock clock,
      KmsPolicy policy, Authorizer authorizer, GrantCache grants, String node) {
    KeyCatalog catalog = new KeyCatalog(store, identity);
    // Changes other nodes make drop what this node caches; the store stops telling when it is closed.
    store.changes(new CacheInvalidation(catalog, grants));
    KeyResolver resolver = new KeyResolver(catalog, authorizer);
    EncryptionBudget budget = new EncryptionBudget(catalog, clock, policy);
    SymmetricCipher cipher = new SymmetricCipher(backend, budget);
    RotationService rotation = new RotationService(catalog, resolver, backend, clock, policy);
    budget.onExhausted(rotation::rotateForUsage);
    ImportService imports = new ImportService(catalog, resolver, backend, clock);
    KeyPolicyRules policyRules = new KeyPolicyRules(store);
    return new KmsServices(
        new DataKeyService(resolver, cipher, backend),
        new CryptoService(resolver, catalog, cipher, backend),
        new KeyService(catalog, resolver, backend, clock, policyRules),
        new AliasService(catalog, resolver, clock),
        new TagService(catalog, resolver),
        new SigningService(resolver, backend),
        new MacService(resolver, backend),
        rotation,
        imports,
        new MaintenanceService(catalog, backend, rotation, imports, clock, grants, node),
        new KeyPolicyService(catalog, resolver, policyRules),
        new GrantService(resolver, store, grants, identity, clock, policy.maxGrantsPerKey()),
        identity,
        backend);
  }
}
