package io.trent.policy;

import java.util.List;

/**
 * A policy document compiled for evaluation. Compile once when the policy is stored or loaded and keep
 * it: evaluation then does no parsing, no regex and (without policy variables) no allocation.
 */
public final class CompiledPolicy {
  private final PolicyDocument document;
  private final String name;
  private final CompiledStatement[] statements;

  private CompiledPolicy(PolicyDocument document, String name) {
    this.document = document;
    this.name = name;
    List<Statement> s = document.statements();
    this.statements = new CompiledStatement[s.size()];
    for (int i = 0; i < statements.length; i++) {
      statements[i] = new CompiledStatement(s.get(i));
    }
  }

  /** Compiles a key policy (its name is {@code default}, the only key policy name KMS has). */
  public static CompiledPolicy compile(PolicyDocument document) {
    return new CompiledPolicy(document, document.kind() == PolicyKind.KEY_POLICY ? "default" : null);
  }

  /** Compiles a policy under a name that decisions report (e.g. an identity policy's name). */
  public static CompiledPolicy compile(PolicyDocument document, String name) {
    return new CompiledPolicy(document, name);
  }

  public PolicyDocument document() {
    return document;
  }

  public String name() {
    return name;
  }

  CompiledStatement[] statements() {
    return statements;
  }
}
