package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkGlobalTime;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.CreateKeyResponse;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyPairResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * The audit event of every kind of request, against the real server on the SoftHSM2 token with the SDK v2
 * (dev mode: the fixed anonymous identity): allowed, denied by a key policy, failing validation, naming an
 * unknown key and failing in the HSM each append exactly one event, with CloudTrail's KMS fields and the
 * {@code trent} object, before the response; no plaintext, data key or private key reaches any event; a trail
 * that cannot be written refuses requests with a retryable 500 and nothing is done.
 */
@ExtendWith(TrentExtension.class)
class AuditEventsTest {
  private static final String DEFAULT_SID = "Enable IAM User Permissions";

  @Test
  void anAllowedCryptographicRequestHasCloudTrailsFieldsAndTheDecision() {
    KmsClient kms = Trent.kms();
    KeyMetadata key = Trent.newKey("AuditEventsTest allowed");
    String material = Wire.currentMaterial(key.keyId());
    try (AuditRecorder.Capture capture = Trent.audit().capture()) {
      GenerateDataKeyResponse r = kms.generateDataKey(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_256)
          .encryptionContext(Map.of("purpose", "audit")));

      ObjectNode event = only(capture);
      assertThat(event.path("eventVersion").asText()).isEqualTo("1.11");
      assertThat(event.path("userIdentity")).isEqualTo(json("{\"type\":\"AWSAccount\",\"principalId\":\"\","
          + "\"accountId\":\"anonymous\"}"));
      assertThat(event.path("eventTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
      assertThat(event.path("eventSource").asText()).isEqualTo("kms.amazonaws.com");
      assertThat(event.path("eventName").asText()).isEqualTo("GenerateDataKey");
      assertThat(event.path("awsRegion").asText()).isEqualTo(Trent.REGION);
      assertThat(event.path("sourceIPAddress").asText()).isEqualTo("127.0.0.1");
      assertThat(event.path("userAgent").asText()).contains("aws-sdk-java");
      assertThat(event.has("errorCode")).isFalse();
      assertThat(event.path("requestParameters")).isEqualTo(json("{\"keyId\":\"" + key.keyId()
          + "\",\"encryptionContext\":{\"purpose\":\"audit\"},\"keySpec\":\"AES_256\"}"));
      assertThat(event.path("responseElements").isNull()).isTrue();
      assertThat(event.path("additionalEventData").path("keyMaterialId").asText()).isEqualTo(material);
      assertThat(event.path("requestID").asText()).isEqualTo(r.responseMetadata().requestId());
      assertThat(event.path("eventID").asText()).matches("[0-9a-f-]{36}");
      assertThat(event.path("readOnly").asBoolean()).isTrue();
      assertThat(event.path("resources")).isEqualTo(json("[{\"accountId\":\"" + Trent.ACCOUNT
          + "\",\"type\":\"AWS::KMS::Key\",\"ARN\":\"" + key.arn() + "\"}]"));
      assertThat(event.path("eventType").asText()).isEqualTo("AwsApiCall");
      assertThat(event.path("managementEvent").asBoolean()).isTrue();
      assertThat(event.path("recipientAccountId").asText()).isEqualTo(Trent.ACCOUNT);
      assertThat(event.path("eventCategory").asText()).isEqualTo("Management");
      assertThat(event.has("integrity")).as("the trail's own field").isFalse();
      JsonNode trent = event.path("trent");
      assertThat(trent.path("tokenLabel").asText()).isEqualTo(Trent.TOKEN_LABEL);
      assertThat(trent.path("tokenSerial").asText()).isNotBlank();
      assertThat(trent.path("keyMaterialId").asText()).isEqualTo(material);
      // Dev mode runs as the account root, which the default key policy names.
      assertThat(trent.path("authorization")).isEqualTo(json("[{\"decision\":\"allowed\",\"reason\":"
          + "\"KEY_POLICY_ALLOWS\",\"policyName\":\"default\",\"statementSid\":\"" + DEFAULT_SID
          + "\",\"statementIndex\":0}]"));
      assertThat(trent.path("latencyMillis").decimalValue()).isPositive();
    }
  }

  @Test
  void aManagementRequestLogsItsResponseElements() {
    try (AuditRecorder.Capture capture = Trent.audit().capture()) {
      CreateKeyResponse r = Trent.kms().createKey(b -> b.description("AuditEventsTest management"));

      ObjectNode event = only(capture);
      assertThat(event.path("eventName").asText()).isEqualTo("CreateKey");
      assertThat(event.path("readOnly").asBoolean()).isFalse();
      assertThat(event.path("requestParameters")).isEqualTo(json("{\"description\":\"AuditEventsTest management\"}"));
      assertThat(event.path("responseElements").path("keyMetadata").path("keyId").asText())
          .isEqualTo(r.keyMetadata().keyId());
      assertThat(event.path("responseElements").path("keyMetadata").path("arn").asText())
          .isEqualTo(r.keyMetadata().arn());
      assertThat(event.path("resources")).as("CreateKey authorizes on the account").isEmpty();
      assertThat(event.path("trent").path("authorization").get(0).path("decision").asText()).isEqualTo("allowed");
    }
  }

  @Test
  void aRequestDeniedByTheKeyPolicyNamesTheDenyingStatement() {
    KmsClient kms = Trent.kms();
    String policy = "{\"Version\":\"2012-10-17\",\"Statement\":["
        + "{\"Sid\":\"" + DEFAULT_SID + "\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::"
        + Trent.ACCOUNT + ":root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"},"
        + "{\"Sid\":\"NoEncrypt\",\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"kms:Encrypt\","
        + "\"Resource\":\"*\"}]}";
    KeyMetadata key = kms.createKey(b -> b.policy(policy).description("AuditEventsTest denied")).keyMetadata();
    try (AuditRecorder.Capture capture = Trent.audit().capture()) {
      KmsException denied = catchThrowableOfType(KmsException.class, () -> kms.encrypt(b -> b.keyId(key.keyId())
          .plaintext(SdkBytes.fromUtf8String("never encrypted"))));

      ObjectNode event = only(capture);
      assertThat(denied.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
      assertThat(event.path("eventName").asText()).isEqualTo("Encrypt");
      assertThat(event.path("errorCode").asText()).as("CloudTrail's code for denials").isEqualTo("AccessDenied");
      assertThat(event.path("errorMessage").asText()).isEqualTo(denied.awsErrorDetails().errorMessage());
      assertThat(event.path("requestID").asText()).isEqualTo(denied.requestId());
      assertThat(event.path("resources").get(0).path("ARN").asText()).isEqualTo(key.arn());
      assertThat(event.path("trent").path("authorization")).isEqualTo(json("[{\"decision\":\"denied\",\"reason\":"
          + "\"EXPLICIT_DENY_IN_KEY_POLICY\",\"policyName\":\"default\",\"statementSid\":\"NoEncrypt\","
          + "\"statementIndex\":1}]"));
      assertThat(event.path("requestParameters").has("plaintext")).isFalse();
    }
  }

  @Test
  void validationFailuresAndUnknownKeysAreRecordedWithTheirErrors() {
    KmsClient kms = Trent.kms();
    KeyMetadata key = Trent.newKey("AuditEventsTest validation");
    String unknown = "11111111-2222-3333-4444-555555555555";
    try (AuditRecorder.Capture capture = Trent.audit().capture()) {
      KmsException invalid = catchThrowableOfType(KmsException.class,
          () -> kms.generateDataKey(b -> b.keyId(key.keyId()).numberOfBytes(0)));
      KmsException notFound = catchThrowableOfType(KmsException.class, () -> kms.describeKey(b -> b.keyId(unknown)));

      List<ObjectNode> events = capture.events();
      assertThat(events).hasSize(2);
      assertThat(events.get(0).path("errorCode").asText()).isEqualTo("ValidationException");
      assertThat(events.get(0).path("errorMessage").asText()).isEqualTo(invalid.awsErrorDetails().errorMessage());
      assertThat(events.get(0).path("requestParameters").path("numberOfBytes").asInt()).isZero();
      assertThat(events.get(0).path("resources")).as("refused before the key is resolved").isEmpty();
      assertThat(events.get(0).path("trent").path("authorization")).isEmpty();
      assertThat(events.get(0).path("requestID").asText()).isEqualTo(invalid.requestId());
      assertThat(events.get(1).path("eventName").asText()).isEqualTo("DescribeKey");
      assertThat(events.get(1).path("errorCode").asText()).isEqualTo("NotFoundException");
      assertThat(events.get(1).path("errorMessage").asText()).isEqualTo(notFound.awsErrorDetails().errorMessage());
      assertThat(events.get(1).path("requestParameters").path("keyId").asText()).isEqualTo(unknown);
      assertThat(events.get(1).path("resources")).isEmpty();
    }
  }

  @Test
  void aRequestFailingInTheHsmIsRecordedWithTheGenericFaultAndItsMaterial() {
    KmsClient kms = Trent.kms();
    KeyMetadata key = Trent.newKey("AuditEventsTest hsm");
    String material = Wire.currentMaterial(key.keyId());
    kms.encrypt(b -> b.keyId(key.keyId()).plaintext(SdkBytes.fromUtf8String("before")));

    Pkcs11Tool.deleteSecretKey(material);

    try (AuditRecorder.Capture capture = Trent.audit().capture()) {
      TokenObjectDeletionTest.awaitUnavailable(() -> kms.encrypt(b -> b.keyId(key.keyId())
          .plaintext(SdkBytes.fromUtf8String("after"))), key.arn() + " is unavailable.");

      List<ObjectNode> events = capture.events();
      ObjectNode failed = events.get(events.size() - 1);
      assertThat(failed.path("eventName").asText()).isEqualTo("Encrypt");
      assertThat(failed.path("errorCode").asText()).isEqualTo("KeyUnavailableException");
      assertThat(failed.path("errorMessage").asText()).isEqualTo(key.arn() + " is unavailable.");
      assertThat(failed.path("trent").path("keyMaterialId").asText()).isEqualTo(material);
      assertThat(failed.path("resources").get(0).path("ARN").asText()).isEqualTo(key.arn());
      assertThat(events.subList(0, events.size() - 1)).allSatisfy(e -> assertThat(e.has("errorCode")).isFalse());
    }
  }

  @Test
  void noPlaintextDataKeyOrPrivateKeyReachesAnyEvent() {
    KmsClient kms = Trent.kms();
    KeyMetadata key = Trent.newKey("AuditEventsTest secrets");
    List<byte[]> secrets = new ArrayList<>();
    try (AuditRecorder.Capture capture = Trent.audit().capture()) {
      byte[] plaintext = "the plaintext an auditor must never see".getBytes(StandardCharsets.UTF_8);
      secrets.add(plaintext);
      EncryptResponse encrypted = kms.encrypt(b -> b.keyId(key.keyId()).plaintext(SdkBytes.fromByteArray(plaintext)));
      secrets.add(encrypted.ciphertextBlob().asByteArray());
      DecryptResponse decrypted = kms.decrypt(b -> b.ciphertextBlob(encrypted.ciphertextBlob()));
      secrets.add(decrypted.plaintext().asByteArray());
      GenerateDataKeyResponse dataKey = kms.generateDataKey(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_256));
      secrets.add(dataKey.plaintext().asByteArray());
      secrets.add(dataKey.ciphertextBlob().asByteArray());
      DecryptResponse dataKeyAgain = kms.decrypt(b -> b.ciphertextBlob(dataKey.ciphertextBlob()));
      secrets.add(dataKeyAgain.plaintext().asByteArray());
      GenerateDataKeyPairResponse pair = kms.generateDataKeyPair(b -> b.keyId(key.keyId())
          .keyPairSpec("ECC_NIST_P256"));
      secrets.add(pair.privateKeyPlaintext().asByteArray());
      secrets.add(pair.privateKeyCiphertextBlob().asByteArray());
      secrets.add(kms.generateRandom(b -> b.numberOfBytes(32)).plaintext().asByteArray());

      List<ObjectNode> events = capture.events();
      assertThat(events).as("one event per request").hasSize(6);
      assertThat(events.get(1).path("requestParameters")).as("Decrypt's algorithm is logged even when not sent")
          .isEqualTo(json("{\"encryptionAlgorithm\":\"SYMMETRIC_DEFAULT\"}"));
      byte[] trail = events.toString().getBytes(StandardCharsets.UTF_8);
      String text = new String(trail, StandardCharsets.ISO_8859_1);
      for (byte[] secret : secrets) {
        assertThat(text).doesNotContain(Base64.getEncoder().encodeToString(secret))
            .doesNotContain(HexFormat.of().formatHex(secret))
            .doesNotContain(new String(secret, StandardCharsets.ISO_8859_1));
      }
    }
  }

