package io.trent.core.audit;

/**
 * What decided one authorization, for the audit trail: allowed or denied, and by which policy statement or
 * grant. Core's own value, so the trail does not depend on how the authorizer evaluates.
 *
 * @param allowed whether the request was allowed
 * @param reason why, e.g. {@code KEY_POLICY_ALLOWS} or {@code NO_IDENTITY_POLICY_ALLOWS}
 * @param policyName the deciding policy ({@code default} for a key policy), or null
 * @param statementSid the deciding statement's Sid, or null
 * @param statementIndex the deciding statement's position in its policy, or -1
 * @param grantId the grant that allowed, or null
 */
public record AccessDecision(boolean allowed, String reason, String policyName, String statementSid,
    int statementIndex, String grantId) {
}
