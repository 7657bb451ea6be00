package io.trent.server.auth;

import io.trent.core.audit.AccessDecision;
import io.trent.core.auth.Authorizer;
import io.trent.core.auth.Principal;
import io.trent.core.auth.RequestScope;
import io.trent.core.error.AccessDeniedException;
import io.trent.core.key.Arn;
import io.trent.core.grant.GrantsInForce;
import io.trent.core.key.KmsKey;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.spi.MetadataStore;
import io.trent.policy.CompiledPolicy;
import io.trent.policy.Decision;
import io.trent.policy.Grant;
import io.trent.policy.KeyAccessEvaluator;
import io.trent.policy.MalformedPolicyException;
import io.trent.policy.PolicyParser;
import io.trent.policy.RequestContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AWS KMS's authorization over the {@code policy} module: the key policy and the caller's identity
 * policies decide every request on a key ({@link KeyAccessEvaluator#evaluate}); account-level actions
 * (CreateKey, ListKeys, ListAliases, GenerateRandom) are decided by identity policies alone, where the
 * account root is always allowed. The key's grants ({@link GrantsInForce}: cached in memory per key, plus those the
 * request's grant tokens name) allow what policies do not. Denials are AccessDeniedException with AWS's message.
 *
 * <p>Policies are compiled once per version: identity policies are loaded from the principal store on a
 * caller's first request and re-read by {@link #refresh()} (run with the credential refresh, every second),
 * so a policy changed by {@code trent principal add} is honoured within seconds; requests never parse.
 */
public final class PolicyAuthorizer implements Authorizer {
  private static final Logger log = LoggerFactory.getLogger(PolicyAuthorizer.class);

  private final MetadataStore store;
  /** Unused since keys carry their own ARN and account; kept so the constructor other slices call stays. */
  @SuppressWarnings("unused")
  private final ServiceIdentity identity;
  private final Function<KmsKey, CompiledPolicy> keyPolicies;
  private final GrantsInForce grants;
  private final CallerConditionKeys callerKeys;
  private final Map<String, KeyPolicy> compiledKeyPolicies = new ConcurrentHashMap<>();
  private final Map<String, IdentityPolicies> identities = new ConcurrentHashMap<>();
  /**
   * What another account may be allowed on a key; a key policy allowing it anything else has no effect
   * [D kdg:key-policy-modifying-external-accounts; reference §2.5].
   */
  private static final java.util.Set<String> CROSS_ACCOUNT_ACTIONS = java.util.Set.of("kms:Encrypt", "kms:Decrypt",
      "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext",
      "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext", "kms:GenerateMac", "kms:VerifyMac",
      "kms:Sign", "kms:Verify", "kms:DeriveSharedSecret", "kms:DescribeKey", "kms:GetKeyRotationStatus",
      "kms:GetPublicKey", "kms:CreateGrant", "kms:ListGrants", "kms:RetireGrant", "kms:RevokeGrant");

  /** A key's policy text and its compilation, redone only when the text changes. */
  private record KeyPolicy(String text, CompiledPolicy compiled) {}

  /**
   * A principal as stored (its policy text, tags and creation time, which give aws:PrincipalTag/* and
   * aws:userid) and its identity policy compiled.
   */
  private record IdentityPolicies(String text, Principal principal, List<CompiledPolicy> compiled) {
    static final IdentityPolicies NONE = new IdentityPolicies(null, null, List.of());

    /** Whether {@code stored} is what this entry was made from: same policy text, tags and creation time. */
    boolean sameAs(Principal stored) {
      return principal != null && java.util.Objects.equals(text, stored.policy())
          && principal.tags().equals(stored.tags()) && principal.createdAt().equals(stored.createdAt());
    }
  }

  /**
   * The operations kms:RequestAlias is set for: the cryptographic operations, DescribeKey and GetPublicKey; it
   * cannot control alias operations [D kdg:conditions-kms#conditions-kms-request-alias].
   */
  private static final java.util.Set<String> REQUEST_ALIAS_ACTIONS = java.util.Set.of("kms:Encrypt", "kms:Decrypt",
      "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext",
      "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext", "kms:GenerateMac", "kms:VerifyMac",
      "kms:Sign", "kms:Verify", "kms:DeriveSharedSecret", "kms:DescribeKey", "kms:GetPublicKey");

  /** An authorizer without grants. */
  public PolicyAuthorizer(MetadataStore store, ServiceIdentity identity) {
    this(store, identity, null, null, CallerConditionKeys.NONE);
  }

  /** @param grants the grants in force for a request on a key */
  public PolicyAuthorizer(MetadataStore store, ServiceIdentity identity, GrantsInForce grants) {
    this(store, identity, null, grants, CallerConditionKeys.NONE);
  }

  /** @param callerKeys the condition keys the caller and the transport bring (services, TLS, clock) */
  public PolicyAuthorizer(MetadataStore store, ServiceIdentity identity, CallerConditionKeys callerKeys) {
    this(store, identity, null, null, callerKeys);
  }

  /**
   * @param grants the grants in force for a request on a key
   * @param callerKeys the condition keys the caller and the transport bring (services, TLS, clock)
   */
  public PolicyAuthorizer(MetadataStore store, ServiceIdentity identity, GrantsInForce grants,
      CallerConditionKeys callerKeys) {
    this(store, identity, null, grants, callerKeys);
  }

  /** @param keyPolicies the compiled policy of a key, or null for the account's default key policy on every key */
  PolicyAuthorizer(MetadataStore store, ServiceIdentity identity, Function<KmsKey, CompiledPolicy> keyPolicies) {
    this(store, identity, keyPolicies, null, CallerConditionKeys.NONE);
  }

  PolicyAuthorizer(MetadataStore store, ServiceIdentity identity, Function<KmsKey, CompiledPolicy> keyPolicies,
      CallerConditionKeys callerKeys) {
    this(store, identity, keyPolicies, null, callerKeys);
  }

  private PolicyAuthorizer(MetadataStore store, ServiceIdentity identity, Function<KmsKey, CompiledPolicy> keyPolicies,
      GrantsInForce grants, CallerConditionKeys callerKeys) {
    this.store = store;
    this.identity = identity;
    this.keyPolicies = keyPolicies == null ? this::compiledKeyPolicy : keyPolicies;
    this.grants = grants;
    this.callerKeys = callerKeys;
  }

  @Override
  public void authorize(RequestScope scope, KmsKey key, String requestedKeyId) {
    authorizeNamingGrant(scope, key, requestedKeyId);
  }

  @Override
  public String authorizeNamingGrant(RequestScope scope, KmsKey key, String requestedKeyId) {
    String principal = scope.caller().principalArn();
    boolean root = principal.endsWith(":root");
    IdentityPolicies identityPolicies = root ? IdentityPolicies.NONE : identityPoliciesOf(principal);
    RequestContext.Builder b = context(scope);
    callerKeys.addTo(b, scope.caller(), identityPolicies.principal(), scope.action(), key != null);
    ResourceAliases aliases = null;
    if (key != null) {
      // The key's own account is the resource account: another account's key needs both policies.
      b.resource(key.arn().value(), key.accountId())
          .key("kms:KeySpec", key.keySpec().name())
          .key("kms:KeyUsage", key.keyUsage().name())
          .key("kms:KeyOrigin", key.origin().name())
          // Every Trent key is single-Region; AWS sets the key's MultiRegion property on key operations [D kdg:conditions-kms].
          .key("kms:MultiRegion", "false");
      int alias = requestedKeyId == null ? -1 : requestedKeyId.indexOf("alias/");
      if (alias >= 0 && REQUEST_ALIAS_ACTIONS.contains(scope.action())) {
        b.key("kms:RequestAlias", requestedKeyId.substring(alias));
      }
      aliases = new ResourceAliases(store, key);
      b.lazyKeys("kms:ResourceAliases", aliases);
    }
    RequestContext ctx = b.build();
    List<CompiledPolicy> policies = ctx.isRoot() ? List.of() : identityPolicies.compiled();
    List<Grant> keyGrants = key == null || grants == null ? List.of()
        : grants.forRequest(key.keyId(), ctx.principalAccount(), scope.grantTokens());
    Decision decision = key == null
        ? KeyAccessEvaluator.evaluateIdentityOnly(policies, ctx)
        : KeyAccessEvaluator.evaluate(keyPolicyOf(key), policies, keyGrants, ctx);
    boolean crossAccountRefused = decision.allowed() && key != null
        && !ctx.principalAccount().equals(ctx.resourceAccount()) && !CROSS_ACCOUNT_ACTIONS.contains(scope.action());
    // The decision travels out in the request's trace, for its audit event (issue 9).
    scope.trace().decision(crossAccountRefused
        ? new AccessDecision(false, "CROSS_ACCOUNT_ACTION_NOT_ALLOWED", decision.policyName(), decision.statementSid(),
            decision.statementIndex(), decision.grantId())
        : new AccessDecision(decision.allowed(), decision.reason().name(), decision.policyName(),
            decision.statementSid(), decision.statementIndex(), decision.grantId()));
    if (crossAccountRefused) {
      // AWS's text for this case is not recorded [U]: the key policy's permission does not count, so as
      // AWS words a missing key policy permission.
      throw new AccessDeniedException("User: " + principal + " is not authorized to perform: " + scope.action()
          + " on resource: " + ctx.resourceArn() + " because no resource-based policy allows the " + scope.action()
          + " action");
    }
    if (decision.allowed() && aliases != null && aliases.overQuota()) {
      // kms:ResourceAliases is effective only while the key has at most 50 aliases; beyond that, principals it
      // would authorize are denied [D kdg:conditions-kms#conditions-kms-resource-aliases]. Which policy type AWS
      // names then is not recorded [U]: ResourceAliases is for IAM policies only, so the identity-based one.
      throw new AccessDeniedException("User: " + principal + " is not authorized to perform: " + scope.action()
          + " on resource: " + ctx.resourceArn() + " because no identity-based policy allows the " + scope.action()
          + " action");
    }
    if (!decision.allowed()) {
      log.debug("{} {} on {}: {} ({} {} {})", principal, scope.action(), ctx.resourceArn(), decision.reason(),
          decision.policyName(), decision.statementSid(), decision.statementIndex());
      throw new AccessDeniedException(decision.accessDeniedMessage(ctx));
    }
    return decision.grantId();
  }

  /** An alias (CreateAlias, UpdateAlias, DeleteAlias): identity policies alone decide [D kdg:alias-access]. */
  @Override
  public void authorizeResource(RequestScope scope, Arn resource) {
    String principal = scope.caller().principalArn();
    IdentityPolicies identityPolicies = principal.endsWith(":root") ? IdentityPolicies.NONE : identityPoliciesOf(principal);
    RequestContext.Builder b = context(scope);
    callerKeys.addTo(b, scope.caller(), identityPolicies.principal(), scope.action(), false);
    RequestContext ctx = b.resource(resource.value(), resource.accountId()).build();
    Decision decision = KeyAccessEvaluator.evaluateIdentityOnly(
        ctx.isRoot() ? List.of() : identityPolicies.compiled(), ctx);
    scope.trace().decision(new AccessDecision(decision.allowed(), decision.reason().name(), decision.policyName(),
        decision.statementSid(), decision.statementIndex(), decision.grantId()));
    if (!decision.allowed()) {
      log.debug("{} {} on {}: {}", ctx.principalArn(), scope.action(), resource, decision.reason());
      throw new AccessDeniedException(decision.accessDeniedMessage(ctx));
    }
  }

  /** The request's context without its resource: caller, action, encryption context and condition keys. */
  private static RequestContext.Builder context(RequestScope scope) {
    RequestContext.Builder b = RequestContext.builder()
        .principal(scope.caller().principalArn(), scope.caller().accountId())
        .action(scope.action())
        .encryptionContext(scope.encryptionContext());
    scope.conditionKeys().forEach(b::key);
    scope.multiValuedKeys().forEach(b::keys);
    // The region of the request's credential scope [D iamdoc:reference_policies_condition-keys#condition-keys-requestedregion].
    b.key("aws:RequestedRegion", scope.caller().region());
    return b;
  }

  private CompiledPolicy keyPolicyOf(KmsKey key) {
    return keyPolicies.apply(key);
  }

  /** The text of the key's policy as stored (a key created without one has the default, from KeyCatalog). */
  private String keyPolicyTextOf(KmsKey key) {
    return key.policy();
  }

  /** The key's policy compiled once per version of its text. */
  private CompiledPolicy compiledKeyPolicy(KmsKey key) {
    String text = keyPolicyTextOf(key);
    KeyPolicy cached = compiledKeyPolicies.get(key.keyId());
    if (cached == null || !cached.text().equals(text)) {
      cached = new KeyPolicy(text, CompiledPolicy.compile(PolicyParser.parseKeyPolicy(text)));
      compiledKeyPolicies.put(key.keyId(), cached);
    }
    return cached.compiled();
  }

  private IdentityPolicies identityPoliciesOf(String principalArn) {
    IdentityPolicies cached = identities.get(principalArn);
    if (cached == null) {
      cached = compile(principalArn, store.findPrincipal(principalArn).orElse(null), null);
      identities.put(principalArn, cached);
    }
    return cached;
  }

  /** Re-reads the principals seen so far (policies and tags), recompiling only the policies that changed. */
  public void refresh() {
    for (Map.Entry<String, IdentityPolicies> e : identities.entrySet()) {
      java.util.Optional<Principal> stored = store.findPrincipal(e.getKey());
      if (stored.isEmpty()) {
        identities.remove(e.getKey()); // removed: its access keys stop working too
        continue;
      }
      IdentityPolicies next = compile(e.getKey(), stored.get(), e.getValue());
      if (next != e.getValue()) {
        identities.put(e.getKey(), next);
      }
    }
  }

  private IdentityPolicies compile(String principalArn, Principal stored, IdentityPolicies previous) {
    if (stored == null) {
      return IdentityPolicies.NONE;
    }
    if (previous != null && previous.sameAs(stored)) {
      return previous;
    }
    String text = stored.policy();
    if (previous != null && java.util.Objects.equals(previous.text(), text)) {
      return new IdentityPolicies(text, stored, previous.compiled()); // only tags changed
    }
    if (text == null) {
      return new IdentityPolicies(null, stored, List.of());
    }
    try {
      String name = principalArn.substring(principalArn.lastIndexOf('/') + 1) + "-policy";
      return new IdentityPolicies(text, stored,
          List.of(CompiledPolicy.compile(PolicyParser.parseIdentityPolicy(text), name)));
    } catch (MalformedPolicyException e) {
      // principal add refuses malformed policies; one that is stored anyway allows nothing.
      log.warn("The identity policy of {} does not parse ({}); it allows nothing", principalArn, e.detail());
      return new IdentityPolicies(text, stored, List.of());
    }
  }
}
