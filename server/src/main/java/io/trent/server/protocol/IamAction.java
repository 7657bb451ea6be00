package io.trent.server.protocol;

/**
 * What an operation means to authorization: the IAM action a policy must allow, and the request member
 * that names the KMS key the action is on (the policy's resource).
 *
 * @param action the IAM action, e.g. {@code kms:PutKeyPolicy}
 * @param keyMember the member naming the key, e.g. {@code KeyId}, or null for an operation on no key
 *     (CreateKey, ListKeys: resource {@code *})
 */
record IamAction(String action, String keyMember) {}
