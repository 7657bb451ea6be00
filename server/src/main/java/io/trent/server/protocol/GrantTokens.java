package io.trent.server.protocol;

import io.trent.core.validation.ShapeValidator;
import java.util.List;

/**
 * GrantTokens for the operations whose core service takes only a key id (DescribeKey, GetPublicKey): checked
 * with the same constraints as the other operations' (at most 10, each 1..8192 characters). The tokens
 * themselves reach authorization through the request's scope ({@code KmsJsonProtocol}), where each one's grant
 * counts at once and a token that names no grant is InvalidGrantTokenException.
 */
final class GrantTokens {
  private GrantTokens() {}

  static void check(List<String> grantTokens) {
    ShapeValidator.create().stringList("grantTokens", grantTokens, 10, 1, 8192).validate();
  }
}
