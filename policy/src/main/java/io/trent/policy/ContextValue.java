package io.trent.policy;

import java.util.List;

/**
 * The value of one condition key in a request. Single-valued keys (most) hold one value; multi-valued
 * keys ({@code kms:EncryptionContextKeys}, {@code kms:GrantOperations}, {@code kms:ResourceAliases}) hold a
 * list and need a set qualifier in conditions: a plain operator on a multi-valued key does not match
 * [D iamdoc:reference_policies_condition-single-vs-multi-valued-context-keys; P cloud-copilot/iam-simulate
 * src/condition/condition.ts, "confirmed at re:Inforce 2025 IAM431"].
 */
public record ContextValue(List<String> values, boolean multiValued) {
  public ContextValue {
    values = List.copyOf(values);
    if (!multiValued && values.size() != 1) {
      throw new IllegalArgumentException("a single-valued key has exactly one value");
    }
  }

  public static ContextValue single(String value) {
    return new ContextValue(List.of(value), false);
  }

  public static ContextValue multi(List<String> values) {
    return new ContextValue(values, true);
  }
}
