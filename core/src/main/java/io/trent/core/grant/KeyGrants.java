package io.trent.core.grant;

import io.trent.policy.Grant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The grants of one key as authorization reads them: all of them, and those for evaluation indexed by the
 * grantee's account, so a request scans only the grants that could name its caller (a key may have 50,000).
 */
public final class KeyGrants {
  public static final KeyGrants NONE = new KeyGrants(List.of());

  private final List<KmsGrant> all;
  private final Map<String, List<Grant>> byGranteeAccount;

  public KeyGrants(List<KmsGrant> grants) {
    this.all = List.copyOf(grants);
    Map<String, List<Grant>> index = new HashMap<>();
    for (KmsGrant g : all) {
      index.computeIfAbsent(KmsGrant.accountOf(g.granteePrincipal()), a -> new ArrayList<>()).add(g.forEvaluation());
    }
    index.replaceAll((account, list) -> List.copyOf(list));
    this.byGranteeAccount = Map.copyOf(index);
  }

  public List<KmsGrant> all() {
    return all;
  }

  /** The grants whose grantee is in this account (a principal of it, or the account itself). */
  public List<Grant> forAccount(String accountId) {
    return byGranteeAccount.getOrDefault(accountId, List.of());
  }

  public Optional<KmsGrant> find(String grantId) {
    for (KmsGrant g : all) {
      if (g.grantId().equals(grantId)) {
        return Optional.of(g);
      }
    }
    return Optional.empty();
  }
}
