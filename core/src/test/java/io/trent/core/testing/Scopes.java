package io.trent.core.testing;

import io.trent.core.auth.Caller;
import io.trent.core.auth.RequestScope;

/** Request scopes for core tests. */
public final class Scopes {
  private Scopes() {}

  /** The account root of the test account (111122223333), which the tests' authorizers allow. */
  public static final RequestScope ROOT = new RequestScope(
      new Caller("111122223333", "arn:aws:iam::111122223333:root", "AKIAROOT", "us-east-1", false), "kms:*", null, null);
}
