package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.signer.Aws4Signer;
import software.amazon.awssdk.auth.signer.params.Aws4SignerParams;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * A Trent server with {@code auth.mode: sigv4} (its own process, token and data directory; see
 * {@link SigV4Process}) driven by the real SDK v2, the aws CLI and raw signed HTTP: the root key it
 * writes to {@code <dataDir>/credentials}, principals added and removed by the {@code principal}
 * command while it runs, session tokens, and each refusal's AWS type, status and message.
 */
class SigV4AuthTest {
  private static final String MISMATCH = "The request signature we calculated does not match the signature you "
      + "provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
  private static final Duration HONOURED_WITHIN = Duration.ofSeconds(5);
  private static SigV4Process trent;

  @BeforeAll
  static void start() throws Exception {
    trent = SigV4Process.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (trent != null) {
      trent.close();
    }
  }

  @Test
  void theRootKeyFromTheCredentialsFileWorksWithTheSdk() throws Exception {
    assertThat(Files.getPosixFilePermissions(trent.credentialsFile()))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    ProfileFile profile = ProfileFile.builder().content(trent.credentialsFile())
        .type(ProfileFile.Type.CREDENTIALS).build();
    try (KmsClient kms = client(ProfileCredentialsProvider.builder().profileFile(profile).profileName("default").build())) {
      String keyId = kms.createKey(b -> b.description("sigv4")).keyMetadata().keyId();

      assertThat(kms.describeKey(b -> b.keyId(keyId)).keyMetadata().arn()).startsWith(Trent.KEY_ARN_PREFIX);
    }
  }

  @Test
  void aWrongSecretIsAnInvalidSignature() throws Exception {
    AwsCredentials root = rootCredentials();
    AwsBasicCredentials wrong = AwsBasicCredentials.create(root.accessKeyId(),
        root.secretAccessKey().substring(1) + "x");

    KmsException e = refusal(wrong);

    assertError(e, "InvalidSignatureException", MISMATCH);
  }

  @Test
  void anUnknownAccessKeyIsUnrecognized() {
    KmsException e = refusal(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));

