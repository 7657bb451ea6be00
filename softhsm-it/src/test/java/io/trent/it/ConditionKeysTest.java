package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * The condition keys the server adds, end to end: a {@code sigv4} server over HTTPS (its own process and
 * token, {@link SigV4Process}) with an integrated service configured in {@code auth.services}, principals
 * added by {@code principal add --tag}, identity policies that test one key each, and for each key one
 * request that is allowed and one that is denied, with the real SDK v2 and (for kms:ResourceAliases) the aws
 * CLI. Sources: kdg:conditions-kms (kms:ViaService, kms:ResourceAliases), iamdoc:reference_policies_condition-keys
 * (aws:PrincipalTag, aws:SecureTransport).
 */
class ConditionKeysTest {
  private static final Duration HONOURED_WITHIN = Duration.ofSeconds(5);
  private static final String ACCOUNT = Trent.ACCOUNT;
  private static final String S3_ROLE = "arn:aws:iam::" + ACCOUNT + ":role/s3-gateway";
  private static SigV4Process trent;
  private static TrustManager[] trust;
  private static String key;
  private static String keyId;

  @BeforeAll
  static void start() throws Exception {
    trent = SigV4Process.start("conditions-it", ", services: [{principal: '" + S3_ROLE + "', service: s3}]",
        "tls: {enabled: true}\n");
    trust = ClientCertificates.trusting(trent.dataDir().resolve("tls").resolve("ca.pem"));
    try (KmsClient root = client(rootCredentials())) {
      key = root.createKey(b -> b.description("condition keys")).keyMetadata().arn();
    }
    keyId = key.substring(key.indexOf("key/") + 4);
  }

  @AfterAll
  static void stop() throws Exception {
    if (trent != null) {
      trent.close();
    }
  }

  @Test
  void viaServiceAllowsTheConfiguredServicePrincipalAndNoOneElse() throws Exception {
    String viaS3 = policy("kms:Encrypt", "\"StringEquals\":{\"kms:ViaService\":\"s3." + Trent.REGION + ".amazonaws.com\"}");
    JsonNode s3 = add(S3_ROLE, viaS3);
    JsonNode app = add("arn:aws:iam::" + ACCOUNT + ":user/app", viaS3);
    assertThat(s3.get("AssumedRoleId").asText()).matches("AROA[A-Z2-7]{17}:" + s3.get("AccessKeyId").asText());

    try (KmsClient service = client(credentials(s3)); KmsClient user = client(credentials(app))) {
      assertThat(SigV4Process.within(HONOURED_WITHIN, () -> encrypts(service))).as("the service").isTrue();
      assertDenied(user, "arn:aws:iam::" + ACCOUNT + ":user/app");
    }
  }

  @Test
  void principalTagsComeFromPrincipalAddAndATagChangeIsHonouredWithinFiveSeconds() throws Exception {
    String teamCrypto = policy("kms:Encrypt", "\"StringEquals\":{\"aws:PrincipalTag/team\":\"crypto\"}");
    JsonNode alice = add("arn:aws:iam::" + ACCOUNT + ":user/alice", teamCrypto, "--tag", "team=crypto", "--tag", "env=prod");
    String bobArn = "arn:aws:iam::" + ACCOUNT + ":user/bob";
    JsonNode bob = add(bobArn, teamCrypto, "--tag", "team=web");
    assertThat(alice.get("UserId").asText()).matches("AIDA[A-Z2-7]{17}");

    try (KmsClient a = client(credentials(alice)); KmsClient b = client(credentials(bob))) {
      assertThat(SigV4Process.within(HONOURED_WITHIN, () -> encrypts(a))).as("tagged team=crypto").isTrue();
      assertDenied(b, bobArn);

      trent.principal("add", "--arn", bobArn, "--tag", "team=crypto");
      assertThat(SigV4Process.within(HONOURED_WITHIN, () -> encrypts(b))).as("re-tagged, honoured within 5 s").isTrue();
    }
  }

  @Test
  void resourceAliasesFollowTheKeysAliasesWithTheAwsCli() throws Exception {
    String other;
    try (KmsClient root = client(rootCredentials())) {
      root.createAlias(b -> b.aliasName("alias/finance-key").targetKeyId(keyId));
      other = root.createKey(b -> b.description("no alias")).keyMetadata().keyId();
    }
    String carolArn = "arn:aws:iam::" + ACCOUNT + ":user/carol";
    JsonNode carol = add(carolArn, policy("kms:Encrypt", "\"ForAnyValue:StringEquals\":{\"kms:ResourceAliases\":\"alias/finance-key\"}"));

    // The key is named by its id: kms:ResourceAliases is the key's, whatever the request says [D kdg:conditions-kms].
    assertThat(SigV4Process.within(HONOURED_WITHIN, () -> cliEncrypt(carol, keyId).exitCode() == 0)).as("aliased key").isTrue();
    AwsCliTest.Result denied = cliEncrypt(carol, other);
    assertThat(denied.exitCode()).isNotZero();
    assertThat(denied.stderr()).contains("(AccessDeniedException)")
        .contains("User: " + carolArn + " is not authorized to perform: kms:Encrypt on resource: arn:aws:kms:");
  }

