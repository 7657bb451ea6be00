package io.trent.policy;

/**
 * An ARN pattern as the Resource element and the Arn* condition operators use it: the six
 * colon-separated parts ({@code arn}, partition, service, region, account, resource) are matched one by
 * one, case-sensitively, each with {@code *} and {@code ?} wildcards that cannot span a colon except in the
 * last part, which keeps its colons [D iamdoc:reference_policies_elements_condition_operators#Conditions_ARN;
 * P cloud-copilot/iam-simulate src/condition/arn/arn.ts]. A lone {@code "*"} matches everything.
 */
final class ArnPattern {
  private final boolean matchAll;
  private final WildcardPattern[] parts;

  private ArnPattern(boolean matchAll, WildcardPattern[] parts) {
    this.matchAll = matchAll;
    this.parts = parts;
  }

  /**
   * Compiles a pattern. For Resource elements ({@code padMissing}) missing trailing parts count as
   * {@code *}, as IAM's legacy parser reads {@code arn:aws:kms:*} [P getmoto/moto policy_validation.py];
   * a condition value that is not a whole ARN never matches.
   */
  static ArnPattern compile(String pattern, boolean padMissing) {
    if (pattern.equals("*")) {
      return new ArnPattern(true, null);
    }
    String[] split = pattern.split(":", 6);
    if (split.length < 6 && !padMissing) {
      return new ArnPattern(false, null);
    }
    WildcardPattern[] parts = new WildcardPattern[6];
    for (int i = 0; i < 6; i++) {
      parts[i] = new WildcardPattern(i < split.length ? split[i] : "*", false);
    }
    return new ArnPattern(false, parts);
  }

  boolean matches(String arn) {
    if (matchAll) {
      return true;
    }
    if (parts == null) {
      return false;
    }
    int start = 0;
    for (int i = 0; i < 5; i++) {
      int colon = arn.indexOf(':', start);
      if (colon < 0 || !parts[i].matches(arn, start, colon)) {
        return false;
      }
      start = colon + 1;
    }
    return parts[5].matches(arn, start, arn.length());
  }
}
