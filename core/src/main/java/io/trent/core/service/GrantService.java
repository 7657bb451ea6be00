package io.trent.core.service;

import io.trent.core.api.CreateGrantRequest;
import io.trent.core.api.CreateGrantResult;
import io.trent.core.auth.RequestScope;
import io.trent.core.catalog.KeyResolver;
import io.trent.core.error.AccessDeniedException;
import io.trent.core.error.DisabledException;
import io.trent.core.error.InvalidArnException;
import io.trent.core.error.InvalidGrantIdException;
import io.trent.core.error.InvalidGrantTokenException;
import io.trent.core.error.KeyUnavailableException;
import io.trent.core.error.KmsInvalidStateException;
import io.trent.core.error.LimitExceededException;
import io.trent.core.error.NotFoundException;
import io.trent.core.error.ValidationException;
import io.trent.core.grant.GrantCache;
import io.trent.core.grant.GrantConstraints;
import io.trent.core.grant.GrantOperation;
import io.trent.core.grant.GrantToken;
import io.trent.core.grant.KmsGrant;
import io.trent.core.key.KeySpec;
import io.trent.core.key.KeyUsage;
import io.trent.core.key.KmsKey;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.spi.MetadataStore;
import io.trent.core.spi.Page;
import io.trent.core.validation.ShapeValidator;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant and RevokeGrant, as AWS KMS does them
 * (aws-auth-policy-audit.md §3). Every change of a key's grants is written to the store, then invalidates the
 * key's entry in the {@link GrantCache}, so authorization sees it on the very next request.
 */
