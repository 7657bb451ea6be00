package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kms.model.KeyMetadata;

/** Wire-level checks with java.net.http: error bodies, headers, malformed input, /health. */
@ExtendWith(TrentExtension.class)
class RawProtocolTest {
  static final String JSON_11 = "application/x-amz-json-1.1";
  static final String UUID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
  static KeyMetadata key;

  @BeforeAll
  static void setUp() {
    key = Trent.newKey("RawProtocolTest");
  }

  static void assertAwsClientError(RawKms.Response r, String... allowedTypes) {
    assertThat(r.status()).as("%s", r).isEqualTo(400);
    assertThat(r.json()).as("error body is JSON: %s", r).isNotNull();
    assertThat(r.errorType()).as("__type of %s", r).isIn((Object[]) allowedTypes);
    assertThat(r.header("x-amzn-RequestId")).as("x-amzn-RequestId on an error").matches(UUID_PATTERN);
    assertThat(r.header("Content-Type")).as("Content-Type on an error").startsWith(JSON_11);
  }

  @Test
  void successHasRequestIdAndJson11ContentType() {
    RawKms.Response r = RawKms.call("GenerateDataKey", Map.of("KeyId", key.keyId(), "KeySpec", "AES_256"));
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith(JSON_11);
    assertThat(r.header("x-amzn-RequestId")).matches(UUID_PATTERN);
    assertThat(r.json()).isNotNull();
    assertThat(r.json().get("KeyId").asText()).isEqualTo(key.arn());
    assertThat(Base64.getDecoder().decode(r.json().get("Plaintext").asText())).hasSize(32);

    RawKms.Response r2 = RawKms.call("GenerateRandom", Map.of("NumberOfBytes", 8));
    assertThat(r2.header("x-amzn-RequestId")).isNotBlank().isNotEqualTo(r.header("x-amzn-RequestId"));
  }

  @Test
  void malformedJsonIsA400AwsError() {
    for (String body : new String[] {"{\"KeyId\":", "not json at all", "{\"KeyId\":\"x\",}", "\u0000\u0001"}) {
      assertAwsClientError(RawKms.call("GenerateDataKey", body), "SerializationException", "ValidationException");
    }
  }

  @Test
  void aJsonArrayIsA400AwsError() {
    assertAwsClientError(RawKms.call("GenerateDataKey", "[]"), "SerializationException", "ValidationException");
    assertAwsClientError(
        RawKms.call("GenerateDataKey", "[{\"KeyId\":\"" + key.keyId() + "\",\"KeySpec\":\"AES_256\"}]"),
        "SerializationException", "ValidationException");
    assertAwsClientError(RawKms.call("GenerateDataKey", "\"a string\""), "SerializationException", "ValidationException");
    assertAwsClientError(RawKms.call("GenerateDataKey", "42"), "SerializationException", "ValidationException");
  }

  @Test
  void wrongMemberTypesAreA400AwsError() {
    assertAwsClientError(
        RawKms.call("GenerateDataKey", "{\"KeyId\":\"" + key.keyId() + "\",\"NumberOfBytes\":\"abc\"}"),
        "SerializationException", "ValidationException");
    assertAwsClientError(
        RawKms.call("GenerateDataKey", "{\"KeyId\":\"" + key.keyId() + "\",\"NumberOfBytes\":{}}"),
        "SerializationException", "ValidationException");
    assertAwsClientError(
        RawKms.call("GenerateDataKey", "{\"KeyId\":42,\"KeySpec\":\"AES_256\"}"),
        "SerializationException", "ValidationException");
    assertAwsClientError(
        RawKms.call("GenerateDataKey", "{\"KeyId\":\"" + key.keyId() + "\",\"KeySpec\":\"AES_256\",\"EncryptionContext\":[\"a\"]}"),
        "SerializationException", "ValidationException");
    assertAwsClientError(
        RawKms.call("Encrypt", "{\"KeyId\":\"" + key.keyId() + "\",\"Plaintext\":\"%%% not base64 %%%\"}"),
        "SerializationException", "ValidationException");
    assertAwsClientError(
        RawKms.call("Decrypt", "{\"CiphertextBlob\":12}"), "SerializationException", "ValidationException", "InvalidCiphertextException");
  }

  @Test
  void unknownOperationIsUnknownOperationException() {
    RawKms.Response r = RawKms.call("NoSuchOperation", "{}");
    assertAwsClientError(r, "UnknownOperationException");
    assertThat(r.json().has("message")).as("AWS sends no message: %s", r).isFalse();

    RawKms.Response other = RawKms.post("SomeOtherService.GenerateDataKey", JSON_11, "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(other.status()).as("%s", other).isEqualTo(400);
    assertThat(other.errorType()).isNotBlank();
  }

  @Test
  void invalidCiphertextBodyHasNoMessage() {
    RawKms.Response r = RawKms.call("Decrypt", Map.of("CiphertextBlob", Base64.getEncoder().encodeToString(new byte[100])));
    assertAwsClientError(r, "InvalidCiphertextException");
    assertThat(r.json().has("message")).as("%s", r).isFalse();
  }

  @Test
  void errorBodyCarriesTypeAndLowercaseMessage() {
    String id = UUID.randomUUID().toString();
    RawKms.Response r = RawKms.call("DescribeKey", Map.of("KeyId", id));
    assertAwsClientError(r, "NotFoundException");
    JsonNode j = r.json();
    assertThat(j.get("message").asText()).isEqualTo("Key '" + Trent.KEY_ARN_PREFIX + id + "' does not exist");
  }

  @Test
  void operationsWithoutOutputAnswerAnEmptyOrEmptyObject200() {
    String alias = Trent.uniqueAlias("raw");
    RawKms.Response r = RawKms.call("CreateAlias", Map.of("AliasName", alias, "TargetKeyId", key.keyId()));
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    assertThat(r.body().isEmpty() || r.body().trim().equals("{}")).as("body %s", r.body()).isTrue();
    assertThat(r.header("x-amzn-RequestId")).isNotBlank();
  }

  @Test
  void healthSaysOkAndNothingAboutTheToken() {
    RawKms.Response r = RawKms.get("/health");
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"status\":\"ok\"}");
  }
}
