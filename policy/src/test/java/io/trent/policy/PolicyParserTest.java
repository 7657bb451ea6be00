package io.trent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Documents AWS refuses, with AWS's messages. Sources: REF = /work/shared/reference/aws-auth-policy-audit.md;
 * KDG = kdg:key-policy-overview.md; IAM = IAM's MalformedPolicyDocument texts as moto reproduces them
 * (getmoto/moto moto/iam/policy_validation.py); HEALTH = AWS Health notice of 2025-08-18 quoted in
 * ministryofjustice/analytical-platform#7691; U = KMS's own text not recorded, IAM's used.
 */
class PolicyParserTest {
  static final String P = "\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"}";

  /** A key policy with one statement body. */
  static String key(String statementBody) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{" + statementBody + "}]}";
  }

  static Arguments bad(String rule, PolicyKind kind, String text, String message) {
    return Arguments.of(rule, kind, text, message);
  }

  static Stream<Arguments> refused() {
    PolicyKind k = PolicyKind.KEY_POLICY;
    PolicyKind i = PolicyKind.IDENTITY_POLICY;
    String ok = "\"Effect\":\"Allow\"," + P + ",\"Action\":\"kms:*\",\"Resource\":\"*\"";
    return Stream.of(
        bad("REF §2.2 a key policy that is not JSON gets an empty message", k, "not a real policy statement", ""),
        bad("IAM an identity policy that is not JSON", i, "{\"Version\":", PolicyParser.SYNTAX),
        bad("REF duplicate JSON members are refused (STRICT_DUPLICATE_DETECTION)", k,
            "{\"Version\":\"2012-10-17\",\"Version\":\"2012-10-17\",\"Statement\":[{" + ok + "}]}", ""),
        bad("REF trailing content after the document", k, key(ok) + " {}", ""),
        bad("REF §2.2 characters outside tab, LF, CR, 0x20-0xFF", k, key(ok.replace("kms:*", "kms:\u0100")), ""),
        bad("IAM an unsupported top-level element", k, "{\"Version\":\"2012-10-17\",\"Foo\":1,\"Statement\":[{" + ok + "}]}", PolicyParser.SYNTAX),
        bad("IAM an unsupported statement element", k, key(ok + ",\"Resources\":\"*\""), PolicyParser.SYNTAX),
        bad("IAM Statement must not be empty", k, "{\"Version\":\"2012-10-17\",\"Statement\":[]}", PolicyParser.SYNTAX),
        bad("IAM no Statement", k, "{\"Version\":\"2012-10-17\"}", PolicyParser.SYNTAX),
        bad("IAM an unknown Version value", k, "{\"Version\":\"2012-10-18\",\"Statement\":[{" + ok + "}]}", PolicyParser.SYNTAX),
        bad("KDG/IAM Version 2008-10-17 is refused", k, "{\"Version\":\"2008-10-17\",\"Statement\":[{" + ok + "}]}", PolicyParser.VERSION),
        bad("KDG/IAM a missing Version (means 2008-10-17) is refused", k, "{\"Statement\":[{" + ok + "}]}", PolicyParser.VERSION),
        bad("IAM Effect must be Allow or Deny", k, key(ok.replace("Allow", "Permit")), PolicyParser.SYNTAX),
        bad("IAM Effect is case-sensitive (legacy parsing)", k, key(ok.replace("Allow", "allow")), PolicyParser.LEGACY),
        bad("IAM both Action and NotAction", k, key(ok + ",\"NotAction\":\"kms:Decrypt\""), PolicyParser.SYNTAX),
        bad("IAM/repost Sids must be unique", k,
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"a b\"," + ok + "},{\"Sid\":\"a b\"," + ok + "}]}", PolicyParser.SID_UNIQUE),
        bad("HEALTH a statement without Action or NotAction", k, key("\"Effect\":\"Allow\"," + P + ",\"Resource\":\"*\""), PolicyParser.NO_ACTIONS),
        bad("HEALTH a statement without Resource", k, key("\"Effect\":\"Allow\"," + P + ",\"Action\":\"kms:*\""), PolicyParser.NO_RESOURCES),
        bad("IAM an empty Action list", k, key("\"Effect\":\"Allow\"," + P + ",\"Action\":[],\"Resource\":\"*\""), PolicyParser.NO_ACTIONS),
        bad("IAM an action without vendor", k, key(ok.replace("kms:*", "Encrypt")), PolicyParser.ACTION_VENDOR),
        bad("IAM an action with two colons", k, key(ok.replace("kms:*", "kms:a:b")), PolicyParser.ACTION_COLON),
        bad("IAM an invalid vendor", k, key(ok.replace("kms:*", "km$:Encrypt")), "Vendor km$ is not valid"),
        bad("HEALTH key policy Resource must be \"*\" (U text)", k,
            key(ok.replace("\"Resource\":\"*\"", "\"Resource\":\"arn:aws:kms:us-east-1:111122223333:key/k\"")), PolicyParser.KEY_POLICY_RESOURCE),
        bad("HEALTH key policy NotResource (U text)", k, key(ok.replace("\"Resource\"", "\"NotResource\"")), PolicyParser.KEY_POLICY_RESOURCE),
        bad("REF §2.2 every key policy statement needs a principal", k,
            key("\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\""), MalformedPolicyException.INVALID_PRINCIPALS),
        bad("KDG IAM groups are not principals", k, key(ok.replace(":root", ":group/Admins")), MalformedPolicyException.INVALID_PRINCIPALS),
        bad("repost no wildcards inside a principal ARN", k, key(ok.replace(":root", ":user/*")), MalformedPolicyException.INVALID_PRINCIPALS),
        bad("REF a principal that is no ARN or account", k, key(ok.replace("arn:aws:iam::111122223333:root", "bob")),
            MalformedPolicyException.INVALID_PRINCIPALS),
        bad("REF a Principal string other than *", k, key(ok.replace("{\"AWS\":\"arn:aws:iam::111122223333:root\"}", "\"arn:aws:iam::111122223333:root\"")),
            MalformedPolicyException.INVALID_PRINCIPALS),
        bad("KDG Federated principals are not valid in key policies", k,
            key(ok.replace("\"AWS\":\"arn:aws:iam::111122223333:root\"", "\"Federated\":\"cognito-identity.amazonaws.com\"")),
            MalformedPolicyException.INVALID_PRINCIPALS),
        bad("KDG a malformed service principal", k, key(ok.replace("\"AWS\":\"arn:aws:iam::111122223333:root\"", "\"Service\":\"not a service\"")),
            MalformedPolicyException.INVALID_PRINCIPALS),
        bad("KMS ForAllValues with kms:EncryptionContext:<k> is refused", k,
            key(ok + ",\"Condition\":{\"ForAllValues:StringEquals\":{\"kms:EncryptionContext:Department\":\"IT\"}}"),
            MalformedPolicyException.OVERLY_PERMISSIVE_ENCRYPTION_CONTEXT),
        bad("IAM an unknown condition operator", k, key(ok + ",\"Condition\":{\"StringEqualz\":{\"kms:ViaService\":\"x\"}}"), PolicyParser.SYNTAX),
        bad("IAM a condition value that is an object", k, key(ok + ",\"Condition\":{\"StringEquals\":{\"kms:ViaService\":{\"a\":1}}}"),
            PolicyParser.SYNTAX),
        bad("IAM Null takes no IfExists", k, key(ok + ",\"Condition\":{\"NullIfExists\":{\"kms:ViaService\":\"true\"}}"), PolicyParser.SYNTAX),
        bad("IAM an identity policy names no principal", i,
            "{\"Version\":\"2012-10-17\",\"Statement\":{" + ok + "}}", PolicyParser.NO_PRINCIPAL_ALLOWED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusesWithAwsMessage(String rule, PolicyKind kind, String text, String message) {
    assertThatThrownBy(() -> parse(kind, text))
        .as(rule)
        .isInstanceOfSatisfying(MalformedPolicyException.class, e -> {
          assertThat(e.awsErrorType()).isEqualTo(MalformedPolicyException.MALFORMED);
          assertThat(e.getMessage()).isEqualTo(message);
          assertThat(e.detail()).isNotBlank();
        });
  }

  private static PolicyDocument parse(PolicyKind kind, String text) {
    return kind == PolicyKind.KEY_POLICY ? PolicyParser.parseKeyPolicy(text) : PolicyParser.parseIdentityPolicy(text);
  }

  @Test
  void keyPolicyOver32KiBIsLimitExceeded() {
    // KDG "Up to 32 kilobytes (32,768 bytes)"; model/PutKeyPolicy doc: over the limit is LimitExceededException.
    String base = key("\"Sid\":\"%s\",\"Effect\":\"Allow\"," + P + ",\"Action\":\"kms:*\",\"Resource\":\"*\"");
    String fits = base.formatted("x".repeat(PolicyParser.MAX_KEY_POLICY_BYTES - base.length() + 2));
    assertThat(fits.length()).isEqualTo(PolicyParser.MAX_KEY_POLICY_BYTES);
    assertThat(PolicyParser.parseKeyPolicy(fits).statements()).hasSize(1);
    assertThatThrownBy(() -> PolicyParser.parseKeyPolicy(fits.replace("\"Sid\":\"", "\"Sid\":\"y")))
        .isInstanceOfSatisfying(MalformedPolicyException.class,
            e -> assertThat(e.awsErrorType()).isEqualTo(MalformedPolicyException.LIMIT_EXCEEDED));
  }

  @Test
  void sizeCountsBytesNotCharacters() {
    // Latin-1 characters above 0x7F are allowed (KDG) and take two UTF-8 bytes.
    String base = key("\"Sid\":\"%s\",\"Effect\":\"Allow\"," + P + ",\"Action\":\"kms:*\",\"Resource\":\"*\"");
    String text = base.formatted("\u00e9".repeat((PolicyParser.MAX_KEY_POLICY_BYTES - base.length()) / 2 + 2));
    assertThat(text.length()).isLessThan(PolicyParser.MAX_KEY_POLICY_BYTES);
    assertThatThrownBy(() -> PolicyParser.parseKeyPolicy(text)).isInstanceOfSatisfying(MalformedPolicyException.class,
        e -> assertThat(e.awsErrorType()).isEqualTo(MalformedPolicyException.LIMIT_EXCEEDED));
  }

  @Test
  void acceptsTheGrammarAwsAccepts() {
    // KDG: Sid may contain spaces in key policies; Statement may be a single object; Id is optional;
    // Principal "*", {"AWS": "*"}, account ids, user/role/assumed-role ARNs and service principals;
    // condition values may be JSON numbers and booleans (IAM keeps their text).
    String text = """
        {"Version":"2012-10-17","Id":"key-consolepolicy-3","Statement":[
          {"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
          {"Sid":"Any caller of the account","Effect":"Allow","Principal":"*","Action":["kms:Encrypt","kms:Decrypt"],"Resource":["*"],
           "Condition":{"StringEquals":{"kms:CallerAccount":111122223333},"Bool":{"kms:GrantIsForAWSResource":true}}},
          {"Effect":"Deny","Principal":{"AWS":["444455556666","arn:aws:iam::444455556666:role/path/Reader",
             "arn:aws:sts::444455556666:assumed-role/Reader/session-1","*"],"Service":"ec2.amazonaws.com"},
           "NotAction":"kms:Describe*","Resource":"*"},
          {"Sid":"NotPrincipal","Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:user/Alice","111122223333"]},
           "Action":"kms:ScheduleKeyDeletion","Resource":"*"}
        ]}""";
    PolicyDocument doc = PolicyParser.parseKeyPolicy(text);
    assertThat(doc.id()).isEqualTo("key-consolepolicy-3");
    assertThat(doc.statements()).hasSize(4);
    Statement any = doc.statements().get(1);
    assertThat(any.principals().anyone()).isTrue();
    assertThat(any.conditions()).containsExactly(
        new ConditionClause("StringEquals", "kms:CallerAccount", List.of("111122223333")),
        new ConditionClause("Bool", "kms:GrantIsForAWSResource", List.of("true")));
    Statement deny = doc.statements().get(2);
    assertThat(deny.sid()).isNull();
    assertThat(deny.index()).isEqualTo(2);
    assertThat(deny.notAction()).isTrue();
    assertThat(deny.principals().services()).containsExactly("ec2.amazonaws.com");
    assertThat(doc.statements().get(3).notPrincipal()).isTrue();
    assertThat(PolicyParser.awsPrincipalArns(doc)).containsExactly("arn:aws:iam::111122223333:root", "444455556666",
        "arn:aws:iam::444455556666:role/path/Reader", "arn:aws:sts::444455556666:assumed-role/Reader/session-1",
        "arn:aws:iam::111122223333:user/Alice", "111122223333");

    PolicyDocument single = PolicyParser.parseIdentityPolicy(
        "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"kms:Encrypt\",\"NotResource\":\"arn:aws:kms:*:*:key/x\"}}");
    assertThat(single.statements()).singleElement().satisfies(s -> {
      assertThat(s.principals()).isNull();
      assertThat(s.notResource()).isTrue();
    });
  }
}
