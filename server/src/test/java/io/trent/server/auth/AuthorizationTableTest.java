package io.trent.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trent.core.KmsPolicy;
import io.trent.core.KmsServices;
import io.trent.core.auth.Caller;
import io.trent.core.auth.Principal;
import io.trent.core.auth.PrincipalArn;
import io.trent.core.error.KmsException;
import io.trent.core.key.KmsKey;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.spi.KeyBackend;
import io.trent.metadata.jdbc.JdbcMetadataStore;
import io.trent.policy.CompiledPolicy;
import io.trent.policy.PolicyParser;
import io.trent.server.protocol.KmsJsonProtocol;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operation table and the policy module wired together: the JSON protocol, the real core services and
 * a real H2 store, with keys of origin EXTERNAL (PendingImport, so no HSM is needed). Authorization runs
 * before the key state check, so an allowed request answers KMSInvalidStateException ("pending import")
 * and a denied one AccessDeniedException with AWS's message [reference §2.4].
 */
class AuthorizationTableTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCOUNT = "111122223333";
  private static final String OTHER = "444455556666";
  private static final ServiceIdentity IDENTITY = new ServiceIdentity("aws", "us-east-1", ACCOUNT);
  private static final String ALLOWED = "KMSInvalidStateException";

  @TempDir
  Path dir;
  private JdbcMetadataStore store;
  private KmsJsonProtocol protocol;
  private final AtomicInteger hsmCalls = new AtomicInteger();
  private final Map<String, CompiledPolicy> keyPolicies = new HashMap<>();
  private PolicyAuthorizer authorizer;
  private String keyId;
  private String keyArn;

  @BeforeEach
  void open() throws Exception {
    store = JdbcMetadataStore.openEmbedded(dir);
    KeyBackend noHsm = (KeyBackend) Proxy.newProxyInstance(KeyBackend.class.getClassLoader(),
        new Class<?>[] {KeyBackend.class}, (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return method.getName().equals("equals") ? proxy == args[0]
                : method.getName().equals("hashCode") ? System.identityHashCode(proxy) : "no HSM";
          }
          hsmCalls.incrementAndGet();
          throw new IllegalStateException("no HSM in this test");
        });
    authorizer = new PolicyAuthorizer(store, IDENTITY, (KmsKey key) -> keyPolicies.computeIfAbsent(
        key.keyId(), id -> CompiledPolicy.compile(PolicyParser.parseKeyPolicy(
            io.trent.policy.DefaultKeyPolicy.text(ACCOUNT)))));
    protocol = new KmsJsonProtocol(KmsServices.create(noHsm, store, IDENTITY, Clock.systemUTC(), KmsPolicy.DEFAULT,
        authorizer));
    JsonNode created = call(root(), "CreateKey", "{\"Origin\":\"EXTERNAL\"}");
    keyId = created.get("KeyMetadata").get("KeyId").asText();
    keyArn = created.get("KeyMetadata").get("Arn").asText();
    hsmCalls.set(0);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void theAccountRootIsAllowedThroughTheDefaultKeyPolicy() {
    assertThat(outcome(root(), "Encrypt", encrypt(keyId))).isEqualTo(ALLOWED + ": " + keyArn + " is pending import.");
    assertThat(hsmCalls).hasValue(0);
  }

  @Test
  void aUserWithoutIdentityPolicyIsDeniedNamingTheMissingIdentityPolicy() {
    Caller bob = user(ACCOUNT, "bob", null);
    assertThat(outcome(bob, "Encrypt", encrypt(keyId))).isEqualTo("AccessDeniedException: User: arn:aws:iam::"
        + ACCOUNT + ":user/bob is not authorized to perform: kms:Encrypt on resource: " + keyArn
        + " because no identity-based policy allows the kms:Encrypt action");
    assertThat(hsmCalls).hasValue(0);
  }

  @Test
  void anIdentityPolicyAllowsOnlyItsActionsThroughTheDefaultKeyPolicysDelegation() {
    Caller bob = user(ACCOUNT, "bob", allow("kms:Encrypt", keyArn));
    assertThat(outcome(bob, "Encrypt", encrypt(keyId))).startsWith(ALLOWED);
    assertThat(outcome(bob, "Encrypt", encrypt("alias/none"))).startsWith("NotFoundException");
    assertThat(outcome(bob, "DescribeKey", "{\"KeyId\":\"" + keyId + "\"}")).isEqualTo("AccessDeniedException: User: "
        + bob.principalArn() + " is not authorized to perform: kms:DescribeKey on resource: " + keyArn
        + " because no identity-based policy allows the kms:DescribeKey action");
  }

  @Test
  void anExplicitDenyInTheIdentityPolicyWins() {
    Caller bob = user(ACCOUNT, "bob", "{\"Version\":\"2012-10-17\",\"Statement\":["
        + "{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"},"
        + "{\"Effect\":\"Deny\",\"Action\":\"kms:Encrypt\",\"Resource\":\"*\"}]}");
    assertThat(outcome(bob, "Encrypt", encrypt(keyId))).isEqualTo("AccessDeniedException: User: " + bob.principalArn()
        + " is not authorized to perform: kms:Encrypt on resource: " + keyArn
        + " with an explicit deny in an identity-based policy");
    assertThat(outcome(bob, "DescribeKey", "{\"KeyId\":\"" + keyId + "\"}")).startsWith("{");
  }

  @Test
  void aConditionOnAnEncryptionContextKeyIsEvaluatedOnTheRequestsContext() {
    Caller bob = user(ACCOUNT, "bob", "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
        + "\"Action\":\"kms:Encrypt\",\"Resource\":\"" + keyArn + "\","
        + "\"Condition\":{\"StringEquals\":{\"kms:EncryptionContext:purpose\":\"backup\"}}}}");
    String withContext = "{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\"AQID\",\"EncryptionContext\":{\"purpose\":\"%s\"}}";
    assertThat(outcome(bob, "Encrypt", withContext.formatted("backup"))).startsWith(ALLOWED);
    assertThat(outcome(bob, "Encrypt", withContext.formatted("other"))).startsWith("AccessDeniedException");
    assertThat(outcome(bob, "Encrypt", encrypt(keyId))).startsWith("AccessDeniedException");
  }

  @Test
  void aKeyPolicyWithoutTheAccountPrincipalGivesIdentityPoliciesNoEffect() {
    keyPolicies.put(keyId, CompiledPolicy.compile(PolicyParser.parseKeyPolicy("{\"Version\":\"2012-10-17\","
        + "\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + ACCOUNT + ":user/alice\"},"
        + "\"Action\":\"kms:*\",\"Resource\":\"*\"}}")));
    Caller bob = user(ACCOUNT, "bob", allow("kms:*", "*"));
    Caller alice = user(ACCOUNT, "alice", null);
    assertThat(outcome(bob, "Encrypt", encrypt(keyId))).isEqualTo("AccessDeniedException: User: " + bob.principalArn()
        + " is not authorized to perform: kms:Encrypt on resource: " + keyArn
        + " because no resource-based policy allows the kms:Encrypt action");
    assertThat(outcome(alice, "Encrypt", encrypt(keyId))).startsWith(ALLOWED);
  }

  @Test
  void anotherAccountReachesAKeyOnlyByArnAndOnlyWhenBothPoliciesAllow() {
    Caller stranger = user(OTHER, "x", allow("kms:*", "*"));
    assertThat(outcome(stranger, "Encrypt", encrypt(keyArn))).isEqualTo("AccessDeniedException: User: "
        + stranger.principalArn() + " is not authorized to perform: kms:Encrypt on resource: " + keyArn
        + " because no resource-based policy allows the kms:Encrypt action");

    keyPolicies.put(keyId, CompiledPolicy.compile(PolicyParser.parseKeyPolicy("{\"Version\":\"2012-10-17\","
        + "\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + ACCOUNT + ":root\"},"
        + "\"Action\":\"kms:*\",\"Resource\":\"*\"},{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + OTHER + "\"},"
        + "\"Action\":\"kms:Encrypt\",\"Resource\":\"*\"}]}")));
    assertThat(outcome(stranger, "Encrypt", encrypt(keyArn))).startsWith(ALLOWED);
    assertThat(outcome(stranger, "Encrypt", encrypt(keyId))).isEqualTo("NotFoundException: Key 'arn:aws:kms:us-east-1:"
        + OTHER + ":key/" + keyId + "' does not exist");
    Caller strangerWithoutPolicy = user(OTHER, "y", null);
    assertThat(outcome(strangerWithoutPolicy, "Encrypt", encrypt(keyArn))).endsWith(
        "because no identity-based policy allows the kms:Encrypt action");
    assertThat(call(stranger, "ListKeys", "{}").get("Keys")).isEmpty();
  }

  @Test
  void accountLevelActionsAreDecidedByIdentityPoliciesAlone() {
    Caller bob = user(ACCOUNT, "bob", null);
    assertThat(outcome(bob, "CreateKey", "{\"Origin\":\"EXTERNAL\"}")).isEqualTo("AccessDeniedException: User: "
        + bob.principalArn() + " is not authorized to perform: kms:CreateKey on resource: *"
        + " because no identity-based policy allows the kms:CreateKey action");
    Caller lister = user(ACCOUNT, "lister", allow("kms:ListKeys", "*"));
    assertThat(call(lister, "ListKeys", "{}").get("Keys")).hasSize(1);
    assertThat(outcome(lister, "ListAliases", "{}")).startsWith("AccessDeniedException");
  }

  @Test
  void reEncryptIsAuthorizedAsReEncryptFromOnItsSourceKey() {
    Caller bob = user(ACCOUNT, "bob", allow("kms:ReEncryptTo", "*"));
    String body = "{\"CiphertextBlob\":\"AQID\",\"SourceKeyId\":\"" + keyId + "\",\"DestinationKeyId\":\"" + keyId + "\"}";
    // kms:ReEncrypt* in the table: the source key needs kms:ReEncryptFrom (the core asks ReEncryptTo on the
    // destination once the ciphertext is read; AuthorizationPlacementTest shows both).
    assertThat(outcome(bob, "ReEncrypt", body)).isEqualTo("AccessDeniedException: User: " + bob.principalArn()
        + " is not authorized to perform: kms:ReEncryptFrom on resource: " + keyArn
        + " because no identity-based policy allows the kms:ReEncryptFrom action");
  }

  @Test
  void anotherAccountMayBeAllowedOnlyTheCrossAccountOperations() {
    keyPolicies.put(keyId, CompiledPolicy.compile(PolicyParser.parseKeyPolicy("{\"Version\":\"2012-10-17\","
        + "\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + ACCOUNT + ":root\"},"
        + "\"Action\":\"kms:*\",\"Resource\":\"*\"},{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + OTHER + "\"},"
        + "\"Action\":\"kms:*\",\"Resource\":\"*\"}]}")));
    Caller stranger = user(OTHER, "x", allow("kms:*", "*"));
    assertThat(outcome(stranger, "DescribeKey", "{\"KeyId\":\"" + keyArn + "\"}")).startsWith("{");
    assertThat(outcome(stranger, "DisableKey", "{\"KeyId\":\"" + keyArn + "\"}")).isEqualTo("AccessDeniedException: "
        + "User: " + stranger.principalArn() + " is not authorized to perform: kms:DisableKey on resource: " + keyArn
        + " because no resource-based policy allows the kms:DisableKey action");
  }

  @Test
  void anArnOfAnotherAccountsKeyIsAccessDeniedWithoutSayingWhetherItExists() {
    String elsewhere = "arn:aws:kms:us-east-1:" + OTHER + ":key/" + keyId;
    assertThat(outcome(root(), "Encrypt", encrypt(elsewhere))).isEqualTo("AccessDeniedException: User: arn:aws:iam::"
        + ACCOUNT + ":root is not authorized to perform: kms:Encrypt on this resource because the resource does not "
        + "exist in this Region, no resource-based policies allow access, or a resource-based policy explicitly denies "
        + "access");
  }

  @Test
  void theEncryptionAlgorithmConditionKeyDefaultsToSymmetricDefault() {
    Caller bob = user(ACCOUNT, "bob", "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
        + "\"Action\":\"kms:Encrypt\",\"Resource\":\"*\","
        + "\"Condition\":{\"StringEquals\":{\"kms:EncryptionAlgorithm\":\"SYMMETRIC_DEFAULT\"}}}}");
    assertThat(outcome(bob, "Encrypt", encrypt(keyId))).startsWith(ALLOWED);
    assertThat(outcome(bob, "Encrypt", "{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\"AQID\","
        + "\"EncryptionAlgorithm\":\"RSAES_OAEP_SHA_256\"}")).startsWith("AccessDeniedException");
  }

  @Test
  void listAliasesIsIamOnlyEvenWithAKeyIdWhoseKeyPolicyDoesNotDelegate() {
    keyPolicies.put(keyId, CompiledPolicy.compile(PolicyParser.parseKeyPolicy("{\"Version\":\"2012-10-17\","
        + "\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + ACCOUNT + ":user/alice\"},"
        + "\"Action\":\"kms:*\",\"Resource\":\"*\"}}")));
    Caller bob = user(ACCOUNT, "bob", allow("kms:ListAliases", "*"));
    assertThat(call(bob, "ListAliases", "{\"KeyId\":\"" + keyId + "\"}").get("Aliases")).isEmpty();
  }

  @Test
  void aChangedIdentityPolicyIsHonouredAfterARefreshAndNotBefore() {
    Caller bob = user(ACCOUNT, "bob", allow("kms:DescribeKey", "*"));
    assertThat(outcome(bob, "Encrypt", encrypt(keyId))).startsWith("AccessDeniedException");

    user(ACCOUNT, "bob", allow("kms:Encrypt", "*"));
    assertThat(outcome(bob, "Encrypt", encrypt(keyId))).as("compiled once, until the refresh")
        .startsWith("AccessDeniedException");
    authorizer.refresh();
    assertThat(outcome(bob, "Encrypt", encrypt(keyId))).startsWith(ALLOWED);
    assertThat(outcome(bob, "DescribeKey", "{\"KeyId\":\"" + keyId + "\"}")).startsWith("AccessDeniedException");
  }

  @Test
  void aliasOperationsNeedThePermissionOnTheAliasAndOnTheKey() {
    String aliasArn = "arn:aws:kms:us-east-1:" + ACCOUNT + ":alias/app";
    Caller keyOnly = user(ACCOUNT, "keyonly", allow("kms:CreateAlias", keyArn));
    assertThat(outcome(keyOnly, "CreateAlias", alias("alias/app", keyId))).isEqualTo("AccessDeniedException: User: "
        + keyOnly.principalArn() + " is not authorized to perform: kms:CreateAlias on resource: " + aliasArn
        + " because no identity-based policy allows the kms:CreateAlias action");
    Caller aliasOnly = user(ACCOUNT, "aliasonly", allow("kms:CreateAlias", aliasArn));
    assertThat(outcome(aliasOnly, "CreateAlias", alias("alias/app", keyId))).isEqualTo("AccessDeniedException: User: "
        + aliasOnly.principalArn() + " is not authorized to perform: kms:CreateAlias on resource: " + keyArn
        + " because no identity-based policy allows the kms:CreateAlias action");
    Caller both = user(ACCOUNT, "both", "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
        + "\"Action\":[\"kms:CreateAlias\",\"kms:UpdateAlias\"],\"Resource\":[\"" + keyArn + "\",\"" + aliasArn + "\"]}}");
    assertThat(outcome(both, "CreateAlias", alias("alias/app", keyId))).isEqualTo("{}");

    // UpdateAlias needs the alias, the key it leaves and the key it gets.
    String second = call(root(), "CreateKey", "{\"Origin\":\"EXTERNAL\"}").get("KeyMetadata").get("Arn").asText();
    assertThat(outcome(both, "UpdateAlias", "{\"AliasName\":\"alias/app\",\"TargetKeyId\":\"" + second + "\"}"))
        .isEqualTo("AccessDeniedException: User: " + both.principalArn() + " is not authorized to perform: "
            + "kms:UpdateAlias on resource: " + second + " because no identity-based policy allows the kms:UpdateAlias"
            + " action");
    Caller deleter = user(ACCOUNT, "deleter", allow("kms:DeleteAlias", keyArn));
    assertThat(outcome(deleter, "DeleteAlias", "{\"AliasName\":\"alias/app\"}")).endsWith(
        "kms:DeleteAlias on resource: " + aliasArn + " because no identity-based policy allows the kms:DeleteAlias action");
    assertThat(outcome(root(), "DeleteAlias", "{\"AliasName\":\"alias/app\"}")).isEqualTo("{}");
  }

  @Test
  void theRequestedRegionConditionKeyIsTheRequestsRegion() {
    String onlyWest = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"kms:CreateKey\","
        + "\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:RequestedRegion\":\"us-west-2\"}}}}";
    Caller east = user(ACCOUNT, "bob", onlyWest);
    assertThat(outcome(east, "CreateKey", "{\"Origin\":\"EXTERNAL\"}")).startsWith("AccessDeniedException");
    JsonNode created = call(east.inRegion("us-west-2"), "CreateKey", "{\"Origin\":\"EXTERNAL\"}").get("KeyMetadata");
    assertThat(created.get("Arn").asText()).startsWith("arn:aws:kms:us-west-2:" + ACCOUNT + ":key/");
  }

  @Test
  void anotherAccountsKeyIsAuthorizedWithThatAccountAsTheResourceAccount() {
    // A key of the other account, created by its root: its default key policy names that account's root.
    Caller otherRoot = new Caller(OTHER, "arn:aws:iam::" + OTHER + ":root", "AKIAOTHER", "us-east-1", false);
    JsonNode theirs = call(otherRoot, "CreateKey", "{\"Origin\":\"EXTERNAL\"}").get("KeyMetadata");
    String theirArn = theirs.get("Arn").asText();
    assertThat(theirArn).startsWith("arn:aws:kms:us-east-1:" + OTHER + ":key/");
    assertThat(theirs.get("AWSAccountId").asText()).isEqualTo(OTHER);
    assertThat(call(otherRoot, "ListKeys", "{}").get("Keys")).extracting(k -> k.get("KeyArn").asText())
        .containsExactly(theirArn);
    assertThat(call(root(), "ListKeys", "{}").get("Keys")).extracting(k -> k.get("KeyArn").asText())
        .containsExactly(keyArn);

    Caller bob = user(ACCOUNT, "bob", allow("kms:*", "*"));
    keyPolicies.put(theirs.get("KeyId").asText(), CompiledPolicy.compile(PolicyParser.parseKeyPolicy(
        io.trent.policy.DefaultKeyPolicy.text(OTHER))));
    assertThat(outcome(bob, "Encrypt", encrypt(theirArn))).isEqualTo("AccessDeniedException: User: "
        + bob.principalArn() + " is not authorized to perform: kms:Encrypt on resource: " + theirArn
        + " because no resource-based policy allows the kms:Encrypt action");
    keyPolicies.put(theirs.get("KeyId").asText(), CompiledPolicy.compile(PolicyParser.parseKeyPolicy(
        "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ACCOUNT
            + "\"},\"Action\":\"kms:Encrypt\",\"Resource\":\"*\"}}")));
    assertThat(outcome(bob, "Encrypt", encrypt(theirArn))).startsWith(ALLOWED);
  }

  private static String alias(String name, String target) {
    return "{\"AliasName\":\"" + name + "\",\"TargetKeyId\":\"" + target + "\"}";
  }

  private static String allow(String action, String resource) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"" + action
        + "\",\"Resource\":\"" + resource + "\"}}";
  }

  private static String encrypt(String keyId) {
    return "{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\"AQID\"}";
  }

  private static Caller root() {
    return new Caller(ACCOUNT, "arn:aws:iam::" + ACCOUNT + ":root", "AKIAROOT", "us-east-1", false);
  }

  private Caller user(String account, String name, String policy) {
    String arn = "arn:aws:iam::" + account + ":user/" + name;
    store.putPrincipal(new Principal(PrincipalArn.parse(arn), policy, Instant.now()));
    return new Caller(account, arn, "AKIA" + name.toUpperCase(), "us-east-1", false);
  }

  private JsonNode call(Caller caller, String operation, String body) {
    try {
      return JSON.readTree(protocol.handle(operation, body.getBytes(StandardCharsets.UTF_8), caller, "127.0.0.1"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The response body, or {@code <type>: <message>} for an error. */
  private String outcome(Caller caller, String operation, String body) {
    try {
      return call(caller, operation, body).toString();
    } catch (KmsException e) {
      return e.errorType() + ": " + e.awsMessage();
    }
  }
}
