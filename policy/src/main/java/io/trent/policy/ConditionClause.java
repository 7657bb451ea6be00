package io.trent.policy;

import java.util.List;

/**
 * One operator-key pair of a {@code Condition} block as written, e.g.
 * {@code "ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": ["a", "b"]}} gives operator
 * {@code ForAnyValue:StringEquals}, key {@code kms:EncryptionContextKeys} and two values. JSON numbers
 * and booleans are kept as their text, as IAM does.
 */
public record ConditionClause(String operator, String key, List<String> values) {
  public ConditionClause {
    values = List.copyOf(values);
  }
}
