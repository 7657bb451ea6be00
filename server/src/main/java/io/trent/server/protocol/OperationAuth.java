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
record OperationAuth(String action, String keyMember, String contextMember, Map<String, String> requestKeys,
    Map<String, String> defaults, Map<String, String> multiValuedKeys, Map<String, String> memberNameKeys) {
  static OperationAuth onKey(String action, String keyMember) {
    return new OperationAuth(action, keyMember, null, Map.of(), Map.of(), Map.of(), Map.of());
  }

  static OperationAuth account(String action) {
    return new OperationAuth(action, null, null, Map.of(), Map.of(), Map.of(), Map.of());
  }

  OperationAuth context(String member) {
    return new OperationAuth(action, keyMember, member, requestKeys, defaults, multiValuedKeys, memberNameKeys);
  }

  /** The condition key takes the member's value, when the request has the member. */
  OperationAuth sets(String conditionKey, String member) {
    return new OperationAuth(action, keyMember, contextMember, with(requestKeys, conditionKey, member), defaults,
        multiValuedKeys, memberNameKeys);
  }

  /** The multi-valued condition key takes the list member's values (kms:GrantOperations), when present. */
  OperationAuth setsAll(String conditionKey, String listMember) {
    return new OperationAuth(action, keyMember, contextMember, requestKeys, defaults,
        with(multiValuedKeys, conditionKey, listMember), memberNameKeys);
  }

  /**
   * The condition key takes the names of the structure member's members that the request sets
   * (kms:GrantConstraintType: EncryptionContextEquals or EncryptionContextSubset), when present.
   */
  OperationAuth setsMemberNames(String conditionKey, String structureMember) {
    return new OperationAuth(action, keyMember, contextMember, requestKeys, defaults, multiValuedKeys,
        with(memberNameKeys, conditionKey, structureMember));
  }

  /** The condition key's value when the request does not set it (e.g. kms:EncryptionAlgorithm SYMMETRIC_DEFAULT). */
  OperationAuth otherwise(String conditionKey, String value) {
    return new OperationAuth(action, keyMember, contextMember, requestKeys, with(defaults, conditionKey, value),
        multiValuedKeys, memberNameKeys);
  }

  private static Map<String, String> with(Map<String, String> map, String key, String value) {
    Map<String, String> copy = new java.util.HashMap<>(map);
    copy.put(key, value);
    return Map.copyOf(copy);
  }
}
