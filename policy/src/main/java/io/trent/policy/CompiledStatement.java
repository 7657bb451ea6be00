package io.trent.policy;

import java.util.List;

/** A statement ready to evaluate: patterns and conditions compiled once, matching allocation-free. */
final class CompiledStatement {
  private final Statement source;
  private final WildcardPattern[] actions;
  private final Object[] resources; // ArnPattern, or PolicyValue when the pattern has policy variables
  private final boolean[] star;
  private final CompiledCondition[] conditions;
  private final String[] principalEntries;
  private final String[] principalAccounts; // the account an entry names (id or root ARN), else null

  CompiledStatement(Statement source) {
    this.source = source;
    List<String> aws = source.principals() == null ? List.of() : source.principals().aws();
    this.principalEntries = aws.toArray(new String[0]);
    this.principalAccounts = new String[principalEntries.length];
    for (int i = 0; i < principalEntries.length; i++) {
      principalAccounts[i] = PrincipalArn.accountOf(principalEntries[i]);
    }
    List<String> a = source.actions();
    this.actions = new WildcardPattern[a.size()];
    for (int i = 0; i < actions.length; i++) {
      // Action names are case-insensitive [D iamdoc:reference_policies_elements_action].
      actions[i] = new WildcardPattern(a.get(i), true);
    }
    List<String> r = source.resources();
    this.resources = new Object[r.size()];
    this.star = new boolean[r.size()];
    for (int i = 0; i < resources.length; i++) {
      star[i] = r.get(i).equals("*");
      PolicyValue pv = PolicyValue.of(r.get(i));
      resources[i] = pv.isConstant() ? ArnPattern.compile(r.get(i), true) : pv;
    }
    List<ConditionClause> c = source.conditions();
    this.conditions = new CompiledCondition[c.size()];
    for (int i = 0; i < conditions.length; i++) {
      conditions[i] = new CompiledCondition(c.get(i));
    }
  }

  Statement source() {
    return source;
  }

  boolean isAllow() {
    return source.effect() == Effect.ALLOW;
  }

  /** Action, resource and conditions (everything but the principal) apply to the request. */
  boolean applies(RequestContext ctx) {
    return matchesAction(ctx) && matchesResource(ctx) && conditionsHold(ctx);
  }

  private boolean matchesAction(RequestContext ctx) {
    boolean any = false;
    for (WildcardPattern p : actions) {
      if (p.matches(ctx.action())) {
        any = true;
        break;
      }
    }
    return source.notAction() != any;
  }

  private boolean matchesResource(RequestContext ctx) {
    String arn = ctx.resourceArn();
    boolean any = false;
    for (int i = 0; i < resources.length; i++) {
      Object r = resources[i];
      ArnPattern p = r instanceof ArnPattern ap ? ap : resolve((PolicyValue) r, ctx);
      // A request without a resource (CreateKey, ListKeys) is matched only by "*".
      if (p != null && (arn == null ? star[i] : p.matches(arn))) {
        any = true;
        break;
      }
    }
    return source.notResource() != any;
  }

  private static ArnPattern resolve(PolicyValue pv, RequestContext ctx) {
    String resolved = pv.resolve(ctx);
    return resolved == null ? null : ArnPattern.compile(resolved, true);
  }

  private boolean conditionsHold(RequestContext ctx) {
    for (CompiledCondition c : conditions) {
      if (!c.holds(ctx)) {
        return false;
      }
    }
    return true;
  }

  /**
   * How the statement's Principal/NotPrincipal covers the caller (key policies only). {@code NotPrincipal}
   * excludes a caller only when both the caller (its ARN or, for a role session, the role) and its account
   * are listed, as IAM evaluates the caller and its account separately
   * [D iamdoc:reference_policies_elements_notprincipal]; otherwise it covers the caller directly.
   */
  PrincipalMatch principalMatch(RequestContext ctx) {
    Principals p = source.principals();
    if (p == null) {
      return PrincipalMatch.NONE;
    }
    if (source.notPrincipal()) {
      boolean callerListed = false;
      boolean accountListed = false;
      for (int i = 0; i < principalEntries.length; i++) {
        String entry = principalEntries[i];
        if (entry.equals("*")) {
          return PrincipalMatch.NONE;
        }
        String account = principalAccounts[i];
        if (account != null && account.equals(ctx.principalAccount())) {
          accountListed = true;
        }
        if (entry.equals(ctx.principalArn()) || entry.equals(ctx.sessionIssuerArn())) {
          callerListed = true;
        }
      }
      if (ctx.isRoot()) {
        callerListed = accountListed;
      }
      boolean serviceListed = ctx.servicePrincipal() != null && p.services().contains(ctx.servicePrincipal());
      return (callerListed && accountListed) || serviceListed ? PrincipalMatch.NONE : PrincipalMatch.DIRECT;
    }
    if (p.anyone()) {
      return PrincipalMatch.DIRECT;
    }
    PrincipalMatch best = PrincipalMatch.NONE;
    for (int i = 0; i < principalEntries.length; i++) {
      String entry = principalEntries[i];
      if (entry.equals("*") || entry.equals(ctx.principalArn()) || entry.equals(ctx.sessionIssuerArn())) {
        return PrincipalMatch.DIRECT;
      }
      String account = principalAccounts[i];
      if (account != null && account.equals(ctx.principalAccount())) {
        best = PrincipalMatch.ACCOUNT;
      }
    }
    if (ctx.servicePrincipal() != null && p.services().contains(ctx.servicePrincipal())) {
      return PrincipalMatch.DIRECT;
    }
    return best;
  }
}
