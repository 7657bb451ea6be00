package io.trent.server.auth;

import io.trent.core.audit.AccessDecision;
import io.trent.core.auth.Authorizer;
import io.trent.core.auth.Principal;
import io.trent.core.auth.RequestScope;
import io.trent.core.error.AccessDeniedException;
import io.trent.core.key.KmsKey;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.spi.MetadataStore;
import io.trent.policy.CompiledPolicy;
import io.trent.policy.Decision;
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
 * account root is always allowed. Denials are AccessDeniedException with AWS's message.
 *
 * <p>Policies are compiled once per version: identity policies are loaded from the principal store on a
 * caller's first request and re-read by {@link #refresh()} (run with the credential refresh, every second),
 * so a policy changed by {@code trent principal add} is honoured within seconds; requests never parse.
 */
public final class PolicyAuthorizer implements Authorizer {
  private static final Logger log = LoggerFactory.getLogger(PolicyAuthorizer.class);

  private final MetadataStore store;
  private final ServiceIdentity identity;
  private final Function<KmsKey, CompiledPolicy> keyPolicies;
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

  /** A principal's identity policy as stored (its text) and compiled. */
  private record IdentityPolicies(String text, List<CompiledPolicy> compiled) {}

  public PolicyAuthorizer(MetadataStore store, ServiceIdentity identity) {
    this(store, identity, null);
  }

  /** @param keyPolicies the compiled policy of a key, or null for the account's default key policy on every key */
  PolicyAuthorizer(MetadataStore store, ServiceIdentity identity, Function<KmsKey, CompiledPolicy> keyPolicies) {
    this.store = store;
    this.identity = identity;
    this.keyPolicies = keyPolicies == null ? this::compiledKeyPolicy : keyPolicies;
  }

  @Override
  public void authorize(RequestScope scope, KmsKey key, String requestedKeyId) {
    String principal = scope.caller().principalArn();
    RequestContext.Builder b = RequestContext.builder()
        .principal(principal, scope.caller().accountId())
        .action(scope.action())
        .encryptionContext(scope.encryptionContext());
    scope.conditionKeys().forEach(b::key);
    if (key != null) {
      b.resource(identity.keyArn(key.keyId()), identity.accountId())
          .key("kms:KeySpec", key.keySpec().name())
          .key("kms:KeyUsage", key.keyUsage().name())
          .key("kms:KeyOrigin", key.origin().name());
      int alias = requestedKeyId == null ? -1 : requestedKeyId.indexOf("alias/");
      if (alias >= 0) {
        b.key("kms:RequestAlias", requestedKeyId.substring(alias));
      }
    }
    RequestContext ctx = b.build();
    List<CompiledPolicy> identityPolicies = ctx.isRoot() ? List.of() : identityPoliciesOf(principal);
    Decision decision = key == null
        ? KeyAccessEvaluator.evaluateIdentityOnly(identityPolicies, ctx)
        : KeyAccessEvaluator.evaluate(keyPolicyOf(key), identityPolicies, List.of(), ctx);
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
    if (!decision.allowed()) {
      log.debug("{} {} on {}: {} ({} {} {})", principal, scope.action(), ctx.resourceArn(), decision.reason(),
          decision.policyName(), decision.statementSid(), decision.statementIndex());
      throw new AccessDeniedException(decision.accessDeniedMessage(ctx));
    }
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

  private List<CompiledPolicy> identityPoliciesOf(String principalArn) {
    IdentityPolicies cached = identities.get(principalArn);
    if (cached == null) {
      cached = compile(principalArn, store.findPrincipal(principalArn).map(Principal::policy).orElse(null), null);
      identities.put(principalArn, cached);
    }
    return cached.compiled();
  }

  /** Re-reads the identity policies of the principals seen so far, recompiling only those that changed. */
  public void refresh() {
    for (Map.Entry<String, IdentityPolicies> e : identities.entrySet()) {
      java.util.Optional<Principal> stored = store.findPrincipal(e.getKey());
      if (stored.isEmpty()) {
        identities.remove(e.getKey()); // removed: its access keys stop working too
        continue;
      }
      IdentityPolicies next = compile(e.getKey(), stored.get().policy(), e.getValue());
      if (next != e.getValue()) {
        identities.put(e.getKey(), next);
      }
    }
  }

  private IdentityPolicies compile(String principalArn, String text, IdentityPolicies previous) {
    if (previous != null && java.util.Objects.equals(previous.text(), text)) {
      return previous;
    }
    if (text == null) {
      return new IdentityPolicies(null, List.of());
    }
    try {
      String name = principalArn.substring(principalArn.lastIndexOf('/') + 1) + "-policy";
      return new IdentityPolicies(text, List.of(CompiledPolicy.compile(PolicyParser.parseIdentityPolicy(text), name)));
    } catch (MalformedPolicyException e) {
      // principal add refuses malformed policies; one that is stored anyway allows nothing.
      log.warn("The identity policy of {} does not parse ({}); it allows nothing", principalArn, e.detail());
      return new IdentityPolicies(text, List.of());
    }
  }
}
