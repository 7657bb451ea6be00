package io.trent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The policy lockout safety check [M PutKeyPolicy/CreateKey docs; R aws-solutions/innovation-sandbox-on-aws#31,
 * aws-samples/rds-snapshot-export-to-s3-pipeline#8 maintainer comment].
 */
class LockoutSafetyCheckTest {
  static final String A = "111122223333";
  static final String KEY = "arn:aws:kms:us-east-1:111122223333:key/k";
  static final String ADMIN = "arn:aws:iam::111122223333:role/Admin";

  static CompiledPolicy key(String text) {
    return CompiledPolicy.compile(PolicyParser.parseKeyPolicy(text));
  }

  static CompiledPolicy iam(String actions) {
    return CompiledPolicy.compile(PolicyParser.parseIdentityPolicy(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":" + actions + ",\"Resource\":\"*\"}]}"), "p");
  }

  static RequestContext createKeyBy(String principal) {
    return RequestContext.builder().principal(principal, A).action("kms:CreateKey").build();
  }

  @Test
  void policyNamingTheCallerForPutKeyPolicyPasses() {
    CompiledPolicy p = key("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ADMIN
        + "\"},\"Action\":[\"kms:Put*\",\"kms:Describe*\"],\"Resource\":\"*\"}]}");
    assertThatCode(() -> LockoutSafetyCheck.require(p, List.of(), createKeyBy(ADMIN), KEY, A)).doesNotThrowAnyException();
  }

  @Test
  void delegationWithoutAnIdentityAllowForPutKeyPolicyLocksOut() {
    CompiledPolicy p = key(DefaultKeyPolicy.text(A));
    assertThatThrownBy(() -> LockoutSafetyCheck.require(p, List.of(iam("\"kms:Encrypt\"")), createKeyBy(ADMIN), KEY, A))
        .isInstanceOfSatisfying(MalformedPolicyException.class, e -> {
          assertThat(e.getMessage()).isEqualTo("The new key policy will not allow you to update the key policy in the future.");
          assertThat(e.awsErrorType()).isEqualTo("MalformedPolicyDocumentException");
        });
    assertThat(LockoutSafetyCheck.allowsFutureUpdate(p, List.of(iam("\"kms:PutKeyPolicy\"")), createKeyBy(ADMIN), KEY, A)).isTrue();
  }

  @Test
  void policyThatOnlyNamesSomeoneElseLocksOutTheCaller() {
    CompiledPolicy p = key("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
        + "\"arn:aws:iam::111122223333:user/Other\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}");
    assertThat(LockoutSafetyCheck.allowsFutureUpdate(p, List.of(iam("\"kms:*\"")), createKeyBy(ADMIN), KEY, A)).isFalse();
  }

  @Test
  void aDenyOnPutKeyPolicyForTheCallerLocksOut() {
    CompiledPolicy p = key("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ADMIN
        + "\"},\"Action\":\"kms:*\",\"Resource\":\"*\"},{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"kms:PutKeyPolicy\",\"Resource\":\"*\"}]}");
    assertThat(LockoutSafetyCheck.allowsFutureUpdate(p, List.of(), createKeyBy(ADMIN), KEY, A)).isFalse();
  }

  @Test
  void theDefaultPolicyKeepsTheRootUserIn() {
    CompiledPolicy p = key(DefaultKeyPolicy.text(A));
    assertThat(LockoutSafetyCheck.allowsFutureUpdate(p, List.of(), createKeyBy("arn:aws:iam::111122223333:root"), KEY, A)).isTrue();
  }
}
