package io.trent.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trent.core.KmsPolicy;
import io.trent.core.KmsServices;
import io.trent.core.auth.Caller;
import io.trent.core.auth.Principal;
import io.trent.core.auth.PrincipalArn;
import io.trent.core.auth.PrincipalTags;
import io.trent.core.auth.RequestScope;
import io.trent.core.error.AccessDeniedException;
import io.trent.core.error.KmsException;
import io.trent.core.key.Alias;
import io.trent.core.key.KmsKey;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.spi.KeyBackend;
import io.trent.metadata.jdbc.JdbcMetadataStore;
import io.trent.policy.CompiledPolicy;
import io.trent.policy.DefaultKeyPolicy;
import io.trent.policy.PolicyParser;
import io.trent.server.config.ServiceIntegration;
import io.trent.server.protocol.KmsJsonProtocol;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The condition keys the server adds to every request (who calls and how: services, tags, TLS, time, the key's
 * aliases), through the JSON protocol, the real core services, the policy module and a real H2 store. Keys are
 * of origin EXTERNAL (PendingImport, no HSM needed): an allowed request answers KMSInvalidStateException.
 * Sources: kdg:conditions-kms (kms:ViaService, kms:GrantIsForAWSResource, kms:ResourceAliases, kms:RequestAlias),
 * iamdoc:reference_policies_condition-keys (aws:*).
 */
class ConditionKeysTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCOUNT = "111122223333";
  private static final ServiceIdentity IDENTITY = new ServiceIdentity("aws", "us-east-1", ACCOUNT);
  private static final String ALLOWED = "KMSInvalidStateException";
  private static final String DENIED = "AccessDeniedException";
  private static final String S3_ROLE = "arn:aws:iam::" + ACCOUNT + ":role/s3-gateway";
  private static final Instant NOW = Instant.parse("2026-12-03T17:00:00Z");

  @TempDir Path dir;
  private JdbcMetadataStore store;
  private KmsJsonProtocol protocol;
  private PolicyAuthorizer authorizer;
  private final Map<String, CompiledPolicy> keyPolicies = new HashMap<>();
  private String keyId;
  private String keyArn;

  private void open(boolean tls, Instant now) throws Exception {
    store = JdbcMetadataStore.openEmbedded(dir);
    KeyBackend noHsm = (KeyBackend) Proxy.newProxyInstance(KeyBackend.class.getClassLoader(),
        new Class<?>[] {KeyBackend.class}, (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return method.getName().equals("equals") ? proxy == args[0]
                : method.getName().equals("hashCode") ? System.identityHashCode(proxy) : "no HSM";
          }
          throw new IllegalStateException("no HSM in this test");
        });
    CallerConditionKeys callerKeys = new CallerConditionKeys(List.of(new ServiceIntegration(S3_ROLE, "s3")), tls,
        Clock.fixed(now, ZoneOffset.UTC));
    authorizer = new PolicyAuthorizer(store, IDENTITY, (KmsKey key) -> keyPolicies.computeIfAbsent(key.keyId(),
        id -> compile(DefaultKeyPolicy.text(ACCOUNT))), callerKeys);
    protocol = new KmsJsonProtocol(KmsServices.create(noHsm, store, IDENTITY, Clock.systemUTC(), KmsPolicy.DEFAULT,
        authorizer));
    JsonNode created = call(root(), "CreateKey", "{\"Origin\":\"EXTERNAL\"}");
    keyId = created.get("KeyMetadata").get("KeyId").asText();
    keyArn = created.get("KeyMetadata").get("Arn").asText();
  }

  private void open() throws Exception {
    open(false, NOW);
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void viaServiceIsSetForAConfiguredServicePrincipalOnKeyOperations() throws Exception {
    open();
    // AWS's documented shape: any principal of the account, only through the service [D kdg:conditions-kms].
    keyPolicies.put(keyId, compile(keyPolicy("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"kms:Encrypt\","
        + "\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"kms:CallerAccount\":\"" + ACCOUNT + "\","
        + "\"kms:ViaService\":\"s3.us-east-1.amazonaws.com\"}}}")));
    Caller s3 = principal(S3_ROLE, null, PrincipalTags.NONE);
    Caller bob = principal("arn:aws:iam::" + ACCOUNT + ":user/bob", null, PrincipalTags.NONE);

    assertThat(outcome(s3, "Encrypt", encrypt(keyId))).startsWith(ALLOWED);
    assertThat(outcome(bob, "Encrypt", encrypt(keyId))).as("not via a service").startsWith(DENIED);
    // The region is the request's credential scope's (a key is reachable only from its own region, so the
    // policy names another region's endpoint instead).
    keyPolicies.put(keyId, compile(keyPolicy("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"kms:Encrypt\","
        + "\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"kms:CallerAccount\":\"" + ACCOUNT + "\","
        + "\"kms:ViaService\":\"s3.us-west-2.amazonaws.com\"}}}")));
    assertThat(outcome(s3, "Encrypt", encrypt(keyId))).startsWith(DENIED);
  }

  @Test
  void viaServiceIsNotSetWithoutAKeyAndAViaServiceDenyStopsTheService() throws Exception {
    open();
    Caller s3 = principal(S3_ROLE, "{\"Version\":\"2012-10-17\",\"Statement\":["
        + "{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"},"
        + "{\"Effect\":\"Deny\",\"Action\":\"kms:*\",\"Resource\":\"*\",\"Condition\":{\"StringLike\":"
        + "{\"kms:ViaService\":\"s3.*\"}}}]}", PrincipalTags.NONE);
    assertThat(outcome(s3, "Encrypt", encrypt(keyId))).startsWith(DENIED + ": User: " + S3_ROLE).endsWith(
        "with an explicit deny in an identity-based policy");
    // ListKeys is not a KMS key resource operation: no kms:ViaService [D kdg:conditions-kms].
    assertThat(outcome(s3, "ListKeys", "{}")).startsWith("{\"Keys\"");
  }

  @Test
  void grantIsForAwsResourceIsTrueOnlyForServicePrincipalsOnTheGrantOperations() throws Exception {
    open();
    String onlyForServices = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"kms:*\","
        + "\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"kms:GrantIsForAWSResource\":\"true\"}}}}";
    Caller s3 = principal(S3_ROLE, onlyForServices, PrincipalTags.NONE);
    Caller bob = principal("arn:aws:iam::" + ACCOUNT + ":user/bob", onlyForServices, PrincipalTags.NONE);
    KmsKey key = store.findKey(keyId).map(k -> k).orElseThrow();

    for (String action : new String[] {"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}) {
      authorizer.authorize(new RequestScope(s3, action, null, null), key, keyId);
      assertThatThrownBy(() -> authorizer.authorize(new RequestScope(bob, action, null, null), key, keyId))
          .as(action).isInstanceOf(AccessDeniedException.class);
    }
    assertThatThrownBy(() -> authorizer.authorize(new RequestScope(s3, "kms:Encrypt", null, null), key, keyId))
        .as("absent on other operations").isInstanceOf(AccessDeniedException.class);
  }

  @Test
  void principalTagsAreConditionKeysAndATagChangeIsHonouredAfterTheRefresh() throws Exception {
    open();
    String teamCrypto = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"kms:Encrypt\","
        + "\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalTag/Team\":\"crypto\"}}}}";
    Caller alice = principal("arn:aws:iam::" + ACCOUNT + ":user/alice", teamCrypto, tags("team", "crypto"));
    Caller carol = principal("arn:aws:iam::" + ACCOUNT + ":role/carol", teamCrypto, tags("team", "web"));

    assertThat(outcome(alice, "Encrypt", encrypt(keyId))).as("tag key names are case-insensitive").startsWith(ALLOWED);
    assertThat(outcome(carol, "Encrypt", encrypt(keyId))).startsWith(DENIED);

    store.putPrincipal(new Principal(PrincipalArn.parse(carol.principalArn()), null, NOW, tags("team", "crypto")));
    assertThat(outcome(carol, "Encrypt", encrypt(keyId))).as("cached until the refresh").startsWith(DENIED);
    authorizer.refresh();
    assertThat(outcome(carol, "Encrypt", encrypt(keyId))).startsWith(ALLOWED);
  }

  @Test
  void resourceAliasesAreTheKeysAliasesHoweverTheRequestNamesTheKey() throws Exception {
    open();
    Caller bob = principal("arn:aws:iam::" + ACCOUNT + ":user/bob", "{\"Version\":\"2012-10-17\",\"Statement\":"
        + "{\"Effect\":\"Allow\",\"Action\":\"kms:Encrypt\",\"Resource\":\"*\",\"Condition\":"
        + "{\"ForAnyValue:StringLike\":{\"kms:ResourceAliases\":\"alias/finance-*\"}}}}", PrincipalTags.NONE);
    assertThat(outcome(bob, "Encrypt", encrypt(keyId))).as("no aliases yet").startsWith(DENIED);

    call(root(), "CreateAlias", "{\"AliasName\":\"alias/finance-key\",\"TargetKeyId\":\"" + keyId + "\"}");
    call(root(), "CreateAlias", "{\"AliasName\":\"alias/other\",\"TargetKeyId\":\"" + keyId + "\"}");
    assertThat(outcome(bob, "Encrypt", encrypt(keyId))).as("by key id").startsWith(ALLOWED);
    assertThat(outcome(bob, "Encrypt", encrypt(keyArn))).as("by key ARN").startsWith(ALLOWED);

    call(root(), "DeleteAlias", "{\"AliasName\":\"alias/finance-key\"}");
    assertThat(outcome(bob, "Encrypt", encrypt(keyId))).as("an alias change applies at once").startsWith(DENIED);
  }

  @Test
  void resourceAliasesFailClosedBeyondFiftyAliases() throws Exception {
    open();
    Caller bob = principal("arn:aws:iam::" + ACCOUNT + ":user/bob", "{\"Version\":\"2012-10-17\",\"Statement\":"
        + "{\"Effect\":\"Allow\",\"Action\":\"kms:Encrypt\",\"Resource\":\"*\",\"Condition\":"
        + "{\"ForAnyValue:StringEquals\":{\"kms:ResourceAliases\":\"alias/a0\"}}}}", PrincipalTags.NONE);
    for (int i = 0; i < 50; i++) {
      store.insertAlias(new Alias(IDENTITY.home(), "alias/a" + i, keyId, NOW, NOW));
    }
    assertThat(outcome(bob, "Encrypt", encrypt(keyId))).as("50 aliases: within the quota").startsWith(ALLOWED);
    store.insertAlias(new Alias(IDENTITY.home(), "alias/a50", keyId, NOW, NOW));
    assertThat(outcome(bob, "Encrypt", encrypt(keyId))).isEqualTo(DENIED + ": User: " + bob.principalArn()
        + " is not authorized to perform: kms:Encrypt on resource: " + keyArn
        + " because no identity-based policy allows the kms:Encrypt action");
  }

  @Test
  void secureTransportIsTrueOnlyOnATlsServer() throws Exception {
    String tlsOnly = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"kms:Encrypt\","
        + "\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"true\"}}}}";
    open(false, NOW);
    Caller bob = principal("arn:aws:iam::" + ACCOUNT + ":user/bob", tlsOnly, PrincipalTags.NONE);
    assertThat(outcome(bob, "Encrypt", encrypt(keyId))).startsWith(DENIED);
    store.close();

    open(true, NOW);
    assertThat(outcome(bob, "Encrypt", encrypt(keyId))).startsWith(ALLOWED);
  }

  @Test
  void currentTimeAndEpochTimeComeFromTheServersClock() throws Exception {
    String until2030 = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"kms:Encrypt\","
        + "\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":{\"aws:CurrentTime\":\"2030-01-01T00:00:00Z\"},"
        + "\"NumericLessThan\":{\"aws:EpochTime\":\"1893456000\"}}}}";
    open(false, NOW);
    Caller bob = principal("arn:aws:iam::" + ACCOUNT + ":user/bob", until2030, PrincipalTags.NONE);
    assertThat(outcome(bob, "Encrypt", encrypt(keyId))).startsWith(ALLOWED);
    store.close();

    open(false, Instant.parse("2030-01-01T00:00:00Z"));
    assertThat(outcome(bob, "Encrypt", encrypt(keyId))).startsWith(DENIED);
  }

  @Test
  void principalTypeUserIdAndUserNameAreAwssForEachKindOfPrincipal() throws Exception {
    open();
    String bobArn = "arn:aws:iam::" + ACCOUNT + ":user/dept/bob";
    Principal stored = new Principal(PrincipalArn.parse(bobArn), null, NOW);
    String userId = stored.uniqueId();
    assertThat(userId).matches("AIDA[A-Z2-7]{17}");
    Caller bob = principal(bobArn, "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
        + "\"Action\":\"kms:Encrypt\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalType\":\"User\","
        + "\"aws:username\":\"bob\",\"aws:userid\":\"" + userId + "\"}}}}", PrincipalTags.NONE);
    assertThat(outcome(bob, "Encrypt", encrypt(keyId))).startsWith(ALLOWED);

    String roleArn = "arn:aws:iam::" + ACCOUNT + ":role/app";
    String roleId = new Principal(PrincipalArn.parse(roleArn), null, NOW).uniqueId();
    assertThat(roleId).matches("AROA[A-Z2-7]{17}");
    Caller app = principal(roleArn, "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
        + "\"Action\":\"kms:Encrypt\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":"
        + "{\"aws:PrincipalType\":\"AssumedRole\"},\"StringLike\":{\"aws:userid\":\"" + roleId + ":*\"},"
        + "\"Null\":{\"aws:username\":\"true\"}}}}", PrincipalTags.NONE);
    assertThat(outcome(app, "Encrypt", encrypt(keyId))).startsWith(ALLOWED);

    // Only the account root, by its type and id, without the account's delegation to IAM policies.
    keyPolicies.put(keyId, compile("{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":"
        + "{\"AWS\":\"*\"},\"Action\":\"kms:*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":"
        + "{\"aws:PrincipalType\":\"Account\",\"aws:userid\":\"" + ACCOUNT + "\"}}}}"));
    assertThat(outcome(root(), "Encrypt", encrypt(keyId))).startsWith(ALLOWED);
    assertThat(outcome(bob, "Encrypt", encrypt(keyId))).startsWith(DENIED);
  }

  @Test
  void requestAliasIsSetForCryptographicOperationsButNotForAliasOperations() throws Exception {
    open();
    call(root(), "CreateAlias", "{\"AliasName\":\"alias/app\",\"TargetKeyId\":\"" + keyId + "\"}");
    Caller bob = principal("arn:aws:iam::" + ACCOUNT + ":user/bob", "{\"Version\":\"2012-10-17\",\"Statement\":["
        + "{\"Effect\":\"Allow\",\"Action\":\"kms:Encrypt\",\"Resource\":\"*\",\"Condition\":"
        + "{\"StringEquals\":{\"kms:RequestAlias\":\"alias/app\"}}},"
        + "{\"Effect\":\"Allow\",\"Action\":\"kms:DeleteAlias\",\"Resource\":\"*\",\"Condition\":"
        + "{\"Null\":{\"kms:RequestAlias\":\"true\"}}}]}", PrincipalTags.NONE);
    assertThat(outcome(bob, "Encrypt", encrypt("alias/app"))).startsWith(ALLOWED);
    assertThat(outcome(bob, "Encrypt", encrypt(keyId))).startsWith(DENIED);
    assertThat(outcome(bob, "DeleteAlias", "{\"AliasName\":\"alias/app\"}")).isEqualTo("{}");
  }

  @Test
  void bypassPolicyLockoutSafetyCheckIsSetWhenTheRequestHasIt() throws Exception {
    open();
    Caller bob = principal("arn:aws:iam::" + ACCOUNT + ":user/bob", "{\"Version\":\"2012-10-17\",\"Statement\":["
        + "{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"},"
        + "{\"Effect\":\"Deny\",\"Action\":[\"kms:PutKeyPolicy\",\"kms:CreateKey\"],\"Resource\":\"*\",\"Condition\":"
        + "{\"Bool\":{\"kms:BypassPolicyLockoutSafetyCheck\":\"true\"}}}]}", PrincipalTags.NONE);
    String policy = JSON.writeValueAsString(DefaultKeyPolicy.text(ACCOUNT));
    assertThat(outcome(bob, "PutKeyPolicy", "{\"KeyId\":\"" + keyId + "\",\"Policy\":" + policy
        + ",\"BypassPolicyLockoutSafetyCheck\":true}")).startsWith(DENIED).endsWith("explicit deny in an identity-based policy");
    assertThat(outcome(bob, "CreateKey", "{\"BypassPolicyLockoutSafetyCheck\":true,\"Origin\":\"EXTERNAL\"}"))
        .startsWith(DENIED);
    assertThat(outcome(bob, "PutKeyPolicy", "{\"KeyId\":\"" + keyId + "\",\"Policy\":" + policy + "}")).isEqualTo("{}");
  }

  @Test
  void multiRegionIsFalseOnEveryKey() throws Exception {
    open();
    Caller bob = principal("arn:aws:iam::" + ACCOUNT + ":user/bob", "{\"Version\":\"2012-10-17\",\"Statement\":["
        + "{\"Effect\":\"Allow\",\"Action\":\"kms:Encrypt\",\"Resource\":\"*\",\"Condition\":"
        + "{\"Bool\":{\"kms:MultiRegion\":\"false\"}}},"
        + "{\"Effect\":\"Allow\",\"Action\":\"kms:DescribeKey\",\"Resource\":\"*\",\"Condition\":"
        + "{\"Bool\":{\"kms:MultiRegion\":\"true\"}}}]}", PrincipalTags.NONE);
    assertThat(outcome(bob, "Encrypt", encrypt(keyId))).startsWith(ALLOWED);
    assertThat(outcome(bob, "DescribeKey", "{\"KeyId\":\"" + keyId + "\"}")).startsWith(DENIED);
  }

  private static PrincipalTags tags(String key, String value) {
    return new PrincipalTags(Map.of(key, value));
  }

  private static CompiledPolicy compile(String keyPolicy) {
    return CompiledPolicy.compile(PolicyParser.parseKeyPolicy(keyPolicy));
  }

  /** The default key policy's statement (the account may delegate) plus {@code statement}. */
  private static String keyPolicy(String statement) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"root\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
        + "\"arn:aws:iam::" + ACCOUNT + ":root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}," + statement + "]}";
  }

  private static String encrypt(String keyId) {
    return "{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\"AQID\"}";
  }

  private static Caller root() {
    return new Caller(ACCOUNT, "arn:aws:iam::" + ACCOUNT + ":root", "AKIAROOT", "us-east-1", false);
  }

  private Caller principal(String arn, String policy, PrincipalTags tags) {
    store.putPrincipal(new Principal(PrincipalArn.parse(arn), policy, NOW, tags));
    boolean role = arn.contains(":role/");
    return new Caller(ACCOUNT, arn, role ? "ASIATEST" : "AKIATEST", "us-east-1", role);
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
