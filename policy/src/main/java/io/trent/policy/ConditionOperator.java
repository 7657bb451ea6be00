package io.trent.policy;

import java.util.HashMap;
import java.util.Map;

/**
 * A condition operator name taken apart: an optional set qualifier ({@code ForAnyValue:} /
 * {@code ForAllValues:}), the base comparison, whether it is the negated form, and an optional
 * {@code IfExists} suffix [D iamdoc:reference_policies_elements_condition_operators]. {@code Null} takes
 * no suffix. {@code ArnEquals} and {@code ArnLike} compare the same way (both accept wildcards)
 * [P cloud-copilot/iam-simulate, iam.cloudcopilot.io/resources/operators/ArnEquals].
 */
record ConditionOperator(Base base, boolean negated, SetQualifier set, boolean ifExists) {

  enum SetQualifier { NONE, FOR_ANY_VALUE, FOR_ALL_VALUES }

  enum Base {
    STRING_EQUALS, STRING_EQUALS_IGNORE_CASE, STRING_LIKE,
    NUMERIC_EQUALS, NUMERIC_LESS_THAN, NUMERIC_LESS_THAN_EQUALS, NUMERIC_GREATER_THAN, NUMERIC_GREATER_THAN_EQUALS,
    DATE_EQUALS, DATE_LESS_THAN, DATE_LESS_THAN_EQUALS, DATE_GREATER_THAN, DATE_GREATER_THAN_EQUALS,
    BOOL, BINARY_EQUALS, IP_ADDRESS, ARN_LIKE, NULL
  }

  private record Named(Base base, boolean negated) {}

  private static final Map<String, Named> NAMES = new HashMap<>();

  static {
    name("StringEquals", Base.STRING_EQUALS, false);
    name("StringNotEquals", Base.STRING_EQUALS, true);
    name("StringEqualsIgnoreCase", Base.STRING_EQUALS_IGNORE_CASE, false);
    name("StringNotEqualsIgnoreCase", Base.STRING_EQUALS_IGNORE_CASE, true);
    name("StringLike", Base.STRING_LIKE, false);
    name("StringNotLike", Base.STRING_LIKE, true);
    name("NumericEquals", Base.NUMERIC_EQUALS, false);
    name("NumericNotEquals", Base.NUMERIC_EQUALS, true);
    name("NumericLessThan", Base.NUMERIC_LESS_THAN, false);
    name("NumericLessThanEquals", Base.NUMERIC_LESS_THAN_EQUALS, false);
    name("NumericGreaterThan", Base.NUMERIC_GREATER_THAN, false);
    name("NumericGreaterThanEquals", Base.NUMERIC_GREATER_THAN_EQUALS, false);
    name("DateEquals", Base.DATE_EQUALS, false);
    name("DateNotEquals", Base.DATE_EQUALS, true);
    name("DateLessThan", Base.DATE_LESS_THAN, false);
    name("DateLessThanEquals", Base.DATE_LESS_THAN_EQUALS, false);
    name("DateGreaterThan", Base.DATE_GREATER_THAN, false);
    name("DateGreaterThanEquals", Base.DATE_GREATER_THAN_EQUALS, false);
    name("Bool", Base.BOOL, false);
    name("BinaryEquals", Base.BINARY_EQUALS, false);
    name("IpAddress", Base.IP_ADDRESS, false);
    name("NotIpAddress", Base.IP_ADDRESS, true);
    name("ArnEquals", Base.ARN_LIKE, false);
    name("ArnLike", Base.ARN_LIKE, false);
    name("ArnNotEquals", Base.ARN_LIKE, true);
    name("ArnNotLike", Base.ARN_LIKE, true);
  }

  private static void name(String name, Base base, boolean negated) {
    NAMES.put(name, new Named(base, negated));
  }

  /** Parses an operator name, or returns null if IAM does not know it. */
  static ConditionOperator parse(String text) {
    SetQualifier set = SetQualifier.NONE;
    String rest = text;
    if (rest.startsWith("ForAnyValue:")) {
      set = SetQualifier.FOR_ANY_VALUE;
      rest = rest.substring("ForAnyValue:".length());
    } else if (rest.startsWith("ForAllValues:")) {
      set = SetQualifier.FOR_ALL_VALUES;
      rest = rest.substring("ForAllValues:".length());
    }
    if (rest.equals("Null")) {
      return new ConditionOperator(Base.NULL, false, set, false);
    }
    boolean ifExists = rest.endsWith("IfExists");
    if (ifExists) {
      rest = rest.substring(0, rest.length() - "IfExists".length());
    }
    Named named = NAMES.get(rest);
    return named == null ? null : new ConditionOperator(named.base(), named.negated(), set, ifExists);
  }
}
