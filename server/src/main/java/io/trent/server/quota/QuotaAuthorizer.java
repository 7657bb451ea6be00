package io.trent.server.quota;

import io.trent.core.auth.Authorizer;
import io.trent.core.auth.RequestScope;
import io.trent.core.key.Arn;
import io.trent.core.key.KmsKey;

/**
 * Charges a cryptographic request's quota when its key is authorized, then authorizes: the key's type chooses
 * the quota, and core resolves the key just before it authorizes the request on it, so this is the first point
 * where the bucket is known. Other actions pass straight through.
 */
public final class QuotaAuthorizer implements Authorizer {
  private final Authorizer delegate;
  private final RequestQuotas quotas;

  public QuotaAuthorizer(Authorizer delegate, RequestQuotas quotas) {
    this.delegate = delegate;
    this.quotas = quotas;
  }

  @Override
  public void authorize(RequestScope scope, KmsKey key, String requestedKeyId) {
    quotas.admitKeyUse(scope, key);
    delegate.authorize(scope, key, requestedKeyId);
  }

  @Override
  public void authorizeResource(RequestScope scope, Arn resource) {
    delegate.authorizeResource(scope, resource);
  }

  @Override
  public String authorizeNamingGrant(RequestScope scope, KmsKey key, String requestedKeyId) {
    quotas.admitKeyUse(scope, key);
    return delegate.authorizeNamingGrant(scope, key, requestedKeyId);
  }
}
