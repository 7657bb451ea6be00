package io.trent.policy;

import java.util.List;

/**
 * A parsed, validated policy document: {@code Version}, optional {@code Id} and at least one statement
 * ({@code Statement} may be written as one object or an array). Use {@link PolicyParser} to obtain one and
 * {@link CompiledPolicy#compile} to evaluate it.
 */
public record PolicyDocument(PolicyKind kind, String version, String id, List<Statement> statements) {
  public PolicyDocument {
    statements = List.copyOf(statements);
  }

  /** Parses and validates a KMS key policy; see {@link PolicyParser#parseKeyPolicy}. */
  public static PolicyDocument parseKeyPolicy(String text) {
    return PolicyParser.parseKeyPolicy(text);
  }

  /** Parses and validates an IAM identity policy; see {@link PolicyParser#parseIdentityPolicy}. */
  public static PolicyDocument parseIdentityPolicy(String text) {
    return PolicyParser.parseIdentityPolicy(text);
  }
}
