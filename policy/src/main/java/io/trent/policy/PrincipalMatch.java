package io.trent.policy;

/**
 * How a key policy statement's principal covers the caller: not at all, through the caller's account
 * (an account id or {@code arn:aws:iam::<account>:root}: the key policy delegates to that account's IAM
 * policies, it does not itself allow any IAM identity [D kdg:key-policy-overview.md "Principal"]), or
 * directly (the caller's own ARN, its role, a service principal, or {@code *}).
 */
enum PrincipalMatch {
  NONE, ACCOUNT, DIRECT
}
