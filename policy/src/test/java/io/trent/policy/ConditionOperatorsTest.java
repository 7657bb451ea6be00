package io.trent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each condition operator, positive and negative, against the IAM documentation. Rule sources:
 * OPS = iamdoc:reference_policies_elements_condition_operators; MULTI = iamdoc:reference_policies_condition-logic-multiple-context-keys-or-values;
 * SETS = iamdoc:reference_policies_condition-single-vs-multi-valued-context-keys; KMS = kdg:conditions-kms.md;
 * VARS = iamdoc:reference_policies_variables; SIM = cloud-copilot/iam-simulate (behaviour checked against AWS).
 */
class ConditionOperatorsTest {
  private static final String ALICE = "arn:aws:iam::111122223333:user/Alice";

  /** A request context from a compact description: String = single value, List = multi-valued key. */
  static RequestContext ctx(Map<String, Object> keys) {
    RequestContext.Builder b = RequestContext.builder().principal(ALICE, "111122223333").action("kms:Encrypt")
        .resource("arn:aws:kms:us-east-1:111122223333:key/k", "111122223333");
    keys.forEach((k, v) -> {
      if (v instanceof List<?> l) {
        b.keys(k, l.stream().map(String::valueOf).toList());
      } else if (k.equals("EC")) {
        @SuppressWarnings("unchecked")
        Map<String, String> ec = (Map<String, String>) v;
        b.encryptionContext(ec);
      } else {
        b.key(k, (String) v);
      }
    });
    return b.build();
  }

