package io.trent.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Input that used to be ignored or read wrongly is refused with a 400 before any HSM work:
 * Recipient, strings that are not valid Unicode, duplicate members, members not in the model.
 */
class RefusedInputTest {
  static final String RECIPIENT =
      "\"Recipient\":{\"KeyEncryptionAlgorithm\":\"RSAES_OAEP_SHA_256\",\"AttestationDocument\":\"AAAA\"}";
  /** 120 bytes that are not a Trent ciphertext. */
  static final String CIPHERTEXT = "\"CiphertextBlob\":\"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5"
      + "Ojs8PT4/QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4\"";
  static final String MATERIAL_ID = "\"0b7fd7ddbac6eef27907413567cad8c810e2883dc8a7534067a82ee1142fc1e6\"";

  static ProtocolHarness harness;

  @BeforeAll
  static void start(@TempDir Path dir) {
    harness = new ProtocolHarness(dir);
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  private static void assertRefused(ProtocolHarness.Outcome outcome, String type, String what) {
    assertThat(outcome.status()).as("%s: %s", what, outcome.body()).isEqualTo(400);
    assertThat(outcome.errorType()).as("%s: %s", what, outcome.body()).isEqualTo(type);
    assertThat(outcome.json().has("Plaintext")).as(what).isFalse();
  }

  // --- Recipient -------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {
      "Decrypt:{" + CIPHERTEXT + "," + RECIPIENT + "}",
      "GenerateDataKey:{\"KeyId\":\"alias/aws/s3\",\"KeySpec\":\"AES_256\"," + RECIPIENT + "}",
      "GenerateDataKeyPair:{\"KeyId\":\"alias/aws/s3\",\"KeyPairSpec\":\"RSA_2048\"," + RECIPIENT + "}",
      "GenerateRandom:{\"NumberOfBytes\":32," + RECIPIENT + "}",
      "GenerateRandom:{\"NumberOfBytes\":32,\"Recipient\":{}}"})
  void recipientIsRefusedBeforeAnyHsmWorkAndNoPlaintextComesBack(String call) {
    String operation = call.substring(0, call.indexOf(':'));
    int hsmCallsBefore = harness.hsmCalls();

    ProtocolHarness.Outcome outcome = harness.call(operation, call.substring(call.indexOf(':') + 1));

    assertRefused(outcome, "UnsupportedOperationException", call);
    assertThat(outcome.message())
        .isEqualTo("Recipient is not supported: this server does not return CiphertextForRecipient.");
    assertThat(harness.hsmCalls()).as("no HSM work for %s", call).isEqualTo(hsmCallsBefore);
  }

  @Test
  void recipientIsNotAMemberOfTheWithoutPlaintextOperations() {
    assertRefused(harness.call("GenerateDataKeyWithoutPlaintext", "{\"KeyId\":\"k\"," + RECIPIENT + "}"),
        "SerializationException", "GenerateDataKeyWithoutPlaintext");
  }

  @Test
  void aRecipientOfTheWrongShapeIsASerializationException() {
    assertRefused(harness.call("GenerateRandom", "{\"NumberOfBytes\":32,\"Recipient\":\"enclave\"}"),
        "SerializationException", "string Recipient");
    assertRefused(harness.call("GenerateRandom", "{\"NumberOfBytes\":32,\"Recipient\":{\"AttestationDocument\":1}}"),
        "SerializationException", "numeric document");
  }

  // --- Types named in the issue ----------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"\"token\"", "{\"a\":\"b\"}", "true", "[1]"})
  void grantTokensMustBeAListOfStrings(String grantTokens) {
    for (String operation : KmsModel.operations().keySet()) {
      if (KmsModel.operations().get(operation).indexOf("GrantTokens") >= 0) {
        ProtocolHarness.Outcome outcome = harness.call(operation, "{\"GrantTokens\":" + grantTokens + "}");
        assertRefused(outcome, "SerializationException", operation);
        assertThat(outcome.message()).isEqualTo("Value of GrantTokens must be a list of strings");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "0", "\"true\"", "\"false\"", "{}"})
  void bypassPolicyLockoutSafetyCheckMustBeABoolean(String value) {
    ProtocolHarness.Outcome outcome = harness.call("CreateKey", "{\"BypassPolicyLockoutSafetyCheck\":" + value + "}");
    assertRefused(outcome, "SerializationException", value);
    assertThat(outcome.message()).isEqualTo("Value of BypassPolicyLockoutSafetyCheck must be a boolean");
  }

  @Test
  void bypassPolicyLockoutSafetyCheckAsABooleanIsAccepted() {
    // MultiRegion makes core refuse the key after validation, before any HSM work.
    ProtocolHarness.Outcome outcome = harness.call("CreateKey",
        "{\"Policy\":\"{}\",\"BypassPolicyLockoutSafetyCheck\":true,\"MultiRegion\":true}");
    assertThat(outcome.errorType()).isEqualTo("UnsupportedOperationException");
    assertThat(outcome.message()).isEqualTo("Multi-Region keys are not supported by this server.");
  }

  @Test
  void grantTokensOnDescribeKeyAreValidatedLikeEverywhereElse() {
    ProtocolHarness.Outcome outcome = harness.call("DescribeKey", "{\"KeyId\":\"k\",\"GrantTokens\":[\"\"]}");
    assertRefused(outcome, "ValidationException", "empty grant token");
    assertThat(outcome.message()).contains("grantTokens");
  }

  // --- Invalid Unicode -------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {
      "Encrypt:{\"KeyId\":\"k\",\"Plaintext\":\"AAAA\",\"EncryptionContext\":{\"k\":\"\\ud800\"}}",
      "Encrypt:{\"KeyId\":\"k\",\"Plaintext\":\"AAAA\",\"EncryptionContext\":{\"\\ud800\":\"v\"}}",
      "Encrypt:{\"KeyId\":\"k\",\"Plaintext\":\"AAAA\",\"EncryptionContext\":{\"k\":\"a\\udc00b\"}}",
      "Encrypt:{\"KeyId\":\"k\",\"Plaintext\":\"AAAA\",\"EncryptionContext\":{\"k\":\"\\ud83d\"}}",
      "Decrypt:{" + CIPHERTEXT + ",\"EncryptionContext\":{\"k\":\"\\ud800\"}}",
      "GenerateDataKey:{\"KeyId\":\"k\",\"KeySpec\":\"AES_256\",\"EncryptionContext\":{\"k\":\"\\ud800\"}}",
      "GenerateDataKeyWithoutPlaintext:{\"KeyId\":\"k\",\"EncryptionContext\":{\"\\udfff\":\"v\"}}",
      "GenerateDataKeyPair:{\"KeyId\":\"k\",\"KeyPairSpec\":\"RSA_2048\",\"EncryptionContext\":{\"k\":\"\\ud800\"}}",
      "ReEncrypt:{" + CIPHERTEXT + ",\"DestinationKeyId\":\"k\",\"SourceEncryptionContext\":{\"k\":\"\\ud800\"}}",
      "ReEncrypt:{" + CIPHERTEXT + ",\"DestinationKeyId\":\"k\",\"DestinationEncryptionContext\":{\"\\ud800\":\"v\"}}",
      "DescribeKey:{\"KeyId\":\"alias/\\ud800\"}",
      "CreateAlias:{\"AliasName\":\"alias/\\ud800\",\"TargetKeyId\":\"k\"}",
      "CreateKey:{\"Description\":\"\\udc00\"}",
      "CreateKey:{\"Tags\":[{\"TagKey\":\"\\ud800\",\"TagValue\":\"v\"}]}",
      "TagResource:{\"KeyId\":\"k\",\"Tags\":[{\"TagKey\":\"k\",\"TagValue\":\"\\ud800\"}]}",
      "UntagResource:{\"KeyId\":\"k\",\"TagKeys\":[\"\\ud800\"]}",
      "Encrypt:{\"KeyId\":\"k\",\"Plaintext\":\"AAAA\",\"GrantTokens\":[\"\\ud800\"]}",
      "Encrypt:{\"KeyId\":\"k\",\"Plaintext\":\"AAAA\\ud800\"}"})
  void stringsThatAreNotValidUnicodeAreRefused(String call) {
    String operation = call.substring(0, call.indexOf(':'));
    int hsmCallsBefore = harness.hsmCalls();

    ProtocolHarness.Outcome outcome = harness.call(operation, call.substring(call.indexOf(':') + 1));

    assertRefused(outcome, "SerializationException", call);
    assertThat(outcome.message()).contains("is not valid Unicode");
    assertThat(harness.hsmCalls()).isEqualTo(hsmCallsBefore);
  }

  @Test
  void aLoneSurrogateDoesNotCollideWithAQuestionMark() {
    // Before, {"k":"\ud800"} was encoded as {"k":"?"}: a ciphertext made under one decrypted with the other.
    ProtocolHarness.Outcome question = harness.call("Decrypt", "{" + CIPHERTEXT + ",\"EncryptionContext\":{\"k\":\"?\"}}");
    ProtocolHarness.Outcome surrogate =
        harness.call("Decrypt", "{" + CIPHERTEXT + ",\"EncryptionContext\":{\"k\":\"\\ud800\"}}");
    assertThat(question.errorType()).isNotEqualTo("SerializationException");
    assertThat(surrogate.errorType()).isEqualTo("SerializationException");
  }

  @Test
  void surrogatePairsAreValidUnicode() {
    ProtocolHarness.Outcome outcome = harness.call("DescribeKey", "{\"KeyId\":\"alias/\\ud83d\\ude00\"}");
    assertThat(outcome.errorType()).isNotEqualTo("SerializationException");
  }

  @Test
  void surrogatesEncodedAsRawUtf8BytesAreRefused() {
    // CESU-8 style: the three UTF-8-shaped bytes of U+D800, which is not valid UTF-8.
    byte[] prefix = "{\"KeyId\":\"k\",\"Plaintext\":\"AAAA\",\"EncryptionContext\":{\"k\":\"".getBytes(StandardCharsets.UTF_8);
    byte[] suffix = "\"}}".getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[prefix.length + 3 + suffix.length];
    System.arraycopy(prefix, 0, body, 0, prefix.length);
    body[prefix.length] = (byte) 0xED;
    body[prefix.length + 1] = (byte) 0xA0;
    body[prefix.length + 2] = (byte) 0x80;
    System.arraycopy(suffix, 0, body, prefix.length + 3, suffix.length);

    assertRefused(harness.call("Encrypt", body), "SerializationException", "raw surrogate bytes");
  }

  // --- Duplicate and unknown members -----------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {
      "Encrypt:{\"KeyId\":\"k\",\"Plaintext\":\"AAAA\",\"EncryptionContext\":{\"k\":\"a\",\"k\":\"b\"}}",
      "Decrypt:{" + CIPHERTEXT + ",\"EncryptionContext\":{\"k\":\"a\",\"x\":\"y\",\"k\":\"a\"}}",
      "GenerateDataKey:{\"KeyId\":\"k\",\"KeyId\":\"alias/other\",\"KeySpec\":\"AES_256\"}",
      "CreateKey:{\"Tags\":[{\"TagKey\":\"a\",\"TagKey\":\"b\",\"TagValue\":\"v\"}]}",
      "GenerateRandom:{\"NumberOfBytes\":1,\"NumberOfBytes\":2}"})
  void duplicateMembersAndMapKeysAreRefused(String call) {
    String operation = call.substring(0, call.indexOf(':'));

    ProtocolHarness.Outcome outcome = harness.call(operation, call.substring(call.indexOf(':') + 1));

    assertRefused(outcome, "SerializationException", call);
    assertThat(outcome.message()).startsWith("Request body has a duplicate member or map key: ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"NumberOfBytes\":1}{\"NumberOfBytes\":2}", "{\"NumberOfBytes\":1} x", "{} []"})
  void nothingMayFollowTheBody(String body) {
    ProtocolHarness.Outcome outcome = harness.call("GenerateRandom", body);
    assertRefused(outcome, "SerializationException", body);
    assertThat(outcome.message()).isEqualTo("Request body is not valid JSON");
  }

  @Test
  void aDuplicateKeyThatCannotBeShownIsNotEchoed() {
    ProtocolHarness.Outcome outcome =
        harness.call("Encrypt", "{\"EncryptionContext\":{\"\\ud800\":\"a\",\"\\ud800\":\"b\"}}");
    assertRefused(outcome, "SerializationException", "duplicate lone surrogate");
    assertThat(outcome.message()).isEqualTo("Request body has a duplicate member or map key: (a name that cannot be shown)");
  }

  @Test
  void membersNotInTheModelAreRefused() {
    ProtocolHarness.Outcome outcome = harness.call("Encrypt", "{\"KeyId\":\"k\",\"Plaintext\":\"AAAA\",\"KeyID\":\"k\"}");
    assertRefused(outcome, "SerializationException", "KeyID");
    assertThat(outcome.message()).isEqualTo("KeyID is not a member of EncryptRequest");

    ProtocolHarness.Outcome nested = harness.call("TagResource", "{\"KeyId\":\"k\",\"Tags\":[{\"Key\":\"a\",\"Value\":\"b\"}]}");
    assertRefused(nested, "SerializationException", "Tags.Key");
    assertThat(nested.message()).isEqualTo("Tags.Key is not a member of Tag");

    // A member of another operation is unknown here too.
    assertRefused(harness.call("GenerateDataKeyPairWithoutPlaintext", "{\"KeySpec\":\"AES_256\"}"),
        "SerializationException", "KeySpec");
  }

  @Test
  void anUnknownMemberWithAnUnshowableNameStillGetsAnErrorBody() {
    ProtocolHarness.Outcome outcome = harness.call("ListKeys", "{\"\\ud800\":1}");
    assertRefused(outcome, "SerializationException", "lone surrogate name");
    assertThat(outcome.message()).isEqualTo("(a name that cannot be shown) is not a member of ListKeysRequest");

    ProtocolHarness.Outcome longName = harness.call("ListKeys", "{\"" + "x".repeat(10_000) + "\":1}");
    assertRefused(longName, "SerializationException", "long name");
    assertThat(longName.body().length()).isLessThan(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Decrypt:{" + CIPHERTEXT + ",\"DryRun\":true,\"DryRunModifiers\":[\"IGNORE_CIPHERTEXT\"]}",
      "ReEncrypt:{" + CIPHERTEXT + ",\"DestinationKeyId\":\"k\",\"DryRunModifiers\":[]}",
      "ImportKeyMaterial:{\"KeyId\":\"k\",\"ImportType\":\"NEW_KEY_MATERIAL\"}",
      "ImportKeyMaterial:{\"KeyId\":\"k\",\"KeyMaterialDescription\":\"d\"}",
      "ImportKeyMaterial:{\"KeyId\":\"k\",\"KeyMaterialId\":" + MATERIAL_ID + "}",
      "DeleteImportedKeyMaterial:{\"KeyId\":\"k\",\"KeyMaterialId\":" + MATERIAL_ID + "}",
      "ListKeyRotations:{\"KeyId\":\"k\",\"IncludeKeyMaterial\":\"ALL_KEY_MATERIAL\"}"})
  void modelMembersTrentDoesNotImplementAreRefusedClearly(String call) {
    String operation = call.substring(0, call.indexOf(':'));

    ProtocolHarness.Outcome outcome = harness.call(operation, call.substring(call.indexOf(':') + 1));

    assertRefused(outcome, "UnsupportedOperationException", call);
    assertThat(outcome.message()).contains(" is not supported by this server");
  }
}
