package io.trent.core.validation;

import io.trent.core.error.ValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Collects request-shape violations and reports them as AWS's service framework does: one
 * ValidationException listing every violation, in the order the members were checked.
 *
 * <p>Message templates, e.g. {@code 1 validation error detected: Value '0' at 'numberOfBytes' failed
 * to satisfy constraint: Member must have value greater than or equal to 1}; several violations are
 * joined with "; " after "N validation errors detected: ". Member names are camelCase.
 */
public final class ShapeValidator {
  private static final Pattern MARKER = Pattern.compile("[\\u0020-\\u00FF]*");
  private final List<String> violations = new ArrayList<>(2);

  public static ShapeValidator create() {
    return new ShapeValidator();
  }

  public ShapeValidator required(String member, Object value) {
    if (value == null) {
      violations.add("Value null at '" + member + "' failed to satisfy constraint: Member must not be null");
    }
    return this;
  }

  /** A key identifier: 1..2048 ASCII characters. */
  public ShapeValidator keyId(String member, String value, boolean required) {
    if (value == null) {
      return required ? required(member, null) : this;
    }
    length(member, value, 1, 2048);
    if (!isAscii(value)) {
      violation(value, member, "Member must satisfy regular expression pattern: ^\\p{ASCII}+$");
    }
    return this;
  }

  // Every request names a key: a loop, not a regex, since this runs on the hot path.
  private static boolean isAscii(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) > 0x7F) {
        return false;
      }
    }
    return !value.isEmpty();
  }

  public ShapeValidator length(String member, String value, int min, int max) {
    if (value != null) {
      int n = value.codePointCount(0, value.length());
      if (n < min) {
        violation(value, member, "Member must have length greater than or equal to " + min);
      } else if (n > max) {
        violation(value, member, "Member must have length less than or equal to " + max);
      }
    }
    return this;
  }

  /** A paging marker, as the KMS model's MarkerType: 1..1024 characters in U+0020..U+00FF. */
  public ShapeValidator marker(String member, String value) {
    return length(member, value, 1, 1024).pattern(member, value, MARKER);
  }

  public ShapeValidator pattern(String member, String value, Pattern pattern) {
    if (value != null && !pattern.matcher(value).matches()) {
      violation(value, member, "Member must satisfy regular expression pattern: " + pattern.pattern());
    }
    return this;
  }

  /** A sensitive blob (Plaintext): AWS omits the value from the message. */
  public ShapeValidator sensitiveBlob(String member, byte[] value, int min, int max, boolean required) {
    if (value == null) {
      if (required) {
        violations.add("Value at '" + member + "' failed to satisfy constraint: Member must not be null");
      }
    } else if (value.length < min) {
      violations.add("Value at '" + member + "' failed to satisfy constraint: Member must have length greater than or equal to " + min);
    } else if (value.length > max) {
      violations.add("Value at '" + member + "' failed to satisfy constraint: Member must have length less than or equal to " + max);
    }
    return this;
  }

  /**
   * A blob that may be absent: its value is never printed (real AWS output reads "Value at
   * 'ciphertextBlob' failed to satisfy constraint: ..."), but an absent required one is "Value null".
   */
  public ShapeValidator blob(String member, byte[] value, int min, int max, boolean required) {
    if (value == null) {
      return required ? required(member, null) : this;
    }
    return sensitiveBlob(member, value, min, max, false);
  }

  public ShapeValidator range(String member, Integer value, int min, int max) {
    if (value != null) {
      if (value < min) {
        violation(String.valueOf(value), member, "Member must have value greater than or equal to " + min);
      } else if (value > max) {
        violation(String.valueOf(value), member, "Member must have value less than or equal to " + max);
      }
    }
    return this;
  }

  /** An enum member; {@code awsSet} is the value set as AWS prints it, e.g. "[AES_256, AES_128]". */
  public <E extends Enum<E>> ShapeValidator enumValue(String member, String value, Class<E> type, String awsSet) {
    if (value != null && !isMember(value, type)) {
      violation(value, member, "Member must satisfy enum value set: " + awsSet);
    }
    return this;
  }

  /** A list of strings: list length, then each element's length (1-based member index). */
  public ShapeValidator stringList(String member, List<String> values, int maxItems, int minLength, int maxLength) {
    if (values == null) {
      return this;
    }
    if (values.size() > maxItems) {
      violation(values.toString(), member, "Member must have length less than or equal to " + maxItems);
    }
    for (int i = 0; i < values.size(); i++) {
      String path = member + "." + (i + 1) + ".member";
      String v = values.get(i);
      if (v == null) {
        required(path, null);
      } else {
        length(path, v, minLength, maxLength);
      }
    }
    return this;
  }

  /** Encryption context keys and values: AWS's model sets no limits; nulls are rejected. */
  public ShapeValidator stringMap(String member, Map<String, String> values) {
    if (values != null) {
      values.forEach((k, v) -> {
        if (v == null) {
          violations.add("Value null at '" + member + "' failed to satisfy constraint: Map value must not be null");
        }
      });
    }
    return this;
  }

  /** Adds a violation computed by the caller, in the same template. */
  public ShapeValidator violation(String value, String member, String constraint) {
    violations.add("Value '" + value + "' at '" + member + "' failed to satisfy constraint: " + constraint);
    return this;
  }

  public boolean isValid() {
    return violations.isEmpty();
  }

  /** Throws the ValidationException when anything was violated. */
  public void validate() {
    if (violations.isEmpty()) {
      return;
    }
    String head = violations.size() == 1
        ? "1 validation error detected: "
        : violations.size() + " validation errors detected: ";
    throw new ValidationException(head + String.join("; ", violations));
  }

  public static <E extends Enum<E>> boolean isMember(String value, Class<E> type) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(value)) {
        return true;
      }
    }
    return false;
  }
}
