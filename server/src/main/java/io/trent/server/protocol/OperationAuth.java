package io.trent.server.protocol;

import java.util.Map;

/**
 * How an operation is authorized: its IAM action, the member naming its key (null for account-level
 * actions, which IAM policies alone decide), the member holding its encryption context, and the
 * condition keys its request members set (condition key to member name). The key's own condition keys
 * ({@code kms:KeySpec}, {@code kms:KeyUsage}, {@code kms:KeyOrigin}, {@code kms:ResourceAliases}) and the
 * caller's ({@code kms:CallerAccount}, {@code aws:PrincipalArn}, {@code aws:SourceIp}) are set for every
 * operation. See docs/security-guide.md#authorization and aws-auth-policy-audit.md §2.6.
 */
record OperationAuth(String action, String keyMember, String contextMember, Map<String, String> requestKeys) {
  static OperationAuth onKey(String action, String keyMember) {
    return new OperationAuth(action, keyMember, null, Map.of());
  }

  static OperationAuth account(String action) {
    return new OperationAuth(action, null, null, Map.of());
  }

  OperationAuth context(String member) {
    return new OperationAuth(action, keyMember, member, requestKeys);
  }

  OperationAuth sets(String conditionKey, String member) {
    Map<String, String> keys = new java.util.HashMap<>(requestKeys);
    keys.put(conditionKey, member);
    return new OperationAuth(action, keyMember, contextMember, Map.copyOf(keys));
  }
}
