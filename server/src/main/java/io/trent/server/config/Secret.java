package io.trent.server.config;

import java.util.Arrays;

/**
 * A PIN or password. Kept as characters so the holder can wipe its copy, and rendered as
 * {@code ****} so it never reaches a log line through a record's {@code toString}.
 */
public final class Secret {
  private final char[] value;

  private Secret(char[] value) {
    this.value = value;
  }

  /** A secret holding a copy of {@code value}. */
  public static Secret of(char[] value) {
    if (value.length == 0) {
      throw new ConfigException("A PIN or password must not be empty");
    }
    return new Secret(value.clone());
  }

  public static Secret of(String value) {
    return of(value.toCharArray());
  }

  /** A fresh copy the caller owns (and may wipe). */
  public char[] chars() {
    return value.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret other && Arrays.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "****";
  }
}
