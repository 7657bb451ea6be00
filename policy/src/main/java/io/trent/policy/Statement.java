package io.trent.policy;

import java.util.List;

/**
 * One policy statement as written. {@code principals} is null in identity policies; {@code notPrincipal},
 * {@code notAction} and {@code notResource} say that the list was given under the {@code Not...} element.
 *
 * @param sid the {@code Sid}, or null
 * @param index position in the document (0-based), used in decisions when there is no Sid
 */
public record Statement(
    String sid,
    int index,
    Effect effect,
    Principals principals,
    boolean notPrincipal,
    List<String> actions,
    boolean notAction,
    List<String> resources,
    boolean notResource,
    List<ConditionClause> conditions) {
  public Statement {
    actions = List.copyOf(actions);
    resources = List.copyOf(resources);
    conditions = List.copyOf(conditions);
  }
}
