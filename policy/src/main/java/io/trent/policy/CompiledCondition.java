package io.trent.policy;

import io.trent.policy.ConditionOperator.Base;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * One condition key under one operator, compiled once per policy. Semantics
 * [D iamdoc:reference_policies_elements_condition_operators, reference_policies_condition-logic-multiple-context-keys-or-values,
 * reference_policies_condition-single-vs-multi-valued-context-keys]:
 * <ul>
 *   <li>several values for the key are OR-ed; a negated operator (StringNotEquals, NotIpAddress, ...) is
 *       their NOR;</li>
 *   <li>key absent: false, except negated operators and {@code ...IfExists} (true), {@code Null} (tests
 *       exactly that), {@code ForAllValues} (true) and {@code ForAnyValue} (false); {@code IfExists} does
 *       not change a set operator [P cloud-copilot/iam-simulate condition.ts];</li>
 *   <li>{@code ForAllValues}: every request value must satisfy the operator; {@code ForAnyValue}: one must.
 *       A single-valued key is a set of one;</li>
 *   <li>a plain operator on a multi-valued key does not match.</li>
 * </ul>
 * Case: StringEquals/Like and Arn* are case-sensitive, *IgnoreCase and Bool are not.
 */
final class CompiledCondition {
  private interface ValueTest {
    boolean test(String requestValue, RequestContext ctx);
  }

  private final ConditionOperator op;
  private final String lowerKey;
  private final List<String> rawValues;
  private final ValueTest[] tests;

  CompiledCondition(ConditionClause clause) {
    this.op = ConditionOperator.parse(clause.operator());
    if (op == null) {
      throw new IllegalArgumentException("unknown condition operator " + clause.operator());
    }
    this.lowerKey = clause.key().toLowerCase(Locale.ROOT);
    this.rawValues = clause.values();
    this.tests = new ValueTest[op.base() == Base.NULL ? 0 : rawValues.size()];
    for (int i = 0; i < tests.length; i++) {
      tests[i] = compile(op.base(), rawValues.get(i));
    }
  }

  boolean holds(RequestContext ctx) {
    ContextValue v = ctx.value(lowerKey);
    if (op.base() == Base.NULL) {
      boolean absent = v == null;
      for (String want : rawValues) {
        if (want.equalsIgnoreCase("true") ? absent : want.equalsIgnoreCase("false") && !absent) {
          return true;
        }
      }
      return false;
    }
    switch (op.set()) {
      case FOR_ALL_VALUES -> {
        if (v == null) {
          return true;
        }
        for (String rv : v.values()) {
          if (!matchOne(rv, ctx)) {
            return false;
          }
        }
        return true;
      }
      case FOR_ANY_VALUE -> {
        if (v == null) {
          return false;
        }
        for (String rv : v.values()) {
          if (matchOne(rv, ctx)) {
            return true;
          }
        }
        return false;
      }
      default -> {
        if (v == null) {
          return op.ifExists() || op.negated();
        }
        if (v.multiValued()) {
          return false;
        }
        return matchOne(v.values().get(0), ctx);
      }
    }
  }

  private boolean matchOne(String requestValue, RequestContext ctx) {
    boolean any = false;
    for (ValueTest t : tests) {
      if (t.test(requestValue, ctx)) {
        any = true;
        break;
      }
    }
    return op.negated() != any;
  }

