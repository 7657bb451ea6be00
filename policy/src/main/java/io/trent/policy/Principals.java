package io.trent.policy;

import java.util.List;

/**
 * A statement's {@code Principal} or {@code NotPrincipal}: {@code "*"} ({@link #anyone()}), AWS principals
 * (account ids, account root ARNs, user, role, assumed-role and federated-user ARNs, or {@code "*"}) and
 * service principals ({@code {"Service": "...amazonaws.com"}}).
 */
public record Principals(boolean anyone, List<String> aws, List<String> services) {
  public Principals {
    aws = List.copyOf(aws);
    services = List.copyOf(services);
  }
}
