package io.trent.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trent.core.KmsPolicy;
import io.trent.core.auth.Caller;
import io.trent.core.auth.Principal;
import io.trent.core.auth.PrincipalArn;
import io.trent.core.error.KmsException;
import io.trent.core.grant.GrantConstraints;
import io.trent.core.grant.GrantOperation;
import io.trent.core.grant.GrantToken;
import io.trent.core.grant.GrantsInForce;
import io.trent.core.grant.KmsGrant;
import io.trent.core.grant.StoredGrantCache;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.service.KmsServiceFactory;
import io.trent.core.spi.KeyBackend;
import io.trent.metadata.jdbc.JdbcMetadataStore;
import io.trent.server.protocol.KmsJsonProtocol;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grants through the JSON protocol, the operation table, {@link PolicyAuthorizer} with its grant cache and a real
 * H2 store, as {@code TrentServer} wires them; keys of origin EXTERNAL (PendingImport: no HSM), so an allowed
 * Encrypt answers KMSInvalidStateException and a denied one AccessDeniedException. CreateGrant's condition keys
 * come from the request as the table says.
 */
class GrantAuthorizationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCOUNT = "111122223333";
  private static final ServiceIdentity IDENTITY = new ServiceIdentity("aws", "us-east-1", ACCOUNT);
  private static final String ALLOWED = "KMSInvalidStateException";
  private static final String ALICE = "arn:aws:iam::" + ACCOUNT + ":user/alice";

  @TempDir
  Path dir;
  private JdbcMetadataStore store;
  private KmsJsonProtocol protocol;
  private String keyId;

  @BeforeEach
  void open() {
    store = JdbcMetadataStore.openEmbedded(dir);
    KeyBackend noHsm = (KeyBackend) Proxy.newProxyInstance(KeyBackend.class.getClassLoader(),
        new Class<?>[] {KeyBackend.class}, (proxy, method, args) -> {
          throw new IllegalStateException("no HSM in this test");
        });
    StoredGrantCache grants = new StoredGrantCache(store);
    PolicyAuthorizer authorizer = new PolicyAuthorizer(store, IDENTITY, new GrantsInForce(grants, store));
    protocol = new KmsJsonProtocol(KmsServiceFactory.create(noHsm, store, IDENTITY, Clock.systemUTC(),
        KmsPolicy.DEFAULT, authorizer, grants));
    keyId = call(root(), "CreateKey", "{\"Origin\":\"EXTERNAL\"}").get("KeyMetadata").get("KeyId").asText();
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aGrantAllowsItsGranteeFromTheNextRequestUntilRevoked() {
    Caller alice = user("alice", null);
    assertThat(outcome(alice, "Encrypt", encrypt())).startsWith("AccessDeniedException");

    String grantId = call(root(), "CreateGrant", "{\"KeyId\":\"" + keyId + "\",\"GranteePrincipal\":\"" + ALICE
        + "\",\"Operations\":[\"Encrypt\"]}").get("GrantId").asText();
    assertThat(outcome(alice, "Encrypt", encrypt())).startsWith(ALLOWED);
    assertThat(outcome(alice, "DescribeKey", "{\"KeyId\":\"" + keyId + "\"}")).startsWith("AccessDeniedException");

    call(root(), "RevokeGrant", "{\"KeyId\":\"" + keyId + "\",\"GrantId\":\"" + grantId + "\"}");
    assertThat(outcome(alice, "Encrypt", encrypt())).startsWith("AccessDeniedException");
  }

  @Test
  void createGrantSetsTheGrantConditionKeys() {
    Caller bob = user("bob", "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
        + "\"Action\":\"kms:CreateGrant\",\"Resource\":\"*\",\"Condition\":{"
        + "\"ForAllValues:StringEquals\":{\"kms:GrantOperations\":[\"Encrypt\",\"Decrypt\"]},"
        + "\"StringEquals\":{\"kms:GranteePrincipal\":\"" + ALICE + "\",\"kms:RetiringPrincipal\":\"" + ACCOUNT + "\","
        + "\"kms:GrantConstraintType\":\"EncryptionContextEquals\"}}}}");
    String ok = "{\"KeyId\":\"" + keyId + "\",\"GranteePrincipal\":\"" + ALICE + "\",\"RetiringPrincipal\":\""
        + ACCOUNT + "\",\"Operations\":[\"Encrypt\",\"Decrypt\"],"
        + "\"Constraints\":{\"EncryptionContextEquals\":{\"a\":\"b\"}}}";

    assertThat(outcome(bob, "CreateGrant", ok)).contains("GrantId");
    assertThat(outcome(bob, "CreateGrant", ok.replace("\"Decrypt\"", "\"DescribeKey\"")))
        .as("kms:GrantOperations").startsWith("AccessDeniedException");
    assertThat(outcome(bob, "CreateGrant", ok.replace(ALICE, ALICE + "2")))
        .as("kms:GranteePrincipal").startsWith("AccessDeniedException");
    assertThat(outcome(bob, "CreateGrant", ok.replace("\"RetiringPrincipal\":\"" + ACCOUNT + "\",", "")))
        .as("kms:RetiringPrincipal").startsWith("AccessDeniedException");
    assertThat(outcome(bob, "CreateGrant", ok.replace("EncryptionContextEquals", "EncryptionContextSubset")))
        .as("kms:GrantConstraintType").startsWith("AccessDeniedException");
  }

  @Test
  void aTokenMakesAGrantCountBeforeThisNodeCachedItAndAnUnknownOneIsRefused() {
    Caller alice = user("alice", null);
    assertThat(outcome(alice, "Encrypt", encrypt())).startsWith("AccessDeniedException"); // grants now cached
    // Another node sharing the database creates a grant.
    KmsGrant elsewhere = new KmsGrant(keyId, GrantToken.newGrantId(), null, Instant.now(), ALICE, null,
        "arn:aws:iam::" + ACCOUNT + ":root", List.of(GrantOperation.Encrypt), GrantConstraints.NONE);
    store.insertGrant(elsewhere, 10);
    String token = new GrantToken(keyId, elsewhere.grantId()).encode();

    assertThat(outcome(alice, "Encrypt", encrypt())).as("not cached yet").startsWith("AccessDeniedException");
    assertThat(outcome(alice, "Encrypt", "{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\"AQID\",\"GrantTokens\":[\""
        + token + "\"]}")).startsWith(ALLOWED);
    String unknown = new GrantToken(keyId, GrantToken.newGrantId()).encode();
    assertThat(outcome(alice, "Encrypt", "{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\"AQID\",\"GrantTokens\":[\""
        + unknown + "\"]}")).isEqualTo("InvalidGrantTokenException: The specified grant token is not valid.");
  }

  private String encrypt() {
    return "{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\"AQID\"}";
  }

  private static Caller root() {
    return new Caller(ACCOUNT, "arn:aws:iam::" + ACCOUNT + ":root", "AKIAROOT", "us-east-1", false);
  }

  private Caller user(String name, String policy) {
    String arn = "arn:aws:iam::" + ACCOUNT + ":user/" + name;
    store.putPrincipal(new Principal(PrincipalArn.parse(arn), policy, Instant.now()));
    return new Caller(ACCOUNT, arn, "AKIA" + name.toUpperCase(), "us-east-1", false);
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
