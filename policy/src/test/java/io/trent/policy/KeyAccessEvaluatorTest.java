package io.trent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.trent.policy.Decision.Outcome;
import io.trent.policy.Decision.Reason;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How key policies, identity policies and grants combine, case by case against AWS's documented evaluation.
 * Sources: EVAL = kdg:policy-evaluation.md; DEFAULT = kdg:key-policy-default.md; OVERVIEW = kdg:key-policy-overview.md;
 * XACCT = kdg:key-policy-modifying-external-accounts.md and iamdoc:reference_policies_evaluation-logic-cross-account;
 * IAMEVAL = iamdoc:reference_policies_evaluation-logic ("an explicit deny in any policy overrides any allow");
 * ACTION/RESOURCE = iamdoc:reference_policies_elements_action / _resource (actions case-insensitive, ARNs case-sensitive);
 * NOTPRINCIPAL = iamdoc:reference_policies_elements_notprincipal; GRANTS = kdg:grants.md, kdg:create-grant-overview.md.
 */
class KeyAccessEvaluatorTest {
  static final String A = "111122223333";
  static final String B = "444455556666";
  static final String KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  static final String ALICE = "arn:aws:iam::111122223333:user/Alice";
  static final String CAROL = "arn:aws:iam::111122223333:user/Carol";
  static final String ROOT_A = "arn:aws:iam::111122223333:root";
  static final String BOB = "arn:aws:iam::444455556666:user/Bob";
  static final String ROLE = "arn:aws:iam::111122223333:role/app/Reader";
  static final String SESSION = "arn:aws:sts::111122223333:assumed-role/Reader/s-1";

  static final String DEFAULT = DefaultKeyPolicy.text(A);

