package io.trent.core.auth;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The tags of a principal, which requests carry as {@code aws:PrincipalTag/<key>}, with IAM's rules for
 * user and role tags [D iamdoc:id_tags, "Rules for tagging"]: at most 50; a key of 1 to 128 and a value of 0
 * to 256 Unicode letters, digits, spaces and {@code _ . : / = + - @}; keys starting with {@code aws:}
 * are reserved; two keys that differ only in case are the same key (IAM keeps keys case-insensitively
 * unique, and condition key names are case-insensitive, so {@code aws:PrincipalTag/Team} could not tell
 * them apart).
 *
 * @param values tag key to value, in key order
 */
public record PrincipalTags(Map<String, String> values) {
  /** No tags. */
  public static final PrincipalTags NONE = new PrincipalTags(Map.of());
  private static final int MAX_TAGS = 50;
  private static final Pattern CHARACTERS = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");

  public PrincipalTags {
    Objects.requireNonNull(values, "values");
    if (values.size() > MAX_TAGS) {
      throw new IllegalArgumentException("A principal may have at most " + MAX_TAGS + " tags, not " + values.size());
    }
    Map<String, String> seen = new TreeMap<>();
    for (Map.Entry<String, String> e : values.entrySet()) {
      String key = Objects.requireNonNull(e.getKey(), "tag key");
      String value = Objects.requireNonNull(e.getValue(), "tag value");
      if (key.isEmpty() || key.length() > 128 || !CHARACTERS.matcher(key).matches()) {
        throw new IllegalArgumentException("Tag key '" + key + "' must be 1 to 128 letters, digits, spaces or _.:/=+-@");
      }
      if (value.length() > 256 || !CHARACTERS.matcher(value).matches()) {
        throw new IllegalArgumentException("The value of tag '" + key + "' must be 0 to 256 letters, digits, spaces or _.:/=+-@");
      }
      if (key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
        throw new IllegalArgumentException("Tag key '" + key + "': keys beginning with aws: are reserved");
      }
      String other = seen.put(key.toLowerCase(Locale.ROOT), key);
      if (other != null) {
        throw new IllegalArgumentException("Tag keys '" + other + "' and '" + key + "' differ only in case");
      }
    }
    values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /**
   * Parses {@code Key=Value} (the value may be empty and may contain {@code =}), as the command line takes it.
   *
   * @throws IllegalArgumentException without an {@code =}
   */
  public static Map.Entry<String, String> parseAssignment(String text) {
    int eq = text.indexOf('=');
    if (eq < 0) {
      throw new IllegalArgumentException("A tag is Key=Value, not '" + text + "'");
    }
    return Map.entry(text.substring(0, eq), text.substring(eq + 1));
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }
}
