package io.trent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The glob, ARN and CIDR matchers the evaluator is built on (iamdoc: Action, Resource, condition operators). */
class MatchingPrimitivesTest {
  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource({
      "'*', '', true",
      "'kms:*', 'kms:Encrypt', true",
      "'kms:*Key*', 'kms:GenerateDataKeyPair', true",
      "'a*b*c', 'aXbYbZc', true",
      "'a*b*c', 'aXbYbZ', false",
      "'a?c', 'abc', true",
      "'a?c', 'ac', false",
      "'*?', '', false",
      "'ab', 'abc', false",
      "'**x', 'yyx', true"})
  void globs(String pattern, String value, boolean expected) {
    assertThat(new WildcardPattern(pattern, false).matches(value)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource({
      "'arn:aws:kms:*:111122223333:key/*', 'arn:aws:kms:eu-west-1:111122223333:key/k', true",
      "'arn:aws:kms:*', 'arn:aws:kms:eu-west-1:111122223333:key/k', true",
      "'arn:aws:kms:us-*:*:alias/*', 'arn:aws:kms:us-east-1:111122223333:key/k', false",
      "'arn:aws:kms:*:111122223333:*', 'arn:aws:kms:eu-west-1:444455556666:key/k', false",
      "'arn:aws:s3:::bucket/a:b*', 'arn:aws:s3:::bucket/a:bc', true",
      "'arn:aws:kms:us-east-1:111122223333:key/K', 'arn:aws:kms:us-east-1:111122223333:key/k', false"})
  void resourceArns(String pattern, String arn, boolean expected) {
    assertThat(ArnPattern.compile(pattern, true).matches(arn)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} contains {1} = {2}")
  @CsvSource({
      "'0.0.0.0/0', '198.51.100.7', true",
      "'198.51.100.0/31', '198.51.100.1', true",
      "'198.51.100.0/31', '198.51.100.2', false",
      "'::/0', '2001:db8::1', true",
      "'2001:db8::/127', '2001:db8::1', true",
      "'2001:db8::/127', '2001:db8::2', false",
      "'198.51.100.0/24', '198.51.100', false",
      "'198.51.100.0/24', '198.51.100.256', false",
      "'198.51.100.0/24', '198.51.100.1.2', false"})
  void cidrs(String cidr, String ip, boolean expected) {
    assertThat(IpRange.parse(cidr).contains(ip)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} is not a CIDR")
  @CsvSource({"'10.0.0.0/33'", "'10.0.0/8'", "'2001:db8::/129'", "'10.0.0.0/x'", "'example.com'", "'zz::1'"})
  void invalidCidrsAreRejected(String cidr) {
    assertThat(IpRange.parse(cidr)).isNull();
  }
}
