package io.trent.it;

import static io.trent.it.KmsAssertions.expectError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GetKeyPolicyResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.LimitExceededException;
import software.amazon.awssdk.services.kms.model.ListKeyPoliciesResponse;
import software.amazon.awssdk.services.kms.model.MalformedPolicyDocumentException;

/**
 * Key policies through the real AWS SDK v2 and the aws CLI: the default key policy, CreateKey --policy,
 * put-key-policy with file://, get-key-policy giving back the exact document, list-key-policies, AWS's
 * errors and the lockout safety check (the dev-mode caller is the account root).
 */
@ExtendWith(TrentExtension.class)
class KeyPolicyTest {
  private static final String ROOT = "arn:aws:iam::" + Trent.ACCOUNT + ":root";
  private static final String DEFAULT_POLICY = "{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n"
      + "  \"Statement\" : [ {\n    \"Sid\" : \"Enable IAM User Permissions\",\n    \"Effect\" : \"Allow\",\n"
      + "    \"Principal\" : {\n      \"AWS\" : \"" + ROOT + "\"\n    },\n    \"Action\" : \"kms:*\",\n"
      + "    \"Resource\" : \"*\"\n  } ]\n}";
  /** A policy as people write them, with its own indentation, which must come back byte for byte. */
  private static final String POLICY = "{\n    \"Version\": \"2012-10-17\",\n    \"Id\": \"key-consolepolicy-3\",\n"
      + "    \"Statement\": [\n        {\n            \"Sid\": \"Enable IAM policies\",\n"
      + "            \"Effect\": \"Allow\",\n            \"Principal\": {\"AWS\": \"" + ROOT + "\"},\n"
      + "            \"Action\": \"kms:*\",\n            \"Resource\": \"*\"\n        }\n    ]\n}\n";
  /** Lets only alice manage the key: the account root (the dev-mode caller) would be locked out. */
  private static final String ALICE_ONLY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
      + "\"Principal\":{\"AWS\":\"arn:aws:iam::" + Trent.ACCOUNT + ":user/alice\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";

  @Test
  void sdkDefaultPolicyPutGetListAndErrors() {
    KmsClient kms = Trent.kms();
    KeyMetadata key = Trent.newKey("KeyPolicyTest sdk");

    GetKeyPolicyResponse initial = kms.getKeyPolicy(b -> b.keyId(key.keyId()));
    assertThat(initial.policy()).isEqualTo(DEFAULT_POLICY);
    assertThat(initial.policyName()).isEqualTo("default");

    kms.putKeyPolicy(b -> b.keyId(key.arn()).policyName("default").policy(POLICY));
    assertThat(kms.getKeyPolicy(b -> b.keyId(key.keyId()).policyName("default")).policy()).isEqualTo(POLICY);
    ListKeyPoliciesResponse names = kms.listKeyPolicies(b -> b.keyId(key.keyId()));
    assertThat(names.policyNames()).containsExactly("default");
    assertThat(names.truncated()).isFalse();

    expectError(() -> kms.putKeyPolicy(b -> b.keyId(key.keyId()).policy("{\"Version\":\"2012-10-17\"}")),
        MalformedPolicyDocumentException.class, "MalformedPolicyDocumentException");
    expectError(() -> kms.putKeyPolicy(b -> b.keyId(key.keyId()).policy(POLICY + " ".repeat(32_768))),
        LimitExceededException.class, "LimitExceededException");
    expectError(() -> kms.putKeyPolicy(b -> b.keyId(key.keyId()).policy(ALICE_ONLY)),
        MalformedPolicyDocumentException.class, "MalformedPolicyDocumentException",
        "The new key policy will not allow you to update the key policy in the future.");
    assertThat(kms.getKeyPolicy(b -> b.keyId(key.keyId())).policy()).isEqualTo(POLICY);

    kms.putKeyPolicy(b -> b.keyId(key.keyId()).policy(ALICE_ONLY).bypassPolicyLockoutSafetyCheck(true));
    // The stored policy is enforced: it no longer lets the account root (the dev-mode caller) in.
    expectError(() -> kms.getKeyPolicy(b -> b.keyId(key.keyId())), KmsException.class, "AccessDeniedException");
    expectError(() -> kms.putKeyPolicy(b -> b.keyId(key.keyId()).policy(POLICY)), KmsException.class,
        "AccessDeniedException");
  }

  @Test
  void sdkCreateKeyWithPolicy() {
    KmsClient kms = Trent.kms();
    KeyMetadata key = kms.createKey(b -> b.description("KeyPolicyTest create").policy(POLICY)).keyMetadata();
    assertThat(kms.getKeyPolicy(b -> b.keyId(key.keyId())).policy()).isEqualTo(POLICY);

    expectError(() -> kms.createKey(b -> b.policy(ALICE_ONLY)), MalformedPolicyDocumentException.class,
        "MalformedPolicyDocumentException");
    KeyMetadata bypassed = kms.createKey(b -> b.policy(ALICE_ONLY).bypassPolicyLockoutSafetyCheck(true)).keyMetadata();
    expectError(() -> kms.getKeyPolicy(b -> b.keyId(bypassed.keyId())), KmsException.class,
        "AccessDeniedException");
  }

  @Test
  void cliPutKeyPolicyFromAFileAndGetItBackAsText() throws Exception {
    AwsCliTest.aws = AwsCliTest.findAws();
    Path file = Files.createTempFile("key-policy", ".json");
    try {
      Files.writeString(file, POLICY, StandardCharsets.UTF_8);
      JsonNode created = AwsCliTest.run("create-key", "--description", "KeyPolicyTest cli",
          "--policy", "file://" + file).json();
      String keyId = created.path("KeyMetadata").path("KeyId").asText();
      AwsCliTest.Result text = AwsCliTest.runWithOutput("text", "get-key-policy", "--key-id", keyId,
          "--policy-name", "default", "--query", "Policy");
      assertThat(text.exitCode()).as(text.stderr()).isZero();
      // The text output is the document and the line end the CLI adds.
      assertThat(text.stdout()).isEqualTo(POLICY + "\n");

      Files.writeString(file, DEFAULT_POLICY, StandardCharsets.UTF_8);
      AwsCliTest.Result put = AwsCliTest.run("put-key-policy", "--key-id", keyId, "--policy-name", "default",
          "--policy", "file://" + file);
      assertThat(put.exitCode()).as(put.stderr()).isZero();
      assertThat(AwsCliTest.run("get-key-policy", "--key-id", keyId).json().path("Policy").asText())
          .isEqualTo(DEFAULT_POLICY);
      assertThat(AwsCliTest.run("list-key-policies", "--key-id", keyId).json().path("PolicyNames").toString())
          .isEqualTo("[\"default\"]");

      Files.writeString(file, ALICE_ONLY, StandardCharsets.UTF_8);
      AwsCliTest.Result refused = AwsCliTest.run("put-key-policy", "--key-id", keyId, "--policy-name", "default", "--policy", "file://" + file);
      assertThat(refused.exitCode()).isNotZero();
      assertThat(refused.stderr()).contains("MalformedPolicyDocumentException")
          .contains("The new key policy will not allow you to update the key policy in the future.");
      AwsCliTest.Result bypassed = AwsCliTest.run("put-key-policy", "--key-id", keyId, "--policy-name", "default", "--policy", "file://" + file,
          "--bypass-policy-lockout-safety-check");
      assertThat(bypassed.exitCode()).as(bypassed.stderr()).isZero();
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