    assertError(e, "UnrecognizedClientException", "The security token included in the request is invalid.");
  }

  @Test
  void aRequestSignedSixMinutesAgoHasExpired() throws Exception {
    Instant signedAt = Instant.now().minus(Duration.ofMinutes(6)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

    HttpResponse<String> response = sendSigned(rootCredentials(), signedAt);

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode body = RawKms.JSON.readTree(response.body());
    assertThat(body.get("__type").asText()).isEqualTo("InvalidSignatureException");
    assertThat(body.get("message").asText()).startsWith("Signature expired: " + basic(signedAt)
        + " is now earlier than ").endsWith(" - 5 min.)");
  }

  @Test
  void aRequestSignedNowPasses() throws Exception {
    HttpResponse<String> response = sendSigned(rootCredentials(), Instant.now());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  @Test
  void anUnsignedRequestIsMissingItsToken() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint())
        .header("Content-Type", "application/x-amz-json-1.1").header("X-Amz-Target", "TrentService.ListKeys")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode body = RawKms.JSON.readTree(response.body());
    assertThat(body.get("__type").asText()).isEqualTo("MissingAuthenticationTokenException");
    assertThat(body.get("message").asText()).isEqualTo("Request is missing Authentication Token");
  }

  @Test
  void healthNeedsNoSignature() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(endpoint().resolve("/health")).GET().build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void aRoleGetsASessionTokenThatWorksUntilItExpires() throws Exception {
    JsonNode issued = trent.principal("add", "--arn", "arn:aws:iam::" + Trent.ACCOUNT + ":role/app");
    assertThat(issued.get("AccessKeyId").asText()).startsWith("ASIA");
    assertThat(Instant.parse(issued.get("Expiration").asText())).isAfter(Instant.now().plus(Duration.ofMinutes(59)));
    AwsSessionCredentials session = AwsSessionCredentials.create(issued.get("AccessKeyId").asText(),
        issued.get("SecretAccessKey").asText(), issued.get("SessionToken").asText());

    try (KmsClient kms = client(StaticCredentialsProvider.create(session))) {
      assertThat(SigV4Process.within(HONOURED_WITHIN, () -> works(kms))).as("honoured within 5 s").isTrue();
    }
    AwsSessionCredentials otherToken = AwsSessionCredentials.create(session.accessKeyId(), session.secretAccessKey(),
        session.sessionToken().substring(1) + "A");
    assertError(refusal(otherToken), "UnrecognizedClientException",
        "The security token included in the request is invalid");
  }

  @Test
  void anExpiredSessionTokenIsRefused() throws Exception {
    JsonNode issued = trent.principal("add", "--arn", "arn:aws:iam::" + Trent.ACCOUNT + ":role/short",
        "--duration-seconds", "1");
    AwsSessionCredentials session = AwsSessionCredentials.create(issued.get("AccessKeyId").asText(),
        issued.get("SecretAccessKey").asText(), issued.get("SessionToken").asText());
    List<String> seen = new ArrayList<>();

    // Unknown until the server's next refresh, then valid for up to a second, then expired.
    boolean expired = SigV4Process.within(Duration.ofSeconds(10), () -> {
      try (KmsClient kms = client(StaticCredentialsProvider.create(session))) {
        kms.listKeys();
        seen.add("ok");
        return false;
      } catch (KmsException e) {
        seen.add(e.awsErrorDetails().errorCode());
        return e.awsErrorDetails().errorCode().equals("ExpiredTokenException");
      }
    });

    assertThat(expired).as("codes seen: %s", seen).isTrue();
    assertError(refusal(session), "ExpiredTokenException", "The security token included in the request is expired");
  }

  @Test
  void anAddedPrincipalIsHonouredAndARemovedOneRefusedWithinFiveSeconds() throws Exception {
    String arn = "arn:aws:iam::" + Trent.ACCOUNT + ":user/alice";
    JsonNode issued = trent.principal("add", "--arn", arn);
    assertThat(issued.get("Arn").asText()).isEqualTo(arn);
    assertThat(issued.get("AccessKeyId").asText()).startsWith("AKIA");
    AwsBasicCredentials alice = AwsBasicCredentials.create(issued.get("AccessKeyId").asText(),
        issued.get("SecretAccessKey").asText());

    try (KmsClient kms = client(StaticCredentialsProvider.create(alice))) {
      assertThat(SigV4Process.within(HONOURED_WITHIN, () -> works(kms))).as("honoured within 5 s").isTrue();

      trent.principal("remove", "--arn", arn);

      assertThat(SigV4Process.within(HONOURED_WITHIN, () -> !works(kms))).as("refused within 5 s").isTrue();
      assertError(catchThrowableOfType(KmsException.class, kms::listKeys), "UnrecognizedClientException",
          "The security token included in the request is invalid.");
    }
  }

  @Test
  void anIdentityPolicyAllowsOnlyItsActionsOnItsKeyAndAChangeIsHonouredWithinFiveSeconds() throws Exception {
    String keyA;
    String keyB;
    try (KmsClient root = client(StaticCredentialsProvider.create(rootCredentials()))) {
      keyA = root.createKey(b -> b.description("carol's")).keyMetadata().arn();
      keyB = root.createKey(b -> b.description("not carol's")).keyMetadata().arn();
    }
    String carol = "arn:aws:iam::" + Trent.ACCOUNT + ":user/carol";
    java.nio.file.Path policy = trent.dataDir().resolveSibling("carol-policy.json");
    Files.writeString(policy, allow(keyA, "kms:Encrypt", "kms:GenerateDataKey"));
    JsonNode issued = trent.principal("add", "--arn", carol, "--policy", policy.toString());
    AwsBasicCredentials credentials = AwsBasicCredentials.create(issued.get("AccessKeyId").asText(),
        issued.get("SecretAccessKey").asText());

    try (KmsClient kms = client(StaticCredentialsProvider.create(credentials))) {
      assertThat(SigV4Process.within(HONOURED_WITHIN, () -> encrypts(kms, keyA))).as("honoured within 5 s").isTrue();
      SdkBytes blob = kms.encrypt(b -> b.keyId(keyA).plaintext(SdkBytes.fromUtf8String("secret"))).ciphertextBlob();
      assertThat(kms.generateDataKey(b -> b.keyId(keyA).keySpec("AES_256")).plaintext().asByteArray()).hasSize(32);

      assertError(catchThrowableOfType(KmsException.class, () -> kms.decrypt(b -> b.ciphertextBlob(blob))),
          "AccessDeniedException", "User: " + carol + " is not authorized to perform: kms:Decrypt on resource: " + keyA
              + " because no identity-based policy allows the kms:Decrypt action");
      assertError(catchThrowableOfType(KmsException.class,
          () -> kms.encrypt(b -> b.keyId(keyB).plaintext(SdkBytes.fromUtf8String("x")))),
          "AccessDeniedException", "User: " + carol + " is not authorized to perform: kms:Encrypt on resource: " + keyB
              + " because no identity-based policy allows the kms:Encrypt action");

      // A changed policy (principal add replaces it) is honoured without a restart.
      Files.writeString(policy, allow(keyA, "kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt"));
      trent.principal("add", "--arn", carol, "--policy", policy.toString());
      assertThat(SigV4Process.within(HONOURED_WITHIN, () -> {
        try {
          return kms.decrypt(b -> b.ciphertextBlob(blob)).plaintext().asUtf8String().equals("secret");
        } catch (KmsException e) {
          return false;
        }
      })).as("policy change honoured within 5 s").isTrue();
    }
  }

  @Test
  void anotherAccountsPrincipalReachesAKeyOnlyByArnAndIsDeniedByTheDefaultKeyPolicy() throws Exception {
    String keyArn;
    try (KmsClient root = client(StaticCredentialsProvider.create(rootCredentials()))) {
      keyArn = root.createKey(b -> b.description("own account only")).keyMetadata().arn();
    }
    String stranger = "arn:aws:iam::444455556666:user/x";
    java.nio.file.Path policy = trent.dataDir().resolveSibling("stranger-policy.json");
    Files.writeString(policy, allow("*", "kms:*"));
    JsonNode issued = trent.principal("add", "--arn", stranger, "--policy", policy.toString());
    AwsBasicCredentials credentials = AwsBasicCredentials.create(issued.get("AccessKeyId").asText(),
        issued.get("SecretAccessKey").asText());
    String keyId = keyArn.substring(keyArn.indexOf("key/") + 4);

    try (KmsClient kms = client(StaticCredentialsProvider.create(credentials))) {
      assertThat(SigV4Process.within(HONOURED_WITHIN, () -> works(kms))).as("honoured within 5 s").isTrue();
      assertThat(kms.listKeys().keys()).as("its own account has no keys").isEmpty();
      // The default key policy trusts only the key's account [D kdg:key-policy-default].
      assertError(catchThrowableOfType(KmsException.class,
          () -> kms.encrypt(b -> b.keyId(keyArn).plaintext(SdkBytes.fromUtf8String("x")))),
          "AccessDeniedException", "User: " + stranger + " is not authorized to perform: kms:Encrypt on resource: "
              + keyArn + " because no resource-based policy allows the kms:Encrypt action");
      assertError(catchThrowableOfType(KmsException.class,
          () -> kms.encrypt(b -> b.keyId(keyId).plaintext(SdkBytes.fromUtf8String("x")))),
          "NotFoundException", "Key 'arn:aws:kms:" + Trent.REGION + ":444455556666:key/" + keyId + "' does not exist");
    }
  }

  @Test
  void theSecretIsNeverStoredInPlainText() throws Exception {
    JsonNode issued = trent.principal("add", "--arn", "arn:aws:iam::" + Trent.ACCOUNT + ":user/bob");
    byte[] secret = issued.get("SecretAccessKey").asText().getBytes(StandardCharsets.US_ASCII);

    try (var files = Files.walk(trent.dataDir().resolve("metadata"))) {
      for (var file : files.filter(Files::isRegularFile).toList()) {
        assertThat(indexOf(Files.readAllBytes(file), secret)).as("%s holds the secret", file).isEqualTo(-1);
      }
    }
  }

  @Test
  void theAwsCliWorksWithTheCredentialsFile() throws Exception {
    AwsCliTest.Result good = cli(Map.of("AWS_SHARED_CREDENTIALS_FILE", trent.credentialsFile().toString()),
        "list-keys");
    assertThat(good.exitCode()).as(good.stderr()).isZero();

    AwsCliTest.Result wrongRegion = cli(Map.of("AWS_SHARED_CREDENTIALS_FILE", trent.credentialsFile().toString()),
        "list-keys", "--region", "eu-west-1");
    assertThat(wrongRegion.exitCode()).isNotZero();
    assertThat(wrongRegion.stderr()).contains("(InvalidSignatureException)")
        .contains("Credential should be scoped to a valid region, not 'eu-west-1'.");

    AwsCliTest.Result wrong = cli(Map.of("AWS_ACCESS_KEY_ID", rootCredentials().accessKeyId(),
        "AWS_SECRET_ACCESS_KEY", "wrong"), "list-keys");
    assertThat(wrong.exitCode()).isNotZero();
    assertThat(wrong.stderr()).contains("(InvalidSignatureException)");
  }

  @Test
  void boto3SignsRequestsTheServerAccepts() throws Exception {
    String script = "import boto3, sys\n"
        + "kms = boto3.client('kms', endpoint_url=sys.argv[1], region_name='us-east-1')\n"
        + "key = kms.create_key(Description='boto3')['KeyMetadata']['KeyId']\n"
        + "blob = kms.encrypt(KeyId=key, Plaintext=b'hello')['CiphertextBlob']\n"
        + "print(kms.decrypt(CiphertextBlob=blob)['Plaintext'].decode())\n";
    ProcessBuilder builder = new ProcessBuilder("python3", "-c", script, endpoint().toString());
    builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
    builder.environment().put("AWS_CONFIG_FILE", "/nonexistent/aws-config");
    builder.environment().put("AWS_SHARED_CREDENTIALS_FILE", trent.credentialsFile().toString());
    builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
    builder.redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output.trim()).isEqualTo("hello");
  }

  /** Whether the credentials are accepted: ListKeys answers, or is AccessDenied (authenticated, not allowed). */
  private static boolean works(KmsClient kms) {
    try {
      kms.listKeys();
      return true;
    } catch (KmsException e) {
      return "AccessDeniedException".equals(e.awsErrorDetails().errorCode());
    }
  }

  private static boolean encrypts(KmsClient kms, String keyId) {
    try {
      kms.encrypt(b -> b.keyId(keyId).plaintext(SdkBytes.fromUtf8String("x")));
      return true;
    } catch (KmsException e) {
      return false;
    }
  }

  private static String allow(String resource, String... actions) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\""
        + String.join("\",\"", actions) + "\"],\"Resource\":\"" + resource + "\"}]}";
  }

  private static KmsException refusal(AwsCredentials credentials) {
    try (KmsClient kms = client(StaticCredentialsProvider.create(credentials))) {
      KmsException e = catchThrowableOfType(KmsException.class, kms::listKeys);
      assertThat(e).as("refused").isNotNull();
      return e;
    }
  }

  private static void assertError(KmsException e, String type, String message) {
    assertThat(e).isNotNull();
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo(type);
    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
  }

  private static KmsClient client(AwsCredentialsProvider credentials) {
    return KmsClient.builder()
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials)
        .httpClientBuilder(ApacheHttpClient.builder())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  private static URI endpoint() {
    return URI.create("http://127.0.0.1:" + trent.port());
  }

  private static AwsCredentials rootCredentials() {
    ProfileFile profile = ProfileFile.builder().content(trent.credentialsFile()).type(ProfileFile.Type.CREDENTIALS).build();
    return ProfileCredentialsProvider.builder().profileFile(profile).profileName("default").build().resolveCredentials();
  }

  /** ListKeys signed by the SDK's signer as of {@code signedAt}, sent over plain HTTP. */
  private static HttpResponse<String> sendSigned(AwsCredentials credentials, Instant signedAt) throws Exception {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    SdkHttpFullRequest request = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).uri(endpoint())
        .encodedPath("/")
        .putHeader("Content-Type", "application/x-amz-json-1.1")
        .putHeader("X-Amz-Target", "TrentService.ListKeys")
        .contentStreamProvider(() -> new ByteArrayInputStream(body)).build();
    SdkHttpFullRequest signed = Aws4Signer.create().sign(request, Aws4SignerParams.builder()
        .awsCredentials(credentials).signingName("kms").signingRegion(Region.US_EAST_1)
        .signingClockOverride(Clock.fixed(signedAt, ZoneOffset.UTC)).build());
    HttpRequest.Builder http = HttpRequest.newBuilder(endpoint()).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    signed.headers().forEach((name, values) -> {
      if (!name.equalsIgnoreCase("Host")) { // the client sends the same Host itself
        values.forEach(value -> http.header(name, value));
      }
    });
    return HttpClient.newHttpClient().send(http.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static AwsCliTest.Result cli(Map<String, String> credentials, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(AwsCliTest.findAws(), "kms"));
    command.addAll(List.of(args));
    command.addAll(List.of("--endpoint-url", endpoint().toString(), "--output", "json"));
    if (!command.contains("--region")) {
      command.addAll(List.of("--region", Trent.REGION));
    }
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
    builder.environment().put("AWS_PAGER", "");
    builder.environment().put("AWS_CONFIG_FILE", "/nonexistent/aws-config");
    builder.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials");
    builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
    builder.environment().putAll(credentials);
    var out = Files.createTempFile("aws-cli", ".out");
    var err = Files.createTempFile("aws-cli", ".err");
    try {
      builder.redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      Process process = builder.start();
      if (!process.waitFor(90, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("aws did not finish in 90 s");
      }
      return new AwsCliTest.Result(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static String basic(Instant instant) {
    return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").format(instant.atOffset(ZoneOffset.UTC));
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
