package io.trent.policy;

import java.util.Map;
import java.util.Set;

/**
 * What a grant allows, as the evaluator needs it: its grantee may call the listed operations (names as in
 * CreateGrant, e.g. {@code Decrypt}) on the key, if the request's encryption context satisfies the
 * constraint [D kdg:grants.md, kdg:create-grant-overview.md]. At most one constraint map is non-empty.
 *
 * @param encryptionContextEquals the request's context must equal this map exactly (empty: no constraint)
 * @param encryptionContextSubset the request's context must contain every pair of this map (empty: none)
 */
public record Grant(
    String grantId,
    String granteePrincipal,
    Set<String> operations,
    Map<String, String> encryptionContextEquals,
    Map<String, String> encryptionContextSubset) {
  public Grant {
    operations = Set.copyOf(operations);
    encryptionContextEquals = encryptionContextEquals == null ? Map.of() : Map.copyOf(encryptionContextEquals);
    encryptionContextSubset = encryptionContextSubset == null ? Map.of() : Map.copyOf(encryptionContextSubset);
  }

  /**
   * Whether the constraints hold for a request's encryption context. Exact, case-sensitive keys and
   * values; ignored for DescribeKey and RetireGrant [D kdg:create-grant-overview.md], and for CreateGrant,
   * where they bound the child grant's constraints instead (the grant service checks that).
   */
  boolean constraintsHold(String operation, Map<String, String> context) {
    if (operation.equals("DescribeKey") || operation.equals("RetireGrant") || operation.equals("CreateGrant")) {
      return true;
    }
    if (!encryptionContextEquals.isEmpty() && !encryptionContextEquals.equals(context)) {
      return false;
    }
    for (Map.Entry<String, String> e : encryptionContextSubset.entrySet()) {
      if (!e.getValue().equals(context.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
