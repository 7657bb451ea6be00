package io.trent.core.grant;

import io.trent.core.spi.MetadataStore;
import io.trent.policy.Grant;
import java.util.ArrayList;
import java.util.List;

/**
 * The grants that may allow one request on a key: the cached grants whose grantee is in the caller's account,
 * plus those the request's grant tokens name. A token is honoured at once: a grant this node has not cached yet
 * (created on another node) is read from the store [D kdg:grant-manage.md, "use a grant token"]. A token that
 * does not parse, or names a grant of this key that no longer exists, is InvalidGrantTokenException; a token of
 * another key's grant says nothing about this key and is passed over (AWS's behaviour there is not recorded [U]).
 */
public final class GrantsInForce {
  private final GrantCache cache;
  private final MetadataStore store;

  public GrantsInForce(GrantCache cache, MetadataStore store) {
    this.cache = cache;
    this.store = store;
  }

  /** The grants for evaluating a request of a caller in {@code callerAccount} on the key. */
  public List<Grant> forRequest(String keyId, String callerAccount, List<String> grantTokens) {
    KeyGrants grants = cache.grantsOf(keyId);
    List<Grant> inForce = grants.forAccount(callerAccount);
    if (grantTokens.isEmpty()) {
      return inForce;
    }
    List<Grant> withTokens = null;
    for (String text : grantTokens) {
      GrantToken token = GrantToken.parse(text);
      if (!token.keyId().equals(keyId) || grants.find(token.grantId()).isPresent()) {
        continue;
      }
      KmsGrant grant = store.findGrant(keyId, token.grantId()).orElseThrow(GrantToken::invalid);
      cache.invalidate(keyId); // the cached list is older than this grant
      if (withTokens == null) {
        withTokens = new ArrayList<>(inForce);
      }
      withTokens.add(grant.forEvaluation());
    }
    return withTokens == null ? inForce : withTokens;
  }

  public GrantCache cache() {
    return cache;
  }
}
