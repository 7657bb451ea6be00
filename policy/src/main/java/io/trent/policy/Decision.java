package io.trent.policy;

/**
 * The outcome of an authorization, with what decided it (for the audit trail) and the AccessDenied
 * reason AWS names.
 *
 * @param policyName the deciding policy ({@code default} for the key policy, the identity policy's name),
 *     or null for grants and for implicit denies without a deciding statement
 * @param statementSid the deciding statement's Sid, or null
 * @param statementIndex the deciding statement's position in its policy, or -1
 * @param grantId the grant that allowed, or null
 */
public record Decision(Outcome outcome, Reason reason, String policyName, String statementSid, int statementIndex, String grantId) {

  /** Allowed, denied by a Deny statement, or denied because nothing allowed. */
  public enum Outcome { ALLOW, EXPLICIT_DENY, IMPLICIT_DENY }

  /** Why; the deny reasons are AWS's AccessDenied variants [D iamdoc:troubleshoot_access-denied; R, see §2.4]. */
  public enum Reason {
    /** The key policy allows the caller itself (or {@code *}). */
    KEY_POLICY_ALLOWS,
    /** The key policy allows the caller's account and an identity policy (or the root user's own rights) allows. */
    IDENTITY_POLICY_ALLOWS,
    /** A grant allows. */
    GRANT_ALLOWS,
    /** {@code with an explicit deny in a resource-based policy}. */
    EXPLICIT_DENY_IN_KEY_POLICY,
    /** {@code with an explicit deny in an identity-based policy}. */
    EXPLICIT_DENY_IN_IDENTITY_POLICY,
    /** {@code because no resource-based policy allows the <action> action}. */
    NO_KEY_POLICY_ALLOWS,
    /** {@code because no identity-based policy allows the <action> action}. */
    NO_IDENTITY_POLICY_ALLOWS
  }

  public boolean allowed() {
    return outcome == Outcome.ALLOW;
  }

  static Decision allow(Reason reason, String policy, Statement s) {
    return new Decision(Outcome.ALLOW, reason, policy, s == null ? null : s.sid(), s == null ? -1 : s.index(), null);
  }

  static Decision grant(String grantId) {
    return new Decision(Outcome.ALLOW, Reason.GRANT_ALLOWS, null, null, -1, grantId);
  }

  static Decision explicitDeny(Reason reason, String policy, Statement s) {
    return new Decision(Outcome.EXPLICIT_DENY, reason, policy, s.sid(), s.index(), null);
  }

  static Decision implicitDeny(Reason reason, String policy, Statement s) {
    return new Decision(Outcome.IMPLICIT_DENY, reason, policy, s == null ? null : s.sid(), s == null ? -1 : s.index(), null);
  }

  /**
   * AWS's AccessDeniedException message for this decision, e.g. {@code User: arn:aws:iam::111122223333:user/Alice
   * is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:...:key/... because no identity-based
   * policy allows the kms:Decrypt action} [R cattle-ops/terraform-aws-gitlab-runner#1253,
   * jbrt/ec2cryptomatic#26, aws/aws-nitro-enclaves-sdk-c#157; no trailing period, as most captures].
   * Actions without a resource (CreateKey) name resource {@code *}.
   *
   * @throws IllegalStateException if the decision allows
   */
  public String accessDeniedMessage(RequestContext ctx) {
    String head = "User: " + ctx.principalArn() + " is not authorized to perform: " + ctx.action() + " on resource: "
        + (ctx.resourceArn() == null ? "*" : ctx.resourceArn());
    return switch (reason) {
      case EXPLICIT_DENY_IN_KEY_POLICY -> head + " with an explicit deny in a resource-based policy";
      case EXPLICIT_DENY_IN_IDENTITY_POLICY -> head + " with an explicit deny in an identity-based policy";
      case NO_KEY_POLICY_ALLOWS -> head + " because no resource-based policy allows the " + ctx.action() + " action";
      case NO_IDENTITY_POLICY_ALLOWS -> head + " because no identity-based policy allows the " + ctx.action() + " action";
      default -> throw new IllegalStateException("the request is allowed");
    };
  }
}
