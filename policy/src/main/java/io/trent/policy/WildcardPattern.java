package io.trent.policy;

/**
 * A policy glob: {@code *} matches any run of characters (also none), {@code ?} exactly one; everything
 * else is literal [D iamdoc:reference_policies_elements_action, reference_policies_elements_condition_operators
 * (StringLike)]. Matching is a linear scan with one backtrack point, never a regex, so compiling a policy
 * costs nothing per request and matching allocates nothing.
 */
final class WildcardPattern {
  private final String pattern;
  private final boolean ignoreCase;
  private final boolean literal;
  private final boolean matchAll;

  WildcardPattern(String pattern, boolean ignoreCase) {
    this.pattern = pattern;
    this.ignoreCase = ignoreCase;
    this.literal = pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0;
    this.matchAll = pattern.equals("*");
  }

  boolean matches(String s) {
    return matches(s, 0, s.length());
  }

  /** Whether {@code s[from, to)} matches. */
  boolean matches(String s, int from, int to) {
    if (matchAll) {
      return true;
    }
    if (literal) {
      return to - from == pattern.length() && s.regionMatches(ignoreCase, from, pattern, 0, pattern.length());
    }
    int p = 0;
    int i = from;
    int starP = -1;
    int starI = -1;
    int n = pattern.length();
    while (i < to) {
      if (p < n && pattern.charAt(p) == '*') {
        starP = p++;
        starI = i;
      } else if (p < n && (pattern.charAt(p) == '?' || same(pattern.charAt(p), s.charAt(i)))) {
        p++;
        i++;
      } else if (starP >= 0) {
        p = starP + 1;
        i = ++starI;
      } else {
        return false;
      }
    }
    while (p < n && pattern.charAt(p) == '*') {
      p++;
    }
    return p == n;
  }

  private boolean same(char a, char b) {
    return a == b || ignoreCase && Character.toLowerCase(a) == Character.toLowerCase(b);
  }

  @Override
  public String toString() {
    return pattern;
  }
}