  @Test
  void aTrailThatCannotBeWrittenRefusesRequestsAndNothingIsDone() {
    KmsClient kms = Trent.kms();
    KeyMetadata key = Trent.newKey("AuditEventsTest failing");
    int objectsBefore = Pkcs11Tool.listObjects().size();
    try (AuditRecorder.Capture capture = Trent.audit().capture()) {
      Trent.audit().failing(true);

      KmsException create = catchThrowableOfType(KmsException.class,
          () -> kms.createKey(b -> b.description("AuditEventsTest never created")));
      KmsException schedule = catchThrowableOfType(KmsException.class,
          () -> kms.scheduleKeyDeletion(b -> b.keyId(key.keyId()).pendingWindowInDays(7)));
      KmsException dataKey = catchThrowableOfType(KmsException.class,
          () -> kms.generateDataKey(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_256)));

      for (KmsException e : List.of(create, schedule, dataKey)) {
        assertThat(e.statusCode()).isEqualTo(500);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("KMSInternalException");
        assertThat(e.awsErrorDetails().errorMessage())
            .isEqualTo("The request processing has failed because of an unknown error, exception or failure.");
      }
      Trent.audit().failing(false);
      assertThat(capture.events()).isEmpty();
    }
    assertThat(Pkcs11Tool.listObjects()).as("no key was created in the HSM").hasSize(objectsBefore);
    assertThat(kms.describeKey(b -> b.keyId(key.keyId())).keyMetadata().keyStateAsString()).isEqualTo("Enabled");
  }

  @Test
  void aResultWhoseEventCannotBeAppendedIsNotReturned() {
    KmsClient kms = Trent.kms();
    KeyMetadata key = Trent.newKey("AuditEventsTest append fails");
    try (AuditRecorder.Capture capture = Trent.audit().capture()) {
      Trent.audit().failingAppends(true);

      KmsException e = catchThrowableOfType(KmsException.class,
          () -> kms.generateDataKey(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_256)));

      assertThat(e.statusCode()).isEqualTo(500);
      assertThat(e.awsErrorDetails().errorCode()).isEqualTo("KMSInternalException");
      assertThat(e.awsErrorDetails().errorMessage())
          .isEqualTo("The request processing has failed because of an unknown error, exception or failure.");
      assertThat(capture.events()).isEmpty();
    }
  }

  @Test
  void scheduledDeletionAndAutomaticRotationAreServiceEvents() {
    KmsClient kms = Trent.kms();
    KeyMetadata rotating = Trent.newKey("AuditEventsTest rotating");
    KeyMetadata deleted = Trent.newKey("AuditEventsTest deleted");
    String deletedMaterial = Wire.currentMaterial(deleted.keyId());
    kms.enableKeyRotation(b -> b.keyId(rotating.keyId()).rotationPeriodInDays(90));
    kms.scheduleKeyDeletion(b -> b.keyId(deleted.keyId()).pendingWindowInDays(7));
    try (AuditRecorder.Capture capture = Trent.audit().capture()) {
      Trent.clock().advance(Duration.ofDays(91));
      Trent.server().runMaintenance();

      List<ObjectNode> events = capture.events();
      ObjectNode deletion = byKey(events, "DeleteKey", deleted.arn());
      assertThat(deletion.path("eventType").asText()).isEqualTo("AwsServiceEvent");
      assertThat(deletion.path("userIdentity")).isEqualTo(json("{\"accountId\":\"" + Trent.ACCOUNT
          + "\",\"invokedBy\":\"AWS Internal\"}"));
      assertThat(deletion.path("serviceEventDetails").path("keyMaterialIds")).isEqualTo(json("[\"" + deletedMaterial
          + "\"]"));
      assertThat(deletion.path("trent").path("tokenLabel").asText()).isEqualTo(Trent.TOKEN_LABEL);
      ObjectNode rotation = byKey(events, "RotateKey", rotating.arn());
      assertThat(rotation.path("serviceEventDetails").path("keyMaterialIds").get(0).asText())
          .isEqualTo(Wire.currentMaterial(rotating.keyId()));
    }
  }

  @Test
  void expiredImportedMaterialIsAServiceEventAndTheImportLogsNoMaterial() throws Exception {
    KmsClient kms = Trent.kms();
    KeyMetadata key = ImportKeyMaterialTest.external("SYMMETRIC_DEFAULT",
        software.amazon.awssdk.services.kms.model.KeyUsageType.ENCRYPT_DECRYPT);
    byte[] material = ImportKeyMaterialTest.random(32);
    var parameters = ImportKeyMaterialTest.parameters(key,
        software.amazon.awssdk.services.kms.model.AlgorithmSpec.RSAES_OAEP_SHA_1);
    byte[] wrapped = ImportKeyMaterialTest.wrapOaepSha1(ImportKeyMaterialTest.wrappingKey(parameters), material);
    try (AuditRecorder.Capture capture = Trent.audit().capture()) {
      kms.importKeyMaterial(b -> b.keyId(key.keyId()).importToken(parameters.importToken())
          .encryptedKeyMaterial(SdkBytes.fromByteArray(wrapped))
          .expirationModel(software.amazon.awssdk.services.kms.model.ExpirationModelType.KEY_MATERIAL_EXPIRES)
          .validTo(Trent.now().plus(Duration.ofDays(1))));
      String importedMaterial = capture.events().get(0).path("responseElements").path("keyMaterialId").asText();
      Trent.clock().advance(Duration.ofDays(2));
      Trent.server().runMaintenance();

      List<ObjectNode> events = capture.events();
      assertThat(events.get(0).path("eventName").asText()).isEqualTo("ImportKeyMaterial");
      assertThat(events.get(0).path("requestParameters").has("expirationModel")).isTrue();
      assertThat(importedMaterial).hasSize(64);
      ObjectNode expiry = byKey(events, "DeleteExpiredKeyMaterial", key.arn());
      assertThat(expiry.path("serviceEventDetails").path("keyMaterialIds")).isEqualTo(json("[\"" + importedMaterial
          + "\"]"));
      String text = events.toString();
      for (byte[] secret : List.of(material, wrapped, parameters.importToken().asByteArray())) {
        assertThat(text).doesNotContain(Base64.getEncoder().encodeToString(secret));
      }
    }
  }

  @Test
  void aRestartRecordsTheStopAndTheStartWithItsConfigurationButNoSecret() throws Exception {
    try (AuditRecorder.Capture capture = Trent.audit().capture()) {
      Trent.restart();

      List<ObjectNode> events = capture.events();
      assertThat(events).extracting(e -> e.path("eventName").asText()).containsExactly("StopServer", "StartServer");
      JsonNode configuration = events.get(1).path("serviceEventDetails").path("configuration");
      assertThat(configuration.path("pkcs11").path("tokenLabel").asText()).isEqualTo(Trent.TOKEN_LABEL);
      assertThat(configuration.path("auth").path("mode").asText()).isEqualTo("dev");
      assertThat(configuration.path("metadata").path("store").asText()).isEqualTo("embedded");
      assertThat(events.toString().toLowerCase()).doesNotContain("pin\"").doesNotContain("password");
    }
  }

  @Test
  void withSigV4TheCallerIsNamedAndARefusedSignatureIsRecorded() throws Exception {
    Trent.restartWithEnvironment(Map.of("TRENT_AUTH_MODE", "sigv4", "TRENT_AUTH_REGIONS", Trent.REGION));
    // The server's clock may have been moved forward by other tests; sign at its time (the SDK's offset is negative).
    SdkGlobalTime.setGlobalTimeOffset((int) -Trent.clock().offset().toSeconds());
    try {
      ProfileFile profile = ProfileFile.builder().content(Trent.dataDir().resolve("credentials"))
          .type(ProfileFile.Type.CREDENTIALS).build();
      AwsCredentials root = ProfileCredentialsProvider.builder().profileFile(profile).profileName("default").build()
          .resolveCredentials();
      try (AuditRecorder.Capture capture = Trent.audit().capture();
           KmsClient signed = client(root);
           KmsClient forged = client(AwsBasicCredentials.create(root.accessKeyId(), "not-the-secret-access-key"))) {
        String keyId = signed.createKey(b -> b.description("AuditEventsTest sigv4")).keyMetadata().keyId();
        KmsException refused = catchThrowableOfType(KmsException.class, () -> forged.describeKey(b -> b.keyId(keyId)));

        List<ObjectNode> events = capture.events();
        assertThat(events).hasSize(2);
        assertThat(events.get(0).path("userIdentity")).isEqualTo(json("{\"type\":\"Root\",\"principalId\":\""
            + Trent.ACCOUNT + "\",\"arn\":\"arn:aws:iam::" + Trent.ACCOUNT + ":root\",\"accountId\":\""
            + Trent.ACCOUNT + "\",\"accessKeyId\":\"" + root.accessKeyId() + "\"}"));
        ObjectNode forgedEvent = events.get(1);
        assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
        assertThat(forgedEvent.path("eventName").asText()).isEqualTo("DescribeKey");
        assertThat(forgedEvent.path("errorCode").asText()).isEqualTo("InvalidSignatureException");
        assertThat(forgedEvent.path("errorMessage").asText()).isEqualTo(refused.awsErrorDetails().errorMessage());
        assertThat(forgedEvent.path("userIdentity")).isEqualTo(json("{\"type\":\"Unknown\",\"accessKeyId\":\""
            + root.accessKeyId() + "\"}"));
        assertThat(forgedEvent.path("requestID").asText()).isEqualTo(refused.requestId());
        assertThat(forgedEvent.path("requestParameters").isNull()).as("nothing of it was read").isTrue();
        assertThat(events.toString()).doesNotContain(root.secretAccessKey());
      }
    } finally {
      SdkGlobalTime.setGlobalTimeOffset(0);
      Trent.restartWithEnvironment(Map.of());
    }
  }

  private static KmsClient client(AwsCredentials credentials) {
    return KmsClient.builder().endpointOverride(Trent.endpoint()).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(credentials))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
  }

  private static ObjectNode byKey(List<ObjectNode> events, String name, String arn) {
    return events.stream().filter(e -> e.path("eventName").asText().equals(name)
        && e.path("resources").path(0).path("ARN").asText().equals(arn)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " event for " + arn + " in " + events));
  }

  private static ObjectNode only(AuditRecorder.Capture capture) {
    List<ObjectNode> events = capture.events();
    assertThat(events).as("exactly one event per request").hasSize(1);
    return events.get(0);
  }

  private static JsonNode json(String text) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
