package io.trent.policy;

/** A statement's {@code Effect}: exactly {@code Allow} or {@code Deny} (case-sensitive, as IAM's legacy parser). */
public enum Effect {
  ALLOW, DENY
}
