package io.trent.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.trent.core.auth.Caller;
import io.trent.policy.DefaultKeyPolicy;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CreateKey's Policy and BypassPolicyLockoutSafetyCheck, and PutKeyPolicy, GetKeyPolicy, ListKeyPolicies
 * on the wire: members bound, response members, AWS's error types, and the caller reaching the lockout
 * check. Keys are created with Origin EXTERNAL, which needs no HSM work.
 */
class KeyPolicyProtocolTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROOT = "arn:aws:iam::111122223333:root";
  private static final Caller ALICE =
      new Caller("111122223333", "arn:aws:iam::111122223333:user/alice", "AKIAALICE", "us-east-1", false);
  private static final String ACCOUNT_ONLY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
      + "\"Principal\":{\"AWS\":\"" + ROOT + "\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";

  static ProtocolHarness harness;

  @BeforeAll
  static void start(@TempDir Path dir) {
    harness = new ProtocolHarness(dir);
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  private static String quoted(String text) throws Exception {
    return JSON.writeValueAsString(text);
  }

  private static String createKey(String members, Caller caller) {
    ProtocolHarness.Outcome created = harness.call("CreateKey", "{\"Origin\":\"EXTERNAL\"" + members + "}", caller);
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    return created.json().path("KeyMetadata").path("KeyId").asText();
  }

  @Test
  void createKeyWithoutPolicyGetsTheDefaultAndGetKeyPolicyNamesIt() {
    String keyId = createKey("", null);

    ProtocolHarness.Outcome got = harness.call("GetKeyPolicy", "{\"KeyId\":\"" + keyId + "\"}");
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.json().path("Policy").asText()).isEqualTo(DefaultKeyPolicy.text("111122223333"));
    assertThat(got.json().path("PolicyName").asText()).isEqualTo("default");
    assertThat(harness.call("ListKeyPolicies", "{\"KeyId\":\"" + keyId + "\",\"Limit\":10}").json())
        .isEqualTo(JSON.valueToTree(Map.of("PolicyNames", java.util.List.of("default"), "Truncated", false)));
  }

  @Test
  void createKeyAndPutKeyPolicyStoreTheExactText() throws Exception {
    String spaced = ACCOUNT_ONLY.replace(",", ",\n  ");
    String keyId = createKey(",\"Policy\":" + quoted(spaced), null);
    assertThat(harness.call("GetKeyPolicy", "{\"KeyId\":\"" + keyId + "\",\"PolicyName\":\"default\"}")
        .json().path("Policy").asText()).isEqualTo(spaced);

    ProtocolHarness.Outcome put = harness.call("PutKeyPolicy",
        "{\"KeyId\":\"" + keyId + "\",\"PolicyName\":\"default\",\"Policy\":" + quoted(ACCOUNT_ONLY + " ") + "}");
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(put.body()).isEqualTo("{}");
    assertThat(harness.call("GetKeyPolicy", "{\"KeyId\":\"" + keyId + "\"}").json().path("Policy").asText())
        .isEqualTo(ACCOUNT_ONLY + " ");
  }

  @Test
  void malformedAndOversizePoliciesGetAwsErrorTypes() throws Exception {
    String keyId = createKey("", null);

    ProtocolHarness.Outcome malformed = harness.call("PutKeyPolicy",
        "{\"KeyId\":\"" + keyId + "\",\"Policy\":" + quoted("{\"Version\":\"2012-10-17\"}") + "}");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.errorType()).isEqualTo("MalformedPolicyDocumentException");
    ProtocolHarness.Outcome notJson = harness.call("CreateKey", "{\"Policy\":\"x\"}");
    assertThat(notJson.errorType()).isEqualTo("MalformedPolicyDocumentException");
    assertThat(notJson.message()).isEmpty();
    ProtocolHarness.Outcome large = harness.call("PutKeyPolicy",
        "{\"KeyId\":\"" + keyId + "\",\"Policy\":" + quoted(ACCOUNT_ONLY + " ".repeat(32_768)) + "}");
    assertThat(large.errorType()).isEqualTo("LimitExceededException");
    ProtocolHarness.Outcome otherName = harness.call("GetKeyPolicy", "{\"KeyId\":\"" + keyId + "\",\"PolicyName\":\"x\"}");
    assertThat(otherName.errorType()).isEqualTo("NotFoundException");
  }

  @Test
  void theSignedCallerReachesTheLockoutCheck() throws Exception {
    String keyId = createKey("", null);
    String body = "{\"KeyId\":\"" + keyId + "\",\"Policy\":" + quoted(ACCOUNT_ONLY);

    // Unsigned (dev mode) the caller is the account root, whom the account principal lets in.
    assertThat(harness.call("PutKeyPolicy", body + "}", null).status()).isEqualTo(200);
    ProtocolHarness.Outcome refused = harness.call("PutKeyPolicy", body + "}", ALICE);
    assertThat(refused.errorType()).isEqualTo("MalformedPolicyDocumentException");
    assertThat(refused.message()).isEqualTo("The new key policy will not allow you to update the key policy in the future.");
    assertThat(harness.call("PutKeyPolicy", body + ",\"BypassPolicyLockoutSafetyCheck\":true}", ALICE).status())
        .isEqualTo(200);
    assertThat(harness.call("CreateKey", "{\"Origin\":\"EXTERNAL\",\"Policy\":" + quoted(ACCOUNT_ONLY) + "}", ALICE)
        .errorType()).isEqualTo("MalformedPolicyDocumentException");
    createKey(",\"Policy\":" + quoted(ACCOUNT_ONLY) + ",\"BypassPolicyLockoutSafetyCheck\":true", ALICE);
  }

  @Test
  void theKeyPolicyOperationsAreAuthorizedOnTheirKey() {
    for (String operation : new String[] {"PutKeyPolicy", "GetKeyPolicy", "ListKeyPolicies"}) {
      OperationAuth auth = KmsModel.authorizations().get(operation);
      assertThat(auth.action()).isEqualTo("kms:" + operation);
      assertThat(auth.keyMember()).isEqualTo("KeyId");
    }
  }
}