public final class GrantService {
  /** The model's PrincipalIdType pattern (GranteePrincipal, RetiringPrincipal). */
  private static final Pattern PRINCIPAL = Pattern.compile("^[\\w+=,.@:/-]+$");
  private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9:/_-]+$");
  /** Constraint limits [D CreateGrant Constraints doc; aws-kms-behaviour.md §14]. */
  private static final int MAX_CONSTRAINT_PAIRS = 8;
  private static final int MAX_CONSTRAINT_VALUE = 384;
  private static final int DEFAULT_LIMIT = 50;

  private final KeyResolver resolver;
  private final MetadataStore store;
  private final GrantCache cache;
  private final ServiceIdentity identity;
  private final Clock clock;
  private final int maxGrantsPerKey;
  // CreateGrant's Name check and insert are one step on this node; grants are control-plane calls.
  private final Object createLock = new Object();

  GrantService(KeyResolver resolver, MetadataStore store, GrantCache cache, ServiceIdentity identity, Clock clock,
      int maxGrantsPerKey) {
    this.resolver = resolver;
    this.store = store;
    this.cache = cache;
    this.identity = identity;
    this.clock = clock;
    this.maxGrantsPerKey = maxGrantsPerKey;
  }

  /** CreateGrant: a new grant, or with a Name already used for identical parameters, that grant with a new token. */
  public CreateGrantResult createGrant(RequestScope scope, CreateGrantRequest r) {
    ShapeValidator v = ShapeValidator.create()
        .keyId("keyId", r.keyId(), true)
        .required("granteePrincipal", r.granteePrincipal())
        .length("granteePrincipal", r.granteePrincipal(), 1, 256)
        .pattern("granteePrincipal", r.granteePrincipal(), PRINCIPAL)
        .length("retiringPrincipal", r.retiringPrincipal(), 1, 256)
        .pattern("retiringPrincipal", r.retiringPrincipal(), PRINCIPAL)
        .required("operations", r.operations());
    if (r.operations() != null) {
      for (String op : r.operations()) {
        if (op == null || !ShapeValidator.isMember(op, GrantOperation.class)) {
          v.violation(r.operations().toString(), "operations",
              "Member must satisfy constraint: [Member must satisfy enum value set: " + GrantOperation.AWS_SET + "]");
          break;
        }
      }
    }
    constraint(v, "constraints.encryptionContextEquals", r.encryptionContextEquals());
    constraint(v, "constraints.encryptionContextSubset", r.encryptionContextSubset());
    RequestChecks.grantTokens(v, r.grantTokens())
        .length("name", r.name(), 1, 256)
        .pattern("name", r.name(), NAME)
        .validate();
    List<GrantOperation> operations = r.operations().stream().map(GrantOperation::valueOf).distinct().toList();
    if (operations.isEmpty()) {
      // The model sets no minimum; a grant that allows nothing is refused as AWS refuses CreateGrant alone [U].
      throw new ValidationException("Grants must contain at least one operation.");
    }
    if (operations.equals(List.of(GrantOperation.CreateGrant))) {
      // [R ansible/ansible#31960]
      throw new ValidationException("Grants must not contain only the CreateGrant operation.");
    }
    KmsKey key = locate(scope, r.keyId());
    String viaGrant = resolver.authorizeNamingGrant(scope, key, r.keyId());
    String arn = key.arn().value();
    requireCreatable(key, arn);
    List<GrantOperation> unfit = operations.stream().filter(op -> !op.fits(key.keyUsage(), key.keySpec())).toList();
    if (!unfit.isEmpty()) {
      // AWS documents a validation error here [D kdg:grants.md] without its text [U].
      throw new ValidationException("Grant operations " + unfit + " are not valid for a KMS key with KeyUsage "
          + key.keyUsage() + " and KeySpec " + key.keySpec() + ".");
    }
    GrantConstraints constraints = new GrantConstraints(r.encryptionContextEquals(), r.encryptionContextSubset());
    if (!constraints.isEmpty()
        && (key.keyUsage() != KeyUsage.ENCRYPT_DECRYPT || key.keySpec() != KeySpec.SYMMETRIC_DEFAULT)) {
      // Only symmetric encryption keys take constraints [M CreateGrant Constraints doc]; the text is not recorded [U].
      throw new ValidationException("Grant constraints are valid only for symmetric encryption KMS keys.");
    }
    if (viaGrant != null) {
      requireNarrower(scope, key, arn, viaGrant, operations, constraints);
    }
    RequestChecks.dryRun(r.dryRun());
    synchronized (createLock) {
      for (KmsGrant existing : cache.grantsOf(key.keyId()).all()) {
        if (r.name() != null && r.name().equals(existing.name())
            && existing.sameRequest(r.granteePrincipal(), r.retiringPrincipal(), operations, constraints)) {
          return new CreateGrantResult(new GrantToken(key.keyId(), existing.grantId()).encode(), existing.grantId());
        }
      }
      KmsGrant grant = new KmsGrant(key.keyId(), GrantToken.newGrantId(), r.name(), clock.instant(),
          r.granteePrincipal(), r.retiringPrincipal(),
          "arn:" + identity.partition() + ":iam::" + scope.caller().accountId() + ":root", operations, constraints);
      boolean inserted = store.insertGrant(grant, maxGrantsPerKey);
      cache.invalidate(key.keyId());
      if (!inserted) {
        // AWS's text for the grants-per-key quota is not recorded [U].
        throw new LimitExceededException("The grants on " + arn + " have reached the limit of " + maxGrantsPerKey
            + " grants per KMS key.");
      }
      return new CreateGrantResult(new GrantToken(key.keyId(), grant.grantId()).encode(), grant.grantId());
    }
  }

  /** ListGrants: the key's grants in creation order, optionally one grant or one grantee's. */
  public Page<KmsGrant> listGrants(RequestScope scope, String keyId, Integer limit, String marker, String grantId,
      String granteePrincipal) {
    ShapeValidator.create()
        .keyId("keyId", keyId, true)
        .range("limit", limit, 1, 1000)
        .marker("marker", marker)
        .length("grantId", grantId, 1, 128)
        .length("granteePrincipal", granteePrincipal, 1, 256)
        .pattern("granteePrincipal", granteePrincipal, PRINCIPAL)
        .validate();
    KmsKey key = locate(scope, keyId);
    resolver.authorize(scope, key, keyId);
    return store.listGrants(key.keyId(), grantId, granteePrincipal, limit == null ? DEFAULT_LIMIT : limit, marker);
  }

  /**
   * ListRetirableGrants: the grants, on any key, whose retiring principal is the given one. IAM alone authorizes
   * it, and the principal must be in the caller's account [M ListRetirableGrants doc].
   */
  public Page<KmsGrant> listRetirableGrants(RequestScope scope, String retiringPrincipal, Integer limit,
      String marker) {
    ShapeValidator.create()
        .required("retiringPrincipal", retiringPrincipal)
        .length("retiringPrincipal", retiringPrincipal, 1, 256)
        .pattern("retiringPrincipal", retiringPrincipal, PRINCIPAL)
        .range("limit", limit, 1, 1000)
        .marker("marker", marker)
        .validate();
    resolver.authorizeAccount(scope);
    if (!KmsGrant.accountOf(retiringPrincipal).equals(scope.caller().accountId())) {
      // AWS requires a principal of the caller's account without recording the error [U].
      throw new AccessDeniedException("User: " + scope.caller().principalArn() + " is not authorized to perform: "
          + scope.action() + " for a retiring principal in another account");
    }
    return store.listRetirableGrants(retiringPrincipal, limit == null ? DEFAULT_LIMIT : limit, marker);
  }

  /**
   * The ARN of a grant's key (key ids are unique across accounts and regions): for grant list entries and
   * for a grant token, which names its key by id. A key no longer stored gets an ARN of the default home.
   */
  public String keyArn(String keyId) {
    return store.findKey(keyId).map(k -> k.arn().value()).orElseGet(() -> identity.home().keyArn(keyId).value());
  }

  /**
   * RetireGrant, by grant token or by key ARN and grant id. Who may retire a grant [D kdg:grant-manage.md;
   * reference §3.2]: its retiring principal; its grantee if it allows RetireGrant; the account it was issued in
   * or that its retiring principal names, through the account root or a policy allowing {@code kms:RetireGrant}
   * (AWS reads that permission from IAM policies only; here the key policy counts as for other actions).
   */
  public void retireGrant(RequestScope scope, String grantToken, String keyId, String grantId, boolean dryRun) {
    ShapeValidator.create()
        .length("grantToken", grantToken, 1, 8192)
        .keyId("keyId", keyId, false)
        .length("grantId", grantId, 1, 128)
        .validate();
    String grantKeyId;
    String id;
    boolean byToken = grantToken != null;
    if (byToken) {
      GrantToken token = GrantToken.parse(grantToken);
      grantKeyId = keyArn(token.keyId());
      id = token.grantId();
    } else if (keyId != null && grantId != null) {
      grantKeyId = keyId;
      id = grantId;
    } else {
      // AWS's text for a RetireGrant that names no grant is not recorded [U].
      throw new ValidationException("Either GrantToken, or both KeyId and GrantId, must be specified.");
    }
    KmsKey key = locate(scope, grantKeyId);
    KmsGrant grant = byToken
        ? cache.grantsOf(key.keyId()).find(id).or(() -> store.findGrant(key.keyId(), id))
            .orElseThrow(() -> new InvalidGrantTokenException("The specified grant token is not valid."))
        : findGrant(key, id);
    requireMayRetire(scope, key, grantKeyId, grant);
    RequestChecks.dryRun(dryRun);
    store.deleteGrant(key.keyId(), grant.grantId());
    cache.invalidate(key.keyId());
  }

  /** RevokeGrant: any principal allowed {@code kms:RevokeGrant} on the key removes any of its grants. */
  public void revokeGrant(RequestScope scope, String keyId, String grantId, boolean dryRun) {
    ShapeValidator.create()
        .keyId("keyId", keyId, true)
        .required("grantId", grantId)
        .length("grantId", grantId, 1, 128)
        .validate();
    KmsKey key = locate(scope, keyId);
    resolver.authorize(scope, key, keyId);
    KmsGrant grant = findGrant(key, grantId);
    RequestChecks.dryRun(dryRun);
    store.deleteGrant(key.keyId(), grant.grantId());
    cache.invalidate(key.keyId());
  }

  /** The grant operations take a key id or key ARN, not an alias [M CreateGrant/ListGrants/RevokeGrant KeyId docs]. */
  private KmsKey locate(RequestScope scope, String keyId) {
    if (keyId.startsWith("alias/") || (keyId.startsWith("arn:") && keyId.contains(":alias/"))) {
      throw new InvalidArnException("Key Aliases are not supported for this operation.");
    }
    return resolver.locate(scope, keyId, false);
  }

  /**
   * A grant of the key by id. AWS's errors here are not recorded [U]: a GrantId not of the form KMS issues is
   * InvalidGrantIdException, one that names no grant of the key NotFoundException.
   */
  private KmsGrant findGrant(KmsKey key, String grantId) {
    if (!GrantToken.isWellFormedGrantId(grantId)) {
      throw new InvalidGrantIdException("Invalid grant ID " + grantId);
    }
    return cache.grantsOf(key.keyId()).find(grantId)
        .or(() -> store.findGrant(key.keyId(), grantId))
        .orElseThrow(() -> new NotFoundException("Grant ID " + grantId + " not found"));
  }

  /** CreateGrant works on Enabled keys and keys pending import [D kdg:key-state.md]. */
  private static void requireCreatable(KmsKey key, String arn) {
    switch (key.state()) {
      case Enabled, PendingImport -> { }
      case Disabled -> throw new DisabledException(arn + " is disabled.");
      case PendingDeletion -> throw new KmsInvalidStateException(arn + " is pending deletion.");
      case Unavailable -> throw new KeyUnavailableException(arn + " is unavailable.");
      default -> throw new KmsInvalidStateException(arn + " is " + key.state() + ".");
    }
  }

  /**
   * A grant's CreateGrant permission creates only narrower grants: a subset of its operations, with constraints
   * at least as strict [D kdg:create-grant-overview.md]. AWS's error for a wider child is not recorded [U]; the
   * parent grant does not allow it, so it is AccessDeniedException as when nothing allows the request.
   */
  private void requireNarrower(RequestScope scope, KmsKey key, String arn, String parentId,
      List<GrantOperation> operations, GrantConstraints constraints) {
    KmsGrant parent = cache.grantsOf(key.keyId()).find(parentId)
        .or(() -> store.findGrant(key.keyId(), parentId)).orElse(null);
    if (parent == null || !parent.operations().containsAll(operations)
        || !constraints.atLeastAsStrictAs(parent.constraints())) {
      throw new AccessDeniedException("User: " + scope.caller().principalArn() + " is not authorized to perform: "
          + scope.action() + " on resource: " + arn + " because no resource-based policy allows the "
          + scope.action() + " action");
    }
  }

  private void requireMayRetire(RequestScope scope, KmsKey key, String requestedKeyId, KmsGrant grant) {
    String caller = scope.caller().principalArn();
    if (caller.equals(grant.retiringPrincipal())
        || caller.equals(grant.granteePrincipal()) && grant.allows(GrantOperation.RetireGrant)) {
      return; // the grant itself says so: no policy is consulted [D kdg:grant-manage.md]
    }
    String account = scope.caller().accountId();
    boolean accountMayRetire = account.equals(KmsGrant.accountOf(grant.issuingAccount()))
        || grant.retiringPrincipal() != null && account.equals(KmsGrant.accountOf(grant.retiringPrincipal()));
    if (accountMayRetire && resolver.authorizeNamingGrant(scope, key, requestedKeyId) == null) {
      return;
    }
    throw new AccessDeniedException("User: " + caller + " is not authorized to perform: kms:RetireGrant on resource: "
        + key.arn().value() + " because no resource-based policy allows the kms:RetireGrant action");
  }

  private static void constraint(ShapeValidator v, String member, Map<String, String> pairs) {
    if (pairs == null) {
      return;
    }
    v.stringMap(member, pairs);
    if (pairs.size() > MAX_CONSTRAINT_PAIRS) {
      v.violation(String.valueOf(pairs.size()), member,
          "Map must have length less than or equal to " + MAX_CONSTRAINT_PAIRS);
    }
    for (Map.Entry<String, String> e : pairs.entrySet()) {
      if (e.getValue() != null && e.getValue().length() > MAX_CONSTRAINT_VALUE) {
        v.violation(e.getValue(), member + "." + e.getKey(),
            "Member must have length less than or equal to " + MAX_CONSTRAINT_VALUE);
      }
    }
  }
}