  static Map<String, Object> with(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static Arguments c(String rule, String operator, String key, List<String> values, Map<String, Object> request, boolean expected) {
    return Arguments.of(rule, operator, key, values, request, expected);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // String
        c("OPS StringEquals exact, case-sensitive", "StringEquals", "kms:ViaService", List.of("ec2.us-east-1.amazonaws.com"),
            with("kms:ViaService", "ec2.us-east-1.amazonaws.com"), true),
        c("OPS StringEquals is case-sensitive", "StringEquals", "kms:ViaService", List.of("EC2.us-east-1.amazonaws.com"),
            with("kms:ViaService", "ec2.us-east-1.amazonaws.com"), false),
        c("MULTI values of one key are OR-ed", "StringEquals", "kms:KeySpec", List.of("RSA_2048", "SYMMETRIC_DEFAULT"),
            with("kms:KeySpec", "SYMMETRIC_DEFAULT"), true),
        c("OPS key absent: positive operator is false", "StringEquals", "kms:ViaService", List.of("x"), with(), false),
        c("OPS StringNotEquals: value not listed", "StringNotEquals", "kms:KeyUsage", List.of("SIGN_VERIFY"),
            with("kms:KeyUsage", "ENCRYPT_DECRYPT"), true),
        c("MULTI negated operator is the NOR of its values", "StringNotEquals", "kms:KeyUsage", List.of("SIGN_VERIFY", "ENCRYPT_DECRYPT"),
            with("kms:KeyUsage", "ENCRYPT_DECRYPT"), false),
        c("OPS key absent: negated operator is true", "StringNotEquals", "kms:ViaService", List.of("x"), with(), true),
        c("OPS StringEqualsIgnoreCase ignores case", "StringEqualsIgnoreCase", "kms:KeyOrigin", List.of("aws_kms"),
            with("kms:KeyOrigin", "AWS_KMS"), true),
        c("OPS StringNotEqualsIgnoreCase ignores case", "StringNotEqualsIgnoreCase", "kms:KeyOrigin", List.of("aws_kms"),
            with("kms:KeyOrigin", "AWS_KMS"), false),
        c("OPS StringLike * wildcard", "StringLike", "kms:RequestAlias", List.of("alias/app-*"), with("kms:RequestAlias", "alias/app-prod"), true),
        c("OPS StringLike ? is exactly one character", "StringLike", "kms:RequestAlias", List.of("alias/app-?"),
            with("kms:RequestAlias", "alias/app-12"), false),
        c("OPS StringLike is case-sensitive", "StringLike", "kms:RequestAlias", List.of("alias/APP*"), with("kms:RequestAlias", "alias/app"), false),
        c("OPS StringNotLike", "StringNotLike", "kms:RequestAlias", List.of("alias/test*"), with("kms:RequestAlias", "alias/prod"), true),
        c("OPS StringNotLike, matching value", "StringNotLike", "kms:RequestAlias", List.of("alias/test*"), with("kms:RequestAlias", "alias/test1"), false),
        c("KMS condition key names are case-insensitive", "StringEquals", "KMS:ENCRYPTIONCONTEXT:department", List.of("IT"),
            with("EC", Map.of("Department", "IT")), true),
        c("KMS EncryptionContext value case follows the operator", "StringEquals", "kms:EncryptionContext:Department", List.of("it"),
            with("EC", Map.of("Department", "IT")), false),
        c("OPS aws:PrincipalTag/*", "StringEquals", "aws:PrincipalTag/team", List.of("crypto"), with("aws:PrincipalTag/team", "crypto"), true),
        // Numeric
        c("OPS NumericEquals", "NumericEquals", "x:n", List.of("10"), with("x:n", "10.0"), true),
        c("OPS NumericNotEquals", "NumericNotEquals", "x:n", List.of("10"), with("x:n", "11"), true),
        c("OPS NumericLessThan", "NumericLessThan", "x:n", List.of("10"), with("x:n", "9"), true),
        c("OPS NumericLessThan, equal is not less", "NumericLessThan", "x:n", List.of("10"), with("x:n", "10"), false),
        c("OPS NumericLessThanEquals", "NumericLessThanEquals", "x:n", List.of("10"), with("x:n", "10"), true),
        c("OPS NumericGreaterThan", "NumericGreaterThan", "x:n", List.of("10"), with("x:n", "10"), false),
        c("OPS NumericGreaterThanEquals", "NumericGreaterThanEquals", "x:n", List.of("10"), with("x:n", "10"), true),
        c("SIM a request value that is not a number never matches", "NumericGreaterThan", "x:n", List.of("1"), with("x:n", "many"), false),
        // Date
        c("OPS DateLessThan ISO 8601", "DateLessThan", "aws:CurrentTime", List.of("2030-01-01T00:00:00Z"),
            with("aws:CurrentTime", "2026-12-03T17:00:00Z"), true),
        c("OPS DateGreaterThan ISO 8601 vs epoch seconds", "DateGreaterThan", "aws:CurrentTime", List.of("2026-12-01T00:00:00Z"),
            with("aws:CurrentTime", "1796400000"), true),
        c("OPS DateEquals with an offset", "DateEquals", "aws:CurrentTime", List.of("2026-01-01T01:00:00+01:00"),
            with("aws:CurrentTime", "2026-01-01T00:00:00Z"), true),
        c("OPS DateNotEquals", "DateNotEquals", "aws:CurrentTime", List.of("2026-01-01"), with("aws:CurrentTime", "2026-01-01T00:00:00Z"), false),
        c("OPS DateLessThanEquals", "DateLessThanEquals", "aws:EpochTime", List.of("1700000000"), with("aws:EpochTime", "1700000000"), true),
        c("OPS DateGreaterThanEquals", "DateGreaterThanEquals", "aws:EpochTime", List.of("1700000001"), with("aws:EpochTime", "1700000000"), false),
        c("OPS NumericGreaterThan on aws:EpochTime", "NumericGreaterThan", "aws:EpochTime", List.of("1700000000"),
            with("aws:EpochTime", "1796400000"), true),
        c("OPS DateLessThanIfExists, key absent", "DateLessThanIfExists", "aws:CurrentTime", List.of("2020-01-01T00:00:00Z"), with(), true),
        // Bool
        c("OPS Bool true", "Bool", "kms:GrantIsForAWSResource", List.of("true"), with("kms:GrantIsForAWSResource", "true"), true),
        c("OPS Bool is case-insensitive", "Bool", "kms:GrantIsForAWSResource", List.of("TRUE"), with("kms:GrantIsForAWSResource", "true"), true),
        c("OPS Bool false vs true", "Bool", "kms:GrantIsForAWSResource", List.of("false"), with("kms:GrantIsForAWSResource", "true"), false),
        c("OPS Bool aws:SecureTransport false vs a TLS request", "Bool", "aws:SecureTransport", List.of("false"),
            with("aws:SecureTransport", "true"), false),
        c("OPS BoolIfExists, key absent", "BoolIfExists", "aws:SecureTransport", List.of("true"), with(), true),
        c("OPS Bool, key absent", "Bool", "kms:GrantIsForAWSResource", List.of("false"), with(), false),
        // Binary
        c("OPS BinaryEquals compares base64", "BinaryEquals", "x:b", List.of("QmluYXJ5VmFsdWU="), with("x:b", "QmluYXJ5VmFsdWU="), true),
        // IP
        c("OPS IpAddress IPv4 CIDR", "IpAddress", "aws:SourceIp", List.of("203.0.113.0/24"), with("aws:SourceIp", "203.0.113.7"), true),
        c("OPS IpAddress outside the block", "IpAddress", "aws:SourceIp", List.of("203.0.113.0/24"), with("aws:SourceIp", "203.0.114.7"), false),
        c("OPS IpAddress single address", "IpAddress", "aws:SourceIp", List.of("10.1.2.3"), with("aws:SourceIp", "10.1.2.3"), true),
        c("OPS IpAddress odd prefix", "IpAddress", "aws:SourceIp", List.of("10.0.0.0/12"), with("aws:SourceIp", "10.15.255.255"), true),
        c("OPS IpAddress odd prefix, outside", "IpAddress", "aws:SourceIp", List.of("10.0.0.0/12"), with("aws:SourceIp", "10.16.0.0"), false),
        c("OPS IpAddress IPv6 CIDR", "IpAddress", "aws:SourceIp", List.of("2001:db8:1234::/48"), with("aws:SourceIp", "2001:db8:1234:ff::1"), true),
        c("OPS IpAddress IPv6 outside", "IpAddress", "aws:SourceIp", List.of("2001:db8:1234::/48"), with("aws:SourceIp", "2001:db8:1235::1"), false),
        c("SIM IPv4 request vs IPv6 block never matches", "IpAddress", "aws:SourceIp", List.of("2001:db8::/32"), with("aws:SourceIp", "10.0.0.1"), false),
        c("OPS NotIpAddress outside the block", "NotIpAddress", "aws:SourceIp", List.of("203.0.113.0/24", "2001:db8::/32"),
            with("aws:SourceIp", "198.51.100.1"), true),
        c("OPS NotIpAddress inside the block", "NotIpAddress", "aws:SourceIp", List.of("203.0.113.0/24"), with("aws:SourceIp", "203.0.113.1"), false),
        c("SIM a host name is not an IP address (never resolved)", "IpAddress", "aws:SourceIp", List.of("0.0.0.0/0"), with("aws:SourceIp", "localhost"), false),
        // ARN
        c("OPS ArnLike per-segment wildcards", "ArnLike", "aws:PrincipalArn", List.of("arn:aws:iam::*:role/app-*"),
            with("aws:PrincipalArn", "arn:aws:iam::444455556666:role/app-reader"), true),
        c("OPS ArnLike wildcards do not span segments", "ArnLike", "aws:PrincipalArn", List.of("arn:aws:iam::*"),
            with("aws:PrincipalArn", "arn:aws:iam::444455556666:role/app-reader"), false),
        c("OPS ArnEquals behaves as ArnLike", "ArnEquals", "aws:PrincipalArn", List.of("arn:aws:iam::444455556666:role/*"),
            with("aws:PrincipalArn", "arn:aws:iam::444455556666:role/x"), true),
        c("OPS ArnLike is case-sensitive", "ArnLike", "aws:PrincipalArn", List.of("arn:aws:iam::444455556666:role/X"),
            with("aws:PrincipalArn", "arn:aws:iam::444455556666:role/x"), false),
        c("OPS ArnNotLike", "ArnNotLike", "aws:PrincipalArn", List.of("arn:aws:iam::*:role/admin"),
            with("aws:PrincipalArn", "arn:aws:iam::444455556666:role/x"), true),
        c("OPS ArnNotEquals, matching", "ArnNotEquals", "aws:PrincipalArn", List.of("arn:aws:iam::444455556666:role/x"),
            with("aws:PrincipalArn", "arn:aws:iam::444455556666:role/x"), false),
        c("OPS NotIpAddress IPv6 outside the block", "NotIpAddress", "aws:SourceIp", List.of("2001:db8::/32"),
            with("aws:SourceIp", "2001:db9::1"), true),
        c("OPS NotIpAddress IPv6 inside the block", "NotIpAddress", "aws:SourceIp", List.of("2001:DB8::/32"),
            with("aws:SourceIp", "2001:db8:0:0:0:0:0:1"), false),
        c("OPS NotIpAddress, key absent, is true", "NotIpAddress", "aws:SourceIp", List.of("10.0.0.0/8"), with(), true),
        // Null
        c("OPS Null false: key absent", "Null", "aws:PrincipalTag/team", List.of("false"), with(), false),
        c("OPS Null true on a single-valued key that is set", "Null", "kms:ViaService", List.of("true"),
            with("kms:ViaService", "s3.us-east-1.amazonaws.com"), false),
        c("OPS Null true: key absent", "Null", "kms:EncryptionContextKeys", List.of("true"), with(), true),
        c("OPS Null true: key present", "Null", "kms:EncryptionContextKeys", List.of("true"), with("EC", Map.of("a", "b")), false),
        c("OPS Null false: key present", "Null", "kms:EncryptionContextKeys", List.of("false"), with("EC", Map.of("a", "b")), true),
        // IfExists
        c("OPS IfExists with the key missing is true", "StringEqualsIfExists", "kms:ViaService", List.of("ec2.us-east-1.amazonaws.com"), with(), true),
        c("OPS IfExists with the key present checks it", "StringEqualsIfExists", "kms:ViaService", List.of("ec2.us-east-1.amazonaws.com"),
            with("kms:ViaService", "rds.us-east-1.amazonaws.com"), false),
        c("OPS IfExists on NumericLessThan, key missing", "NumericLessThanIfExists", "x:n", List.of("3"), with(), true),
        // Sets
        c("KMS ForAnyValue: one request value listed", "ForAnyValue:StringEquals", "kms:EncryptionContextKeys", List.of("AppName"),
            with("EC", Map.of("AppName", "x", "Other", "y")), true),
        c("KMS ForAnyValue fails when there is no encryption context (gotcha)", "ForAnyValue:StringEquals", "kms:EncryptionContextKeys",
            List.of("AppName"), with(), false),
        c("KMS ForAllValues: every request value listed", "ForAllValues:StringEquals", "kms:EncryptionContextKeys", List.of("AppName", "Stage"),
            with("EC", Map.of("AppName", "x")), true),
        c("KMS ForAllValues: an unlisted key fails", "ForAllValues:StringEquals", "kms:EncryptionContextKeys", List.of("AppName"),
            with("EC", Map.of("AppName", "x", "Other", "y")), false),
        c("SETS/KMS ForAllValues passes when there is no encryption context (gotcha)", "ForAllValues:StringEquals", "kms:EncryptionContextKeys",
            List.of("AppName"), with(), true),
        c("SETS ForAllValues over an empty set is true", "ForAllValues:StringEquals", "kms:GrantOperations", List.of("Decrypt"),
            with("kms:GrantOperations", List.of()), true),
        c("SETS ForAnyValue over an empty set is false", "ForAnyValue:StringEquals", "kms:GrantOperations", List.of("Decrypt"),
            with("kms:GrantOperations", List.of()), false),
        c("KMS ForAllValues on GrantOperations limits operations", "ForAllValues:StringEquals", "kms:GrantOperations", List.of("Encrypt", "Decrypt"),
            with("kms:GrantOperations", List.of("Decrypt", "ReEncryptFrom")), false),
        c("SETS ForAllValues:StringNotLike: every value outside the pattern", "ForAllValues:StringNotLike", "kms:ResourceAliases",
            List.of("alias/test*"), with("kms:ResourceAliases", List.of("alias/prod", "alias/app")), true),
        c("SETS ForAnyValue:StringNotEquals: some value not listed", "ForAnyValue:StringNotEquals", "kms:ResourceAliases",
            List.of("alias/prod"), with("kms:ResourceAliases", List.of("alias/prod", "alias/app")), true),
        c("SETS ForAnyValue:StringLike on aliases", "ForAnyValue:StringLike", "kms:ResourceAliases", List.of("alias/*Test*"),
            with("kms:ResourceAliases", List.of("alias/prod", "alias/myTestKey")), true),
        c("SIM a single-valued key is a set of one under ForAnyValue", "ForAnyValue:StringEquals", "kms:ViaService", List.of("s3.us-east-1.amazonaws.com"),
            with("kms:ViaService", "s3.us-east-1.amazonaws.com"), true),
        c("SETS ForAllValues with a negated operator passes a missing key", "ForAllValues:StringNotEquals", "kms:ResourceAliases",
            List.of("alias/x"), with(), true),
        c("SETS ForAnyValue with a negated operator fails a missing key", "ForAnyValue:StringNotEquals", "kms:ResourceAliases",
            List.of("alias/x"), with(), false),
        c("SETS ForAllValues:StringNotEquals: one listed value fails", "ForAllValues:StringNotEquals", "kms:ResourceAliases",
            List.of("alias/x"), with("kms:ResourceAliases", List.of("alias/x", "alias/y")), false),
        c("SIM IfExists does not rescue ForAnyValue on a missing key", "ForAnyValue:StringEqualsIfExists", "kms:ResourceAliases",
            List.of("alias/x"), with(), false),
        c("SETS/SIM a plain operator on a multi-valued key does not match", "StringEquals", "kms:EncryptionContextKeys", List.of("AppName"),
            with("EC", Map.of("AppName", "x")), false),
        // Policy variables
        c("VARS ${aws:PrincipalTag/team} substituted", "StringEquals", "kms:EncryptionContext:team", List.of("${aws:PrincipalTag/team}"),
            with("aws:PrincipalTag/team", "blue", "EC", Map.of("team", "blue")), true),
        c("VARS variable in a Like pattern", "StringLike", "kms:RequestAlias", List.of("alias/${aws:username}-*"),
            with("aws:username", "alice", "kms:RequestAlias", "alias/alice-data"), true),
        c("VARS a missing variable without default never matches", "StringEquals", "kms:EncryptionContext:team", List.of("${aws:PrincipalTag/team}"),
            with("EC", Map.of("team", "blue")), false),
        c("VARS a missing variable takes its default", "StringEquals", "kms:EncryptionContext:team", List.of("${aws:PrincipalTag/team, 'blue'}"),
            with("EC", Map.of("team", "blue")), true));
  }

