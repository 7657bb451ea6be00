package io.trent.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A string from a policy that may contain policy variables: {@code ${aws:username}}, with an optional
 * default ({@code ${aws:PrincipalTag/team, 'none'}}), and the escapes {@code ${*}}, {@code ${?}},
 * {@code ${$}} [D iamdoc:reference_policies_variables]. Only single-valued keys substitute; a variable
 * whose key is absent and has no default makes the value match nothing. Values without {@code ${} are
 * constants and cost nothing per request.
 */
final class PolicyValue {
  private final String text;
  private final List<Object> parts; // String literal or Variable; null for a constant

  private record Variable(String lowerKey, String defaultValue) {}

  private PolicyValue(String text, List<Object> parts) {
    this.text = text;
    this.parts = parts;
  }

  static PolicyValue of(String text) {
    if (!text.contains("${")) {
      return new PolicyValue(text, null);
    }
    List<Object> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      int start = text.indexOf("${", i);
      int end = start < 0 ? -1 : text.indexOf('}', start);
      if (start < 0 || end < 0) {
        literal.append(text, i, text.length());
        break;
      }
      literal.append(text, i, start);
      String inner = text.substring(start + 2, end).trim();
      if (inner.equals("*") || inner.equals("?") || inner.equals("$")) {
        literal.append(inner);
      } else {
        String key = inner;
        String defaultValue = null;
        int comma = inner.indexOf(',');
        if (comma >= 0) {
          key = inner.substring(0, comma).trim();
          String d = inner.substring(comma + 1).trim();
          defaultValue = d.length() >= 2 && d.startsWith("'") && d.endsWith("'") ? d.substring(1, d.length() - 1) : d;
        }
        if (!literal.isEmpty()) {
          parts.add(literal.toString());
          literal.setLength(0);
        }
        parts.add(new Variable(key.toLowerCase(Locale.ROOT), defaultValue));
      }
      i = end + 1;
    }
    if (!literal.isEmpty()) {
      parts.add(literal.toString());
    }
    return new PolicyValue(text, parts);
  }

  boolean isConstant() {
    return parts == null;
  }

  /** The constant text (only for constants). */
  String text() {
    return text;
  }

  /** The value with variables substituted, or null if a variable cannot be resolved. */
  String resolve(RequestContext ctx) {
    if (parts == null) {
      return text;
    }
    StringBuilder out = new StringBuilder();
    for (Object part : parts) {
      if (part instanceof Variable v) {
        ContextValue value = ctx.value(v.lowerKey());
        if (value != null && !value.multiValued()) {
          out.append(value.values().get(0));
        } else if (v.defaultValue() != null) {
          out.append(v.defaultValue());
        } else {
          return null;
        }
      } else {
        out.append((String) part);
      }
    }
    return out.toString();
  }
}