  @Test
  void secureTransportIsTrueOverHttps() throws Exception {
    String daveArn = "arn:aws:iam::" + ACCOUNT + ":user/dave";
    JsonNode dave = add(daveArn, "{\"Version\":\"2012-10-17\",\"Statement\":["
        + statement("kms:Encrypt", "\"Bool\":{\"aws:SecureTransport\":\"true\"}") + ","
        + statement("kms:GenerateDataKey", "\"Bool\":{\"aws:SecureTransport\":\"false\"}") + "]}");

    try (KmsClient kms = client(credentials(dave))) {
      assertThat(SigV4Process.within(HONOURED_WITHIN, () -> encrypts(kms))).as("over TLS").isTrue();
      KmsException e = catchThrowableOfType(KmsException.class, () -> kms.generateDataKey(b -> b.keyId(key).keySpec("AES_256")));
      assertThat(e).isNotNull();
      assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
      assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("User: " + daveArn + " is not authorized to perform: "
          + "kms:GenerateDataKey on resource: " + key + " because no identity-based policy allows the kms:GenerateDataKey action");
    }
  }

  private static void assertDenied(KmsClient kms, String principal) throws InterruptedException {
    // Its access key is honoured within seconds of principal add, maybe after an earlier principal's was.
    assertThat(SigV4Process.within(HONOURED_WITHIN, () -> recognized(kms))).as("access key honoured").isTrue();
    KmsException e = catchThrowableOfType(KmsException.class,
        () -> kms.encrypt(b -> b.keyId(key).plaintext(SdkBytes.fromUtf8String("x"))));
    assertThat(e).as("denied").isNotNull();
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("User: " + principal + " is not authorized to perform: "
        + "kms:Encrypt on resource: " + key + " because no identity-based policy allows the kms:Encrypt action");
  }

  /** Whether the server knows the client's access key (any answer but UnrecognizedClientException). */
  private static boolean recognized(KmsClient kms) {
    try {
      kms.encrypt(b -> b.keyId(key).plaintext(SdkBytes.fromUtf8String("x")));
      return true;
    } catch (KmsException e) {
      return !"UnrecognizedClientException".equals(e.awsErrorDetails().errorCode());
    }
  }

  private static JsonNode add(String arn, String policy, String... more) throws Exception {
    Path file = Files.createTempFile(trent.dataDir().getParent(), "policy", ".json");
    Files.writeString(file, policy);
    List<String> args = new ArrayList<>(List.of("add", "--arn", arn, "--policy", file.toString()));
    args.addAll(List.of(more));
    return trent.principal(args.toArray(String[]::new));
  }

  private static String policy(String action, String condition) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[" + statement(action, condition) + "]}";
  }

  private static String statement(String action, String condition) {
    return "{\"Effect\":\"Allow\",\"Action\":\"" + action + "\",\"Resource\":\"*\",\"Condition\":{" + condition + "}}";
  }

  private static boolean encrypts(KmsClient kms) {
    try {
      kms.encrypt(b -> b.keyId(key).plaintext(SdkBytes.fromUtf8String("x")));
      return true;
    } catch (KmsException e) {
      return false;
    }
  }

  private static AwsCliTest.Result cliEncrypt(JsonNode principal, String keyId) {
    try {
      Path plaintext = Files.createTempFile(trent.dataDir().getParent(), "plaintext", ".bin");
      Files.write(plaintext, "hello".getBytes(StandardCharsets.UTF_8));
      List<String> cmd = List.of(AwsCliTest.findAws(), "kms", "encrypt", "--key-id", keyId,
          "--plaintext", "fileb://" + plaintext, "--endpoint-url", endpoint().toString(), "--region", Trent.REGION,
          "--ca-bundle", trent.dataDir().resolve("tls").resolve("ca.pem").toString(), "--output", "json");
      return AwsCliTest.runProcess(cmd, "aws kms encrypt", Map.of("AWS_ACCESS_KEY_ID", principal.get("AccessKeyId").asText(),
          "AWS_SECRET_ACCESS_KEY", principal.get("SecretAccessKey").asText(), "AWS_MAX_ATTEMPTS", "1"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static AwsCredentials credentials(JsonNode issued) {
    return issued.hasNonNull("SessionToken")
        ? AwsSessionCredentials.create(issued.get("AccessKeyId").asText(), issued.get("SecretAccessKey").asText(),
            issued.get("SessionToken").asText())
        : AwsBasicCredentials.create(issued.get("AccessKeyId").asText(), issued.get("SecretAccessKey").asText());
  }

  private static AwsCredentials rootCredentials() {
    ProfileFile profile = ProfileFile.builder().content(trent.credentialsFile()).type(ProfileFile.Type.CREDENTIALS).build();
    return ProfileCredentialsProvider.builder().profileFile(profile).profileName("default").build().resolveCredentials();
  }

  private static KmsClient client(AwsCredentials credentials) {
    return KmsClient.builder()
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(credentials))
        .httpClientBuilder(ApacheHttpClient.builder().tlsTrustManagersProvider(() -> trust))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  private static URI endpoint() {
    return URI.create("https://127.0.0.1:" + trent.port());
  }
}