  @Test
  void aLazyKeyIsComputedOnlyWhenAConditionAsksAndThenOnce() {
    AtomicInteger lookups = new AtomicInteger();
    RequestContext ctx = RequestContext.builder().principal(ALICE, "111122223333").action("kms:Encrypt")
        .lazyKeys("kms:ResourceAliases", () -> {
          lookups.incrementAndGet();
          return List.of("alias/prod", "alias/app");
        }).build();
    CompiledCondition other = new CompiledCondition(new ConditionClause("StringEquals", "aws:PrincipalArn", List.of(ALICE)));
    CompiledCondition aliases = new CompiledCondition(
        new ConditionClause("ForAnyValue:StringEquals", "KMS:ResourceAliases", List.of("alias/app")));

    assertThat(other.holds(ctx)).isTrue();
    assertThat(lookups).as("no condition asked for the aliases").hasValue(0);
    assertThat(aliases.holds(ctx)).isTrue();
    assertThat(aliases.holds(ctx)).isTrue();
    assertThat(lookups).as("computed once per request").hasValue(1);
  }

  @Test
  void aLazyKeyWithNoValueIsAbsent() {
    RequestContext ctx = RequestContext.builder().principal(ALICE, "111122223333").action("kms:Encrypt")
        .lazyKey("aws:CurrentTime", () -> null).build();
    assertThat(new CompiledCondition(new ConditionClause("Null", "aws:CurrentTime", List.of("true"))).holds(ctx)).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void conditionHoldsAsDocumented(String rule, String operator, String key, List<String> values, Map<String, Object> request, boolean expected) {
    CompiledCondition condition = new CompiledCondition(new ConditionClause(operator, key, values));
    assertThat(condition.holds(ctx(request))).as(rule).isEqualTo(expected);
  }
}
