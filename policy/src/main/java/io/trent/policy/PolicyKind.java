package io.trent.policy;

/**
 * Which grammar a document follows. A KMS key policy is a resource-based policy: every statement names
 * a principal and its Resource is {@code "*"} (this key). An IAM identity policy is attached to a
 * principal and names no principal.
 */
public enum PolicyKind {
  KEY_POLICY, IDENTITY_POLICY
}