  static String keyPolicy(String... statements) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}";
  }

  static String stmt(String sid, String effect, String principal, String actions, String extra) {
    return "{\"Sid\":\"" + sid + "\",\"Effect\":\"" + effect + "\",\"Principal\":" + principal + ",\"Action\":" + actions
        + ",\"Resource\":\"*\"" + extra + "}";
  }

  static String aws(String... arns) {
    return "{\"AWS\":[\"" + String.join("\",\"", arns) + "\"]}";
  }

  static String iam(String effect, String actions, String resources) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"S1\",\"Effect\":\"" + effect + "\",\"Action\":" + actions
        + ",\"Resource\":" + resources + "}]}";
  }

  static final String IAM_ALLOW_KMS = iam("Allow", "\"kms:*\"", "\"*\"");

  static RequestContext.Builder call(String principal, String account, String action) {
    return RequestContext.builder().principal(principal, account).action(action).resource(KEY, A);
  }

  record Case(String rule, String keyPolicy, List<String> identity, List<Grant> grants, RequestContext ctx,
      Outcome outcome, Reason reason, String sid) {
    @Override
    public String toString() {
      return rule;
    }
  }

  static Case c(String rule, String keyPolicy, List<String> identity, RequestContext.Builder ctx, Outcome outcome, Reason reason, String sid) {
    return new Case(rule, keyPolicy, identity, List.of(), ctx.build(), outcome, reason, sid);
  }

  static Case g(String rule, String keyPolicy, List<Grant> grants, UnaryOperator<RequestContext.Builder> ctx, Outcome outcome, Reason reason) {
    return new Case(rule, keyPolicy, List.of(), grants, ctx.apply(call(ALICE, A, "kms:Encrypt")).build(), outcome, reason, null);
  }

  static final String ONLY_CAROL = keyPolicy(stmt("Carol", "Allow", aws(CAROL), "\"kms:*\"", ""));
  static final String ALICE_DIRECT = keyPolicy(stmt("Alice", "Allow", aws(ALICE), "\"kms:*\"", ""));

  static Stream<Case> cases() {
    Outcome allow = Outcome.ALLOW;
    Outcome deny = Outcome.EXPLICIT_DENY;
    Outcome none = Outcome.IMPLICIT_DENY;
    Grant aliceEncryptSubset = new Grant("g-subset", ALICE, Set.of("Encrypt", "DescribeKey"), null, Map.of("purpose", "test"));
    Grant aliceEncryptEquals = new Grant("g-equals", ALICE, Set.of("Encrypt"), Map.of("purpose", "test"), null);
    return Stream.of(
        // same account
        c("DEFAULT the default key policy delegates to IAM: an identity policy allows", DEFAULT, List.of(IAM_ALLOW_KMS),
            call(ALICE, A, "kms:Encrypt"), allow, Reason.IDENTITY_POLICY_ALLOWS, "S1"),
        c("EVAL example 1: default key policy and no identity policy", DEFAULT, List.of(), call(ALICE, A, "kms:Decrypt"),
            none, Reason.NO_IDENTITY_POLICY_ALLOWS, "Enable IAM User Permissions"),
        c("EVAL an identity policy for another action does not help", DEFAULT, List.of(iam("Allow", "\"kms:Encrypt\"", "\"*\"")),
            call(ALICE, A, "kms:Decrypt"), none, Reason.NO_IDENTITY_POLICY_ALLOWS, "Enable IAM User Permissions"),
        c("OVERVIEW the key policy naming the user allows without IAM", ALICE_DIRECT, List.of(), call(ALICE, A, "kms:Decrypt"),
            allow, Reason.KEY_POLICY_ALLOWS, "Alice"),
        c("DEFAULT without the account statement identity policies allow nothing (IAM delegation off)", ONLY_CAROL,
            List.of(IAM_ALLOW_KMS), call(ALICE, A, "kms:Encrypt"), none, Reason.NO_KEY_POLICY_ALLOWS, null),
        c("OVERVIEW the account principal covers the root user without identity policies", DEFAULT, List.of(),
            call(ROOT_A, A, "kms:PutKeyPolicy"), allow, Reason.KEY_POLICY_ALLOWS, "Enable IAM User Permissions"),
        c("DEFAULT a key policy without the account principal locks out even the root user", ONLY_CAROL, List.of(),
            call(ROOT_A, A, "kms:PutKeyPolicy"), none, Reason.NO_KEY_POLICY_ALLOWS, null),
        c("OVERVIEW a role in Principal covers its assumed-role sessions", keyPolicy(stmt("Role", "Allow", aws(ROLE), "\"kms:Decrypt\"", "")),
            List.of(), call(SESSION, A, "kms:Decrypt").sessionIssuer(ROLE), allow, Reason.KEY_POLICY_ALLOWS, "Role"),
        c("OVERVIEW Principal * allows any caller of the account (with a CallerAccount condition)",
            keyPolicy(stmt("Any", "Allow", "\"*\"", "\"kms:Encrypt\"", ",\"Condition\":{\"StringEquals\":{\"kms:CallerAccount\":\"" + A + "\"}}")),
            List.of(), call(ALICE, A, "kms:Encrypt"), allow, Reason.KEY_POLICY_ALLOWS, "Any"),
        // cross account
        c("XACCT key policy names the other account and its IAM allows", keyPolicy(stmt("B", "Allow", aws("arn:aws:iam::" + B + ":root"),
            "\"kms:Decrypt\"", "")), List.of(iam("Allow", "\"kms:Decrypt\"", "\"" + KEY + "\"")), call(BOB, B, "kms:Decrypt"),
            allow, Reason.IDENTITY_POLICY_ALLOWS, "S1"),
        c("XACCT key policy names the other account by bare account id", keyPolicy(stmt("B", "Allow", aws(B), "\"kms:Decrypt\"", "")),
            List.of(IAM_ALLOW_KMS), call(BOB, B, "kms:Decrypt"), allow, Reason.IDENTITY_POLICY_ALLOWS, "S1"),
        c("XACCT key side only: the caller's IAM must allow too", keyPolicy(stmt("B", "Allow", aws(B), "\"kms:Decrypt\"", "")),
            List.of(), call(BOB, B, "kms:Decrypt"), none, Reason.NO_IDENTITY_POLICY_ALLOWS, "B"),
        c("XACCT naming the external user directly still needs its IAM allow", keyPolicy(stmt("Bob", "Allow", aws(BOB), "\"kms:Decrypt\"", "")),
            List.of(), call(BOB, B, "kms:Decrypt"), none, Reason.NO_IDENTITY_POLICY_ALLOWS, "Bob"),
        c("XACCT identity side only: the key policy must allow the other account", DEFAULT, List.of(IAM_ALLOW_KMS),
            call(BOB, B, "kms:Decrypt"), none, Reason.NO_KEY_POLICY_ALLOWS, null),
        c("XACCT Principal * with a CallerAccount condition excludes other accounts",
            keyPolicy(stmt("Any", "Allow", "\"*\"", "\"kms:Encrypt\"", ",\"Condition\":{\"StringEquals\":{\"kms:CallerAccount\":\"" + A + "\"}}")),
            List.of(IAM_ALLOW_KMS), call(BOB, B, "kms:Encrypt"), none, Reason.NO_KEY_POLICY_ALLOWS, null),
        c("XACCT the other account's root user needs no identity policy",
            keyPolicy(stmt("B", "Allow", aws("arn:aws:iam::" + B + ":root"), "\"kms:Decrypt\"", "")), List.of(),
            call("arn:aws:iam::" + B + ":root", B, "kms:Decrypt"), allow, Reason.IDENTITY_POLICY_ALLOWS, "B"),
        // explicit deny
        c("IAMEVAL explicit Deny in the key policy beats its own Allow",
            keyPolicy(stmt("Alice", "Allow", aws(ALICE), "\"kms:*\"", ""), stmt("NoDecrypt", "Deny", aws(ALICE), "\"kms:Decrypt\"", "")),
            List.of(), call(ALICE, A, "kms:Decrypt"), deny, Reason.EXPLICIT_DENY_IN_KEY_POLICY, "NoDecrypt"),
        c("IAMEVAL explicit Deny in the key policy beats an identity Allow",
            keyPolicy(DEFAULT_STATEMENT, stmt("NoDecrypt", "Deny", "\"*\"", "\"kms:Decrypt\"", "")),
            List.of(IAM_ALLOW_KMS), call(ALICE, A, "kms:Decrypt"), deny, Reason.EXPLICIT_DENY_IN_KEY_POLICY, "NoDecrypt"),
        c("DEFAULT identity Denies apply even when the key policy allows the user directly", ALICE_DIRECT,
            List.of(iam("Deny", "\"kms:Decrypt\"", "\"*\"")), call(ALICE, A, "kms:Decrypt"), deny, Reason.EXPLICIT_DENY_IN_IDENTITY_POLICY, "S1"),
        c("XACCT an identity Deny in the caller's account applies cross-account", keyPolicy(stmt("B", "Allow", aws(B), "\"kms:*\"", "")),
            List.of(IAM_ALLOW_KMS, iam("Deny", "\"kms:*\"", "\"" + KEY + "\"")), call(BOB, B, "kms:Decrypt"),
            deny, Reason.EXPLICIT_DENY_IN_IDENTITY_POLICY, "S1"),
        c("OVERVIEW a Deny for the account principal covers every principal of the account",
            keyPolicy(DEFAULT_STATEMENT, stmt("NoDelete", "Deny", aws(ROOT_A), "\"kms:ScheduleKeyDeletion\"", "")),
            List.of(IAM_ALLOW_KMS), call(ALICE, A, "kms:ScheduleKeyDeletion"), deny, Reason.EXPLICIT_DENY_IN_KEY_POLICY, "NoDelete"),
        c("IAMEVAL a Deny whose condition does not hold does not apply",
            keyPolicy(stmt("Alice", "Allow", aws(ALICE), "\"kms:*\"", ""), stmt("OnlyVpn", "Deny", "\"*\"", "\"kms:*\"",
                ",\"Condition\":{\"NotIpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}")),
            List.of(), call(ALICE, A, "kms:Decrypt").key("aws:SourceIp", "10.1.2.3"), allow, Reason.KEY_POLICY_ALLOWS, "Alice"),
        c("IAMEVAL ... and denies when it holds",
            keyPolicy(stmt("Alice", "Allow", aws(ALICE), "\"kms:*\"", ""), stmt("OnlyVpn", "Deny", "\"*\"", "\"kms:*\"",
                ",\"Condition\":{\"NotIpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}")),
            List.of(), call(ALICE, A, "kms:Decrypt").key("aws:SourceIp", "192.0.2.1"), deny, Reason.EXPLICIT_DENY_IN_KEY_POLICY, "OnlyVpn"),
        // Not* elements and wildcards
        c("NotAction: everything but the listed action", keyPolicy(stmt("Alice", "Allow", aws(ALICE), "\"kms:Encrypt\"", "")
            .replace("\"Action\"", "\"NotAction\"")), List.of(), call(ALICE, A, "kms:Decrypt"), allow, Reason.KEY_POLICY_ALLOWS, "Alice"),
        c("NotAction: the listed action is not allowed", keyPolicy(stmt("Alice", "Allow", aws(ALICE), "\"kms:Encrypt\"", "")
            .replace("\"Action\"", "\"NotAction\"")), List.of(), call(ALICE, A, "kms:Encrypt"), none, Reason.NO_KEY_POLICY_ALLOWS, null),
        c("NotResource: an identity policy allowing all keys but one (another key)", DEFAULT,
            List.of(iam("Allow", "\"kms:*\"", "\"arn:aws:kms:us-east-1:111122223333:key/other\"").replace("\"Resource\"", "\"NotResource\"")),
            call(ALICE, A, "kms:Encrypt"), allow, Reason.IDENTITY_POLICY_ALLOWS, "S1"),
        c("NotResource: ... and not the excluded key", DEFAULT,
            List.of(iam("Allow", "\"kms:*\"", "\"" + KEY + "\"").replace("\"Resource\"", "\"NotResource\"")),
            call(ALICE, A, "kms:Encrypt"), none, Reason.NO_IDENTITY_POLICY_ALLOWS, "Enable IAM User Permissions"),
        c("ACTION wildcard kms:Gen* matches GenerateDataKey", keyPolicy(stmt("Gen", "Allow", aws(ALICE), "\"kms:Gen*\"", "")), List.of(),
            call(ALICE, A, "kms:GenerateDataKey"), allow, Reason.KEY_POLICY_ALLOWS, "Gen"),
        c("ACTION names are case-insensitive", keyPolicy(stmt("Lower", "Allow", aws(ALICE), "\"KMS:generatedatakey\"", "")), List.of(),
            call(ALICE, A, "kms:GenerateDataKey"), allow, Reason.KEY_POLICY_ALLOWS, "Lower"),
        c("ACTION ? matches exactly one character", keyPolicy(stmt("Q", "Allow", aws(ALICE), "\"kms:Encrypt?\"", "")), List.of(),
            call(ALICE, A, "kms:Encrypt"), none, Reason.NO_KEY_POLICY_ALLOWS, null),
        c("RESOURCE wildcards per ARN part", DEFAULT, List.of(iam("Allow", "\"kms:Encrypt\"", "\"arn:aws:kms:*:111122223333:key/*\"")),
            call(ALICE, A, "kms:Encrypt"), allow, Reason.IDENTITY_POLICY_ALLOWS, "S1"),
        c("RESOURCE ARNs are case-sensitive", DEFAULT, List.of(iam("Allow", "\"kms:Encrypt\"", "\"" + KEY.toUpperCase().replace("ARN:AWS:KMS", "arn:aws:kms") + "\"")),
            call(ALICE, A, "kms:Encrypt"), none, Reason.NO_IDENTITY_POLICY_ALLOWS, "Enable IAM User Permissions"),
        c("RESOURCE an alias ARN does not cover the key", DEFAULT,
            List.of(iam("Allow", "\"kms:Encrypt\"", "\"arn:aws:kms:us-east-1:111122223333:alias/app\"")),
            call(ALICE, A, "kms:Encrypt"), none, Reason.NO_IDENTITY_POLICY_ALLOWS, "Enable IAM User Permissions"),
        c("NOTPRINCIPAL Deny spares the listed user and account",
            keyPolicy(DEFAULT_STATEMENT, "{\"Sid\":\"OnlyAlice\",\"Effect\":\"Deny\",\"NotPrincipal\":" + aws(ALICE, ROOT_A)
                + ",\"Action\":\"kms:ScheduleKeyDeletion\",\"Resource\":\"*\"}"),
            List.of(IAM_ALLOW_KMS), call(ALICE, A, "kms:ScheduleKeyDeletion"), allow, Reason.IDENTITY_POLICY_ALLOWS, "S1"),
        c("NOTPRINCIPAL Deny covers everyone else",
            keyPolicy(DEFAULT_STATEMENT, "{\"Sid\":\"OnlyAlice\",\"Effect\":\"Deny\",\"NotPrincipal\":" + aws(ALICE, ROOT_A)
                + ",\"Action\":\"kms:ScheduleKeyDeletion\",\"Resource\":\"*\"}"),
            List.of(IAM_ALLOW_KMS), call(CAROL, A, "kms:ScheduleKeyDeletion"), deny, Reason.EXPLICIT_DENY_IN_KEY_POLICY, "OnlyAlice"),
        c("NOTPRINCIPAL listing the user without its account does not spare it",
            keyPolicy(DEFAULT_STATEMENT, "{\"Sid\":\"OnlyAlice\",\"Effect\":\"Deny\",\"NotPrincipal\":" + aws(ALICE)
                + ",\"Action\":\"kms:ScheduleKeyDeletion\",\"Resource\":\"*\"}"),
            List.of(IAM_ALLOW_KMS), call(ALICE, A, "kms:ScheduleKeyDeletion"), deny, Reason.EXPLICIT_DENY_IN_KEY_POLICY, "OnlyAlice"),
        c("Conditions in identity policies: kms:EncryptionContext required", DEFAULT,
            List.of("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"EC\",\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\","
                + "\"Condition\":{\"StringEquals\":{\"kms:EncryptionContext:AppName\":\"ExampleApp\"}}}]}"),
            call(ALICE, A, "kms:Decrypt").encryptionContext(Map.of("AppName", "ExampleApp")), allow, Reason.IDENTITY_POLICY_ALLOWS, "EC"),
        c("Conditions in identity policies: wrong encryption context", DEFAULT,
            List.of("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"EC\",\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\","
                + "\"Condition\":{\"StringEquals\":{\"kms:EncryptionContext:AppName\":\"ExampleApp\"}}}]}"),
            call(ALICE, A, "kms:Decrypt").encryptionContext(Map.of("AppName", "Other")), none, Reason.NO_IDENTITY_POLICY_ALLOWS,
            "Enable IAM User Permissions"),
        // grants
        g("GRANTS a grant allows its grantee its operations when the Subset constraint holds", ONLY_CAROL, List.of(aliceEncryptSubset),
            b -> b.encryptionContext(Map.of("purpose", "test", "extra", "ok")), allow, Reason.GRANT_ALLOWS),
        g("GRANTS Subset constraint values are case-sensitive", ONLY_CAROL, List.of(aliceEncryptSubset),
            b -> b.encryptionContext(Map.of("purpose", "TEST")), none, Reason.NO_KEY_POLICY_ALLOWS),
        g("GRANTS Equals constraint: exact match", ONLY_CAROL, List.of(aliceEncryptEquals),
            b -> b.encryptionContext(Map.of("purpose", "test")), allow, Reason.GRANT_ALLOWS),
        g("GRANTS Equals constraint: an extra pair fails", ONLY_CAROL, List.of(aliceEncryptEquals),
            b -> b.encryptionContext(Map.of("purpose", "test", "extra", "no")), none, Reason.NO_KEY_POLICY_ALLOWS),
        g("GRANTS Equals constraint: no context fails", ONLY_CAROL, List.of(aliceEncryptEquals), b -> b, none, Reason.NO_KEY_POLICY_ALLOWS),
        g("GRANTS a grant allows only its operations", ONLY_CAROL, List.of(aliceEncryptSubset),
            b -> b.action("kms:Decrypt").encryptionContext(Map.of("purpose", "test")), none, Reason.NO_KEY_POLICY_ALLOWS),
        g("GRANTS constraints are ignored for DescribeKey", ONLY_CAROL, List.of(aliceEncryptSubset),
            b -> b.action("kms:DescribeKey"), allow, Reason.GRANT_ALLOWS),
        g("GRANTS a grant allows only its grantee", ONLY_CAROL, List.of(aliceEncryptSubset),
            b -> b.principal(CAROL.replace("Carol", "Dave"), A).encryptionContext(Map.of("purpose", "test")), none, Reason.NO_KEY_POLICY_ALLOWS),
        g("GRANTS a grant for another account's principal needs no IAM policy", ONLY_CAROL,
            List.of(new Grant("g-bob", BOB, Set.of("Decrypt"), null, null)), b -> b.principal(BOB, B).action("kms:Decrypt"),
            allow, Reason.GRANT_ALLOWS),
        g("IAMEVAL an explicit Deny in the key policy beats a grant",
            keyPolicy(stmt("NoEncrypt", "Deny", "\"*\"", "\"kms:Encrypt\"", "")), List.of(aliceEncryptSubset),
            b -> b.encryptionContext(Map.of("purpose", "test")), deny, Reason.EXPLICIT_DENY_IN_KEY_POLICY));
  }

  static final String DEFAULT_STATEMENT =
      "{\"Sid\":\"Enable IAM User Permissions\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ROOT_A + "\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}";

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decidesAsAwsDocuments(Case c) {
    CompiledPolicy key = CompiledPolicy.compile(PolicyParser.parseKeyPolicy(c.keyPolicy()));
    List<CompiledPolicy> identity = c.identity().stream()
        .map(t -> CompiledPolicy.compile(PolicyParser.parseIdentityPolicy(t), "inline")).toList();
    Decision d = KeyAccessEvaluator.evaluate(key, identity, c.grants(), c.ctx());
    assertThat(d.outcome()).as(c.rule()).isEqualTo(c.outcome());
    assertThat(d.reason()).as(c.rule()).isEqualTo(c.reason());
    if (c.reason() != Reason.GRANT_ALLOWS && c.sid() != null) {
      assertThat(d.statementSid()).as(c.rule()).isEqualTo(c.sid());
    }
  }

  @Test
  void decisionsNameTheDecidingPolicyStatementOrGrant() {
    CompiledPolicy key = CompiledPolicy.compile(PolicyParser.parseKeyPolicy(DEFAULT));
    CompiledPolicy identity = CompiledPolicy.compile(PolicyParser.parseIdentityPolicy(IAM_ALLOW_KMS), "KmsUsers");
    Decision d = KeyAccessEvaluator.evaluate(key, List.of(identity), List.of(), call(ALICE, A, "kms:Encrypt").build());
    assertThat(d).isEqualTo(new Decision(Outcome.ALLOW, Reason.IDENTITY_POLICY_ALLOWS, "KmsUsers", "S1", 0, null));

    Decision byGrant = KeyAccessEvaluator.evaluate(CompiledPolicy.compile(PolicyParser.parseKeyPolicy(ONLY_CAROL)), List.of(),
        List.of(new Grant("g-1", ALICE, Set.of("Encrypt"), null, null)), call(ALICE, A, "kms:Encrypt").build());
    assertThat(byGrant.grantId()).isEqualTo("g-1");

    Decision denied = KeyAccessEvaluator.evaluate(key, List.of(), List.of(), call(ALICE, A, "kms:Encrypt").build());
    assertThat(denied.policyName()).isEqualTo("default");
    assertThat(denied.statementIndex()).isZero();
  }

  @Test
  void accessDeniedMessagesHaveAwsShape() {
    // §2.4 of the reference: KMS texts recorded from real responses.
    RequestContext ctx = call(ALICE, A, "kms:Decrypt").build();
    String head = "User: " + ALICE + " is not authorized to perform: kms:Decrypt on resource: " + KEY;
    assertThat(new Decision(Outcome.IMPLICIT_DENY, Reason.NO_IDENTITY_POLICY_ALLOWS, null, null, -1, null).accessDeniedMessage(ctx))
        .isEqualTo(head + " because no identity-based policy allows the kms:Decrypt action");
    assertThat(new Decision(Outcome.IMPLICIT_DENY, Reason.NO_KEY_POLICY_ALLOWS, null, null, -1, null).accessDeniedMessage(ctx))
        .isEqualTo(head + " because no resource-based policy allows the kms:Decrypt action");
    assertThat(new Decision(Outcome.EXPLICIT_DENY, Reason.EXPLICIT_DENY_IN_KEY_POLICY, "default", null, 1, null).accessDeniedMessage(ctx))
        .isEqualTo(head + " with an explicit deny in a resource-based policy");
    assertThat(new Decision(Outcome.EXPLICIT_DENY, Reason.EXPLICIT_DENY_IN_IDENTITY_POLICY, "p", null, 0, null).accessDeniedMessage(ctx))
        .isEqualTo(head + " with an explicit deny in an identity-based policy");
    RequestContext createKey = RequestContext.builder().principal(ALICE, A).action("kms:CreateKey").build();
    assertThat(KeyAccessEvaluator.evaluateIdentityOnly(List.of(), createKey).accessDeniedMessage(createKey))
        .isEqualTo("User: " + ALICE + " is not authorized to perform: kms:CreateKey on resource: * because no identity-based policy allows"
            + " the kms:CreateKey action");
  }

  @Test
  void identityOnlyActionsNeedAnIdentityAllowOnStar() {
    // DEFAULT: CreateKey, ListKeys, ... are controlled by IAM policies only (Resource "*").
    RequestContext createKey = RequestContext.builder().principal(ALICE, A).action("kms:CreateKey").build();
    CompiledPolicy allowCreate = CompiledPolicy.compile(PolicyParser.parseIdentityPolicy(iam("Allow", "\"kms:CreateKey\"", "\"*\"")), "p");
    CompiledPolicy allowOnKeys = CompiledPolicy.compile(PolicyParser.parseIdentityPolicy(iam("Allow", "\"kms:CreateKey\"",
        "\"arn:aws:kms:*:111122223333:key/*\"")), "p");
    assertThat(KeyAccessEvaluator.evaluateIdentityOnly(List.of(allowCreate), createKey).allowed()).isTrue();
    assertThat(KeyAccessEvaluator.evaluateIdentityOnly(List.of(allowOnKeys), createKey).allowed()).isFalse();
    RequestContext rootCreate = RequestContext.builder().principal(ROOT_A, A).action("kms:CreateKey").build();
    assertThat(KeyAccessEvaluator.evaluateIdentityOnly(List.of(), rootCreate).allowed()).isTrue();
  }
}
