package io.trent.server.protocol;

/**
 * Whether a Java string is well-formed UTF-16, i.e. a sequence of Unicode scalar values. JSON's
 * {@code \ud800} escape lets a body carry a lone surrogate, which has no UTF-8 encoding: Java's
 * encoder would replace it with {@code ?}, so {@code "\ud800"} and {@code "?"} would bind to the
 * same encryption context. Every string a request binds is checked with this.
 */
final class WellFormedUnicode {
  /** Longest request-supplied name echoed in an error message. */
  private static final int MAX_ECHO = 128;

  private WellFormedUnicode() {}

  // A loop, not a regex or CharsetEncoder: it runs on every bound string of every request.
  static boolean check(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == n || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A request-supplied name for an error message: the name itself when it is short and well
   * formed (so the JSON error body can encode it), otherwise a neutral placeholder.
   */
  static String forMessage(String name) {
    return name != null && name.length() <= MAX_ECHO && check(name) ? name : "(a name that cannot be shown)";
  }
}
