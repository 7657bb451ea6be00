package io.trent.core.grant;

import java.util.Map;

/**
 * A grant's encryption context constraints [D kdg:create-grant-overview.md]: the request's context must equal
 * {@code encryptionContextEquals} exactly, and contain every pair of {@code encryptionContextSubset}. Empty maps
 * mean no constraint.
 */
public record GrantConstraints(Map<String, String> encryptionContextEquals, Map<String, String> encryptionContextSubset) {
  public static final GrantConstraints NONE = new GrantConstraints(Map.of(), Map.of());

  public GrantConstraints {
    encryptionContextEquals = encryptionContextEquals == null ? Map.of() : Map.copyOf(encryptionContextEquals);
    encryptionContextSubset = encryptionContextSubset == null ? Map.of() : Map.copyOf(encryptionContextSubset);
  }

  public boolean isEmpty() {
    return encryptionContextEquals.isEmpty() && encryptionContextSubset.isEmpty();
  }

  /**
   * Whether a child grant with these constraints is at least as strict as its parent's: every context these
   * constraints accept, the parent's accept too [D kdg:create-grant-overview.md: a child may add Subset pairs or
   * turn Subset into Equals, not the reverse].
   */
  public boolean atLeastAsStrictAs(GrantConstraints parent) {
    if (parent.isEmpty()) {
      return true;
    }
    if (!encryptionContextEquals.isEmpty()) {
      // Only contexts equal to this map pass here; they must pass the parent.
      return accepts(parent, encryptionContextEquals) && containsAll(encryptionContextEquals, encryptionContextSubset);
    }
    if (!parent.encryptionContextEquals.isEmpty()) {
      return false; // a Subset (or nothing) accepts contexts an Equals refuses
    }
    return containsAll(encryptionContextSubset, parent.encryptionContextSubset);
  }

  /** Whether a request's encryption context satisfies these constraints. */
  public boolean accept(Map<String, String> context) {
    return accepts(this, context);
  }

  private static boolean accepts(GrantConstraints c, Map<String, String> context) {
    if (!c.encryptionContextEquals.isEmpty() && !c.encryptionContextEquals.equals(context)) {
      return false;
    }
    return containsAll(context, c.encryptionContextSubset);
  }

  private static boolean containsAll(Map<String, String> context, Map<String, String> pairs) {
    for (Map.Entry<String, String> e : pairs.entrySet()) {
      if (!e.getValue().equals(context.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