  private static ValueTest compile(Base base, String raw) {
    switch (base) {
      case STRING_EQUALS -> {
        PolicyValue pv = PolicyValue.of(raw);
        return pv.isConstant() ? (rv, ctx) -> raw.equals(rv) : (rv, ctx) -> rv.equals(pv.resolve(ctx));
      }
      case STRING_EQUALS_IGNORE_CASE -> {
        PolicyValue pv = PolicyValue.of(raw);
        return pv.isConstant() ? (rv, ctx) -> raw.equalsIgnoreCase(rv) : (rv, ctx) -> rv.equalsIgnoreCase(pv.resolve(ctx));
      }
      case STRING_LIKE -> {
        PolicyValue pv = PolicyValue.of(raw);
        if (pv.isConstant()) {
          WildcardPattern p = new WildcardPattern(raw, false);
          return (rv, ctx) -> p.matches(rv);
        }
        return (rv, ctx) -> {
          String resolved = pv.resolve(ctx);
          return resolved != null && new WildcardPattern(resolved, false).matches(rv);
        };
      }
      case ARN_LIKE -> {
        PolicyValue pv = PolicyValue.of(raw);
        if (pv.isConstant()) {
          ArnPattern p = ArnPattern.compile(raw, false);
          return (rv, ctx) -> p.matches(rv);
        }
        return (rv, ctx) -> {
          String resolved = pv.resolve(ctx);
          return resolved != null && ArnPattern.compile(resolved, false).matches(rv);
        };
      }
      case NUMERIC_EQUALS, NUMERIC_LESS_THAN, NUMERIC_LESS_THAN_EQUALS, NUMERIC_GREATER_THAN, NUMERIC_GREATER_THAN_EQUALS -> {
        BigDecimal policy = number(raw);
        if (policy == null) {
          return (rv, ctx) -> false;
        }
        return (rv, ctx) -> {
          BigDecimal r = number(rv);
          return r != null && compares(base, r.compareTo(policy));
        };
      }
      case DATE_EQUALS, DATE_LESS_THAN, DATE_LESS_THAN_EQUALS, DATE_GREATER_THAN, DATE_GREATER_THAN_EQUALS -> {
        Long policy = epochMillis(raw);
        if (policy == null) {
          return (rv, ctx) -> false;
        }
        return (rv, ctx) -> {
          Long r = epochMillis(rv);
          return r != null && compares(base, Long.compare(r, policy));
        };
      }
      case BOOL -> {
        if (!raw.equalsIgnoreCase("true") && !raw.equalsIgnoreCase("false")) {
          return (rv, ctx) -> false;
        }
        return (rv, ctx) -> raw.equalsIgnoreCase(rv);
      }
      case BINARY_EQUALS -> {
        return (rv, ctx) -> raw.equals(rv);
      }
      case IP_ADDRESS -> {
        IpRange range = IpRange.parse(raw);
        return range == null ? (rv, ctx) -> false : (rv, ctx) -> range.contains(rv);
      }
      default -> throw new IllegalStateException("no value test for " + base);
    }
  }

  /** Whether the request value relates to the policy value as the operator asks ({@code cmp} = request vs policy). */
  private static boolean compares(Base base, int cmp) {
    return switch (base) {
      case NUMERIC_EQUALS, DATE_EQUALS -> cmp == 0;
      case NUMERIC_LESS_THAN, DATE_LESS_THAN -> cmp < 0;
      case NUMERIC_LESS_THAN_EQUALS, DATE_LESS_THAN_EQUALS -> cmp <= 0;
      case NUMERIC_GREATER_THAN, DATE_GREATER_THAN -> cmp > 0;
      case NUMERIC_GREATER_THAN_EQUALS, DATE_GREATER_THAN_EQUALS -> cmp >= 0;
      default -> false;
    };
  }

  private static BigDecimal number(String s) {
    try {
      return new BigDecimal(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Date values are W3C ISO 8601 dates or epoch (UNIX) seconds
   * [D iamdoc:reference_policies_elements_condition_operators#Conditions_Date]; a value without an offset is UTC.
   */
  static Long epochMillis(String s) {
    String v = s.trim();
    if (!v.isEmpty() && v.chars().allMatch(Character::isDigit) && v.length() <= 18) {
      return Long.parseLong(v) * 1000;
    }
    try {
      return OffsetDateTime.parse(v).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      // try the zone-less forms
    }
    try {
      return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException e) {
      // try a date alone
    }
    try {
      return LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
