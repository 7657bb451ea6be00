package io.trent.core;

import io.trent.core.auth.Authorizer;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.service.AliasService;
import io.trent.core.service.CryptoService;
import io.trent.core.service.DataKeyService;
import io.trent.core.service.GrantService;
import io.trent.core.service.ImportService;
import io.trent.core.service.KeyPolicyService;
import io.trent.core.service.KeyService;
import io.trent.core.service.KmsServiceFactory;
import io.trent.core.service.MacService;
import io.trent.core.service.MaintenanceService;
import io.trent.core.service.RotationService;
import io.trent.core.service.SigningService;
import io.trent.core.service.TagService;
import io.trent.core.spi.KeyBackend;
import io.trent.core.spi.MetadataStore;
import java.time.Clock;

/**
 * The KMS operations, wired over one key backend and one metadata store.
 *
 * @param dataKeys GenerateDataKey and friends
 * @param crypto Encrypt, Decrypt, ReEncrypt, GenerateRandom
 * @param keys the key lifecycle
 * @param aliases alias management
 * @param tags tags and descriptions
 * @param signing GetPublicKey, Sign, Verify
 * @param macs GenerateMac, VerifyMac
 * @param rotation key rotation
 * @param imports bring your own key
 * @param maintenance scheduled deletion, expiry and rotation
 * @param keyPolicies PutKeyPolicy, GetKeyPolicy, ListKeyPolicies
 * @param grants CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant
 * @param identity the default account and region: dev mode's root caller, and the home of keys stored before keys had their own
 * @param backend the key backend, for health checks
 */
public record KmsServices(
    DataKeyService dataKeys,
    CryptoService crypto,
    KeyService keys,
    AliasService aliases,
    TagService tags,
    SigningService signing,
    MacService macs,
    RotationService rotation,
    ImportService imports,
    MaintenanceService maintenance,
    KeyPolicyService keyPolicies,
    GrantService grants,
    ServiceIdentity identity,
    KeyBackend backend) {

  public static KmsServices create(KeyBackend backend, MetadataStore store, ServiceIdentity identity, Clock clock) {
    return KmsServiceFactory.create(backend, store, identity, clock, KmsPolicy.DEFAULT);
  }

  public static KmsServices create(KeyBackend backend, MetadataStore store, ServiceIdentity identity, Clock clock,
      KmsPolicy policy) {
    return KmsServiceFactory.create(backend, store, identity, clock, policy);
  }

  /** As above, with every request authorized by {@code authorizer} after its key is resolved. */
  public static KmsServices create(KeyBackend backend, MetadataStore store, ServiceIdentity identity, Clock clock,
      KmsPolicy policy, Authorizer authorizer) {
    return KmsServiceFactory.create(backend, store, identity, clock, policy, authorizer);
  }
}
