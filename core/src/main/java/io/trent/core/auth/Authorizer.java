package io.trent.core.auth;

import io.trent.core.key.Arn;
import io.trent.core.key.KmsKey;

/**
 * Decides whether a request may act on a key (or, without a key, on the account), after the key is
 * resolved and before its state, its usage or the HSM are looked at, as AWS orders it. The server
 * implements it with the {@code policy} module; core knows only this interface.
 */
@FunctionalInterface
public interface Authorizer {
  /** Allows everything; only for tests and in-process harnesses. */
  Authorizer ALLOW_ALL = (scope, key, requestedKeyId) -> { };

  /**
   * Authorizes {@link RequestScope#action()} by {@link RequestScope#caller()}.
   *
   * @param key the resolved key, or null for an account-level action (CreateKey, ListKeys, ListAliases,
   *     GenerateRandom), which identity policies alone decide
   * @param requestedKeyId the key identifier as the request gave it (an alias sets {@code kms:RequestAlias}), or null
   * @throws io.trent.core.error.AccessDeniedException with AWS's message when denied
   */
  void authorize(RequestScope scope, KmsKey key, String requestedKeyId);

  /**
   * Authorizes {@link RequestScope#action()} on a resource that is not a key: an alias, which CreateAlias,
   * UpdateAlias and DeleteAlias need permission on besides the key [D kdg:alias-access]. Aliases have no
   * resource policy, so identity policies alone decide (the account root is always allowed). By default,
   * as an account-level action.
   *
   * @param resource the resource's ARN, e.g. {@code arn:aws:kms:us-east-1:111122223333:alias/app}
   * @throws io.trent.core.error.AccessDeniedException with AWS's message when denied
   */
  default void authorizeResource(RequestScope scope, Arn resource) {
    authorize(scope, null, null);
  }

  /**
   * As {@link #authorize}, telling whether a grant allowed the request rather than a policy: a grant that allows
   * CreateGrant allows only narrower child grants, a policy's permission does not limit them
   * [D kdg:create-grant-overview.md].
   *
   * @return the id of the grant that allowed the request, or null when a policy did
   */
  default String authorizeNamingGrant(RequestScope scope, KmsKey key, String requestedKeyId) {
    authorize(scope, key, requestedKeyId);
    return null;
  }
}
