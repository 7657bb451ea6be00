package io.trent.policy;

import io.trent.policy.Decision.Reason;
import java.util.List;

/**
 * AWS KMS's authorization of a request on a KMS key [D kdg:policy-evaluation.md, key-policy-default.md,
 * key-policy-modifying-external-accounts.md, iamdoc:reference_policies_evaluation-logic-cross-account]:
 * <ol>
 *   <li>An applicable Deny in the key policy, then in the caller's identity policies, denies
 *       (explicit deny wins over every allow, grants included).</li>
 *   <li>Same account: the key policy allowing the caller directly allows; a key policy statement for the
 *       caller's account (the account principal) delegates to IAM, so an identity policy must allow too.
 *       KMS key policies do not trust their own account implicitly: without such a statement identity
 *       policies allow nothing.</li>
 *   <li>Cross account: the key policy must allow the caller or its account <em>and</em> an identity policy in
 *       the caller's account must allow.</li>
 *   <li>Otherwise a grant for the caller, covering the operation and whose constraints hold, allows.</li>
 * </ol>
 * The account root user has no identity policies and all rights in its account, so for it the identity
 * side always allows. Stateless and thread-safe; pass policies compiled once.
 */
public final class KeyAccessEvaluator {
  private KeyAccessEvaluator() {}

  /**
   * Decides a request on a key.
   *
   * @param keyPolicy the key's policy
   * @param identityPolicies the caller's identity policies (empty for the root user and for principals without any)
   * @param grants the key's grants; those for other grantees are skipped, but the scan is linear, so with many
   *     grants pass those whose grantee is the caller, its role or its account
   */
  public static Decision evaluate(CompiledPolicy keyPolicy, List<CompiledPolicy> identityPolicies, List<Grant> grants,
      RequestContext ctx) {
    // 1. explicit deny
    for (CompiledStatement s : keyPolicy.statements()) {
      if (!s.isAllow() && s.principalMatch(ctx) != PrincipalMatch.NONE && s.applies(ctx)) {
        return Decision.explicitDeny(Reason.EXPLICIT_DENY_IN_KEY_POLICY, keyPolicy.name(), s.source());
      }
    }
    Decision identityDeny = identityDeny(identityPolicies, ctx);
    if (identityDeny != null) {
      return identityDeny;
    }
    // 2. key policy allows: directly, or through the caller's account
    CompiledStatement direct = null;
    CompiledStatement delegation = null;
    for (CompiledStatement s : keyPolicy.statements()) {
      if (s.isAllow()) {
        PrincipalMatch m = s.principalMatch(ctx);
        if (m == PrincipalMatch.DIRECT && s.applies(ctx)) {
          direct = s;
          break;
        }
        if (m == PrincipalMatch.ACCOUNT && delegation == null && s.applies(ctx)) {
          delegation = s;
        }
      }
    }
    boolean sameAccount = ctx.principalAccount().equals(ctx.resourceAccount());
    Decision identityAllow = null;
    if (direct != null && sameAccount) {
      return Decision.allow(Reason.KEY_POLICY_ALLOWS, keyPolicy.name(), direct.source());
    }
    if (direct != null || delegation != null) {
      identityAllow = identityAllow(identityPolicies, ctx);
      if (identityAllow != null) {
        return ctx.isRoot() && identityAllow.statementIndex() < 0
            ? Decision.allow(Reason.IDENTITY_POLICY_ALLOWS, keyPolicy.name(), (direct != null ? direct : delegation).source())
            : identityAllow;
      }
    }
    // 3. grants
    for (Grant g : grants) {
      if (g.operations().contains(ctx.operation()) && g.constraintsHold(ctx.operation(), ctx.encryptionContext())
          && granteeMatches(g, identityPolicies, ctx)) {
        return Decision.grant(g.grantId());
      }
    }
    // 4. implicit deny: name the side that is missing
    if (direct == null && delegation == null) {
      return Decision.implicitDeny(Reason.NO_KEY_POLICY_ALLOWS, null, null);
    }
    CompiledStatement keySide = direct != null ? direct : delegation;
    return Decision.implicitDeny(Reason.NO_IDENTITY_POLICY_ALLOWS, keyPolicy.name(), keySide.source());
  }

  /**
   * Decides an IAM-only action that names no key (CreateKey, ListKeys, ListAliases, GenerateRandom,
   * ListRetirableGrants [D kdg:key-policy-default.md]): identity policies alone decide.
   */
  public static Decision evaluateIdentityOnly(List<CompiledPolicy> identityPolicies, RequestContext ctx) {
    Decision deny = identityDeny(identityPolicies, ctx);
    if (deny != null) {
      return deny;
    }
    Decision allow = identityAllow(identityPolicies, ctx);
    return allow != null ? allow : Decision.implicitDeny(Reason.NO_IDENTITY_POLICY_ALLOWS, null, null);
  }

  private static Decision identityDeny(List<CompiledPolicy> identityPolicies, RequestContext ctx) {
    for (CompiledPolicy p : identityPolicies) {
      for (CompiledStatement s : p.statements()) {
        if (!s.isAllow() && s.applies(ctx)) {
          return Decision.explicitDeny(Reason.EXPLICIT_DENY_IN_IDENTITY_POLICY, p.name(), s.source());
        }
      }
    }
    return null;
  }

  private static Decision identityAllow(List<CompiledPolicy> identityPolicies, RequestContext ctx) {
    for (CompiledPolicy p : identityPolicies) {
      for (CompiledStatement s : p.statements()) {
        if (s.isAllow() && s.applies(ctx)) {
          return Decision.allow(Reason.IDENTITY_POLICY_ALLOWS, p.name(), s.source());
        }
      }
    }
    return ctx.isRoot() ? Decision.allow(Reason.IDENTITY_POLICY_ALLOWS, null, null) : null;
  }

  /**
   * The grantee is the caller (or, for a role session, its role). A grant to an account covers its root user,
   * and its other principals only as far as their identity policies allow, as the account principal does in a
   * key policy (AWS documents accounts as grantees [D kdg:grants.md] but not this detail [U]).
   */
  private static boolean granteeMatches(Grant g, List<CompiledPolicy> identityPolicies, RequestContext ctx) {
    String grantee = g.granteePrincipal();
    if (grantee.equals(ctx.principalArn()) || grantee.equals(ctx.sessionIssuerArn())) {
      return true;
    }
    String account = PrincipalArn.accountOf(grantee);
    return account != null && account.equals(ctx.principalAccount()) && identityAllow(identityPolicies, ctx) != null;
  }
}
