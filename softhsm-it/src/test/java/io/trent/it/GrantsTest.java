package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.CreateGrantResponse;
import software.amazon.awssdk.services.kms.model.GrantConstraints;
import software.amazon.awssdk.services.kms.model.GrantListEntry;
import software.amazon.awssdk.services.kms.model.GrantOperation;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.ListGrantsResponse;

/**
 * Grants on a {@code --auth sigv4} server (its own process and token) with principals from {@code trent principal
 * add}, driven by the SDK v2 and the aws CLI: principals whose policies allow nothing use keys through grants,
 * constraints decide by encryption context, and creating, retiring or revoking a grant counts from the very next
 * request.
 */
class GrantsTest {
  private static final Duration HONOURED_WITHIN = Duration.ofSeconds(5);
  private static final String OTHER_ACCOUNT = "444455556666";
  private static SigV4Process trent;
  private static KmsClient root;
  private static Principal alice;
  private static Principal bob;
  private static Principal stranger;

  /** A principal added with {@code trent principal add}, and a client signing as it. */
  private record Principal(String arn, AwsBasicCredentials credentials, KmsClient kms) {}

  @BeforeAll
  static void start() throws Exception {
    trent = SigV4Process.start();
    root = client(StaticCredentialsProvider.create(rootCredentials()));
    alice = add("arn:aws:iam::" + Trent.ACCOUNT + ":user/grant-alice");
    bob = add("arn:aws:iam::" + Trent.ACCOUNT + ":user/grant-bob");
    stranger = add("arn:aws:iam::" + OTHER_ACCOUNT + ":user/grant-stranger");
  }

  @AfterAll
  static void stop() throws Exception {
    for (Principal p : new Principal[] {alice, bob, stranger}) {
      if (p != null) {
        p.kms().close();
      }
    }
    if (root != null) {
      root.close();
    }
    if (trent != null) {
      trent.close();
    }
  }

  @Test
  void aPrincipalWithoutPolicyAccessUsesAKeyThroughAGrantUntilItIsRevoked() {
    String key = newKey();
    assertDenied(() -> encrypt(alice, key, null, null));

    CreateGrantResponse grant = root.createGrant(b -> b.keyId(key).granteePrincipal(alice.arn())
        .operations(GrantOperation.ENCRYPT, GrantOperation.DECRYPT));
    // In force on the very next request: no waiting, no token.
    SdkBytes blob = encrypt(alice, key, null, null);
    assertThat(alice.kms().decrypt(b -> b.ciphertextBlob(blob)).plaintext().asUtf8String()).isEqualTo("secret");
    assertDenied(() -> encrypt(bob, key, null, null));
    assertDenied(() -> alice.kms().describeKey(b -> b.keyId(key)));

    root.revokeGrant(b -> b.keyId(key).grantId(grant.grantId()));
    assertDenied(() -> encrypt(alice, key, null, null));
  }

  @Test
  void constraintsAllowOnlyTheirEncryptionContexts() {
    String key = newKey();
    root.createGrant(b -> b.keyId(key).granteePrincipal(alice.arn()).operations(GrantOperation.ENCRYPT)
        .constraints(GrantConstraints.builder().encryptionContextEquals(Map.of("app", "billing")).build()));
    root.createGrant(b -> b.keyId(key).granteePrincipal(bob.arn()).operations(GrantOperation.ENCRYPT)
        .constraints(GrantConstraints.builder().encryptionContextSubset(Map.of("app", "billing")).build()));

    encrypt(alice, key, Map.of("app", "billing"), null);
    assertDenied(() -> encrypt(alice, key, Map.of("app", "billing", "user", "7"), null));
    assertDenied(() -> encrypt(alice, key, null, null));
    encrypt(bob, key, Map.of("app", "billing", "user", "7"), null);
    assertDenied(() -> encrypt(bob, key, Map.of("app", "Billing"), null));

    List<GrantListEntry> grants = root.listGrants(b -> b.keyId(key).granteePrincipal(alice.arn())).grants();
    assertThat(grants).hasSize(1);
    assertThat(grants.get(0).constraints().encryptionContextEquals()).isEqualTo(Map.of("app", "billing"));
    assertThat(grants.get(0).keyId()).isEqualTo(key);
    assertThat(grants.get(0).issuingAccount()).isEqualTo("arn:aws:iam::" + Trent.ACCOUNT + ":root");
  }

  @Test
  void retiringByTokenOrByIdStopsTheGrantOnTheNextRequest() {
    String key = newKey();
    CreateGrantResponse selfRetiring = root.createGrant(b -> b.keyId(key).granteePrincipal(alice.arn())
        .operations(GrantOperation.ENCRYPT, GrantOperation.RETIRE_GRANT));
    encrypt(alice, key, null, null);
    alice.kms().retireGrant(b -> b.grantToken(selfRetiring.grantToken()));
    assertDenied(() -> encrypt(alice, key, null, null));

    CreateGrantResponse retiredByBob = root.createGrant(b -> b.keyId(key).granteePrincipal(alice.arn())
        .retiringPrincipal(bob.arn()).operations(GrantOperation.ENCRYPT));
    encrypt(alice, key, null, null);
    assertDenied(() -> alice.kms().retireGrant(b -> b.keyId(key).grantId(retiredByBob.grantId())));
    bob.kms().retireGrant(b -> b.keyId(key).grantId(retiredByBob.grantId()));
    assertDenied(() -> encrypt(alice, key, null, null));
    assertThat(root.listGrants(b -> b.keyId(key)).grants()).isEmpty();
  }

  @Test
  void aGrantTokenIsHonouredAndAMalformedOneRefused() {
    String key = newKey();
    CreateGrantResponse grant = root.createGrant(b -> b.keyId(key).granteePrincipal(alice.arn())
        .operations(GrantOperation.ENCRYPT, GrantOperation.DESCRIBE_KEY));

    encrypt(alice, key, null, List.of(grant.grantToken()));
    assertThat(alice.kms().describeKey(b -> b.keyId(key).grantTokens(grant.grantToken())).keyMetadata().arn())
        .isEqualTo(key);

    KmsException malformed = catchThrowableOfType(KmsException.class,
        () -> encrypt(alice, key, null, List.of("bm90IGEgZ3JhbnQgdG9rZW4=")));
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.awsErrorDetails().errorCode()).isEqualTo("InvalidGrantTokenException");

    root.revokeGrant(b -> b.keyId(key).grantId(grant.grantId()));
    KmsException revoked = catchThrowableOfType(KmsException.class,
        () -> encrypt(alice, key, null, List.of(grant.grantToken())));
    assertThat(revoked.awsErrorDetails().errorCode()).isEqualTo("InvalidGrantTokenException");
  }

  @Test
  void aNameMakesCreateGrantIdempotentAndListGrantsPages() {
    String key = newKey();
    CreateGrantResponse first = root.createGrant(b -> b.keyId(key).granteePrincipal(alice.arn())
        .operations(GrantOperation.DECRYPT).name("app-decrypt"));
    CreateGrantResponse retry = root.createGrant(b -> b.keyId(key).granteePrincipal(alice.arn())
        .operations(GrantOperation.DECRYPT).name("app-decrypt"));
    assertThat(retry.grantId()).isEqualTo(first.grantId()).matches("[0-9a-f]{64}");
    assertThat(retry.grantToken()).isNotEqualTo(first.grantToken());
    root.createGrant(b -> b.keyId(key).granteePrincipal(bob.arn()).operations(GrantOperation.DECRYPT));
    root.createGrant(b -> b.keyId(key).granteePrincipal(bob.arn()).operations(GrantOperation.ENCRYPT));

    ListGrantsResponse page1 = root.listGrants(b -> b.keyId(key).limit(2));
    assertThat(page1.truncated()).isTrue();
    ListGrantsResponse page2 = root.listGrants(b -> b.keyId(key).limit(2).marker(page1.nextMarker()));
    assertThat(page2.truncated()).isFalse();
    List<GrantListEntry> all = new ArrayList<>(page1.grants());
    all.addAll(page2.grants());
    assertThat(all).extracting(GrantListEntry::granteePrincipal).containsExactly(alice.arn(), bob.arn(), bob.arn());
    assertThat(all.get(0).name()).isEqualTo("app-decrypt");
    assertThat(all.get(0).grantId()).isEqualTo(first.grantId());

    KmsException onlyCreateGrant = catchThrowableOfType(KmsException.class, () -> root.createGrant(
        b -> b.keyId(key).granteePrincipal(bob.arn()).operations(GrantOperation.CREATE_GRANT)));
    assertThat(onlyCreateGrant.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
    assertThat(onlyCreateGrant.awsErrorDetails().errorMessage())
        .isEqualTo("Grants must not contain only the CreateGrant operation.");
  }

  @Test
  void aGranteeInAnotherAccountUsesTheKeyByItsArn() {
    String key = newKey();
    assertDenied(() -> encrypt(stranger, key, null, null));
    root.createGrant(b -> b.keyId(key).granteePrincipal(stranger.arn()).operations(GrantOperation.ENCRYPT));

    encrypt(stranger, key, null, null);
    String keyId = key.substring(key.indexOf("key/") + 4);
    KmsException byId = catchThrowableOfType(KmsException.class, () -> stranger.kms().encrypt(
        b -> b.keyId(keyId).plaintext(SdkBytes.fromUtf8String("x"))));
    assertThat(byId.awsErrorDetails().errorCode()).isEqualTo("NotFoundException");
  }

  @Test
  void theAwsCliCreatesListsRetiresAndRevokesGrants() throws Exception {
    String key = newKey();
    JsonNode created = cli("create-grant", "--key-id", key, "--grantee-principal", alice.arn(),
        "--retiring-principal", Trent.ACCOUNT, "--operations", "Encrypt", "Decrypt", "--name", "cli").json();
    String grantId = created.get("GrantId").asText();
    assertThat(created.get("GrantToken").asText()).isNotEmpty();
    encrypt(alice, key, null, null);

    JsonNode listed = cli("list-grants", "--key-id", key).json();
    assertThat(listed.get("Grants")).hasSize(1);
    assertThat(listed.get("Grants").get(0).get("GrantId").asText()).isEqualTo(grantId);
    assertThat(listed.get("Grants").get(0).get("Operations").toString()).isEqualTo("[\"Encrypt\",\"Decrypt\"]");

    AwsCliTest.Result retired = cli("retire-grant", "--grant-token", created.get("GrantToken").asText());
    assertThat(retired.exitCode()).as(retired.stderr()).isZero();
    assertDenied(() -> encrypt(alice, key, null, null));

    String second = cli("create-grant", "--key-id", key, "--grantee-principal", bob.arn(), "--operations", "Encrypt")
        .json().get("GrantId").asText();
    encrypt(bob, key, null, null);
    AwsCliTest.Result revoked = cli("revoke-grant", "--key-id", key, "--grant-id", second);
    assertThat(revoked.exitCode()).as(revoked.stderr()).isZero();
    assertDenied(() -> encrypt(bob, key, null, null));
    assertThat(cli("list-grants", "--key-id", key).json().get("Grants")).isEmpty();
  }

  @Test
  void createGrantConditionKeysLimitWhatAnIdentityPolicyAllows() throws Exception {
    String key = newKey();
    String carolArn = "arn:aws:iam::" + Trent.ACCOUNT + ":user/grant-carol";
    // The default key policy delegates to IAM; Carol's policy allows CreateGrant only for Decrypt and Encrypt,
    // only to Alice, and only with an EncryptionContextSubset constraint.
    java.nio.file.Path policy = trent.dataDir().resolveSibling("carol-grants-policy.json");
    Files.writeString(policy, """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:CreateGrant","Resource":"*",
          "Condition":{"ForAllValues:StringEquals":{"kms:GrantOperations":["Decrypt","Encrypt"]},
                       "StringEquals":{"kms:GranteePrincipal":"%s","kms:GrantConstraintType":"EncryptionContextSubset"}}}]}
        """.formatted(alice.arn()));
    JsonNode issued = trent.principal("add", "--arn", carolArn, "--policy", policy.toString());
    AwsBasicCredentials carol = AwsBasicCredentials.create(issued.get("AccessKeyId").asText(),
        issued.get("SecretAccessKey").asText());
    try (KmsClient kms = client(StaticCredentialsProvider.create(carol))) {
      GrantConstraints subset = GrantConstraints.builder().encryptionContextSubset(Map.of("app", "a")).build();
      GrantConstraints equals = GrantConstraints.builder().encryptionContextEquals(Map.of("app", "a")).build();
      assertThat(SigV4Process.within(HONOURED_WITHIN, () -> {
        try {
          kms.createGrant(b -> b.keyId(key).granteePrincipal(alice.arn()).operations(GrantOperation.DECRYPT)
              .constraints(subset));
          return true;
        } catch (KmsException e) {
          return false;
        }
      })).as("Carol may create a Decrypt grant for Alice").isTrue();

      assertDenied(() -> kms.createGrant(b -> b.keyId(key).granteePrincipal(alice.arn())
          .operations(GrantOperation.DECRYPT, GrantOperation.DESCRIBE_KEY).constraints(subset)));
      assertDenied(() -> kms.createGrant(b -> b.keyId(key).granteePrincipal(bob.arn())
          .operations(GrantOperation.DECRYPT).constraints(subset)));
      assertDenied(() -> kms.createGrant(b -> b.keyId(key).granteePrincipal(alice.arn())
          .operations(GrantOperation.DECRYPT).constraints(equals)));
      assertDenied(() -> kms.createGrant(b -> b.keyId(key).granteePrincipal(alice.arn())
          .operations(GrantOperation.DECRYPT)));
    }
  }

  private static String newKey() {
    return root.createKey(b -> b.description("grants")).keyMetadata().arn();
  }

  private static SdkBytes encrypt(Principal p, String key, Map<String, String> context, List<String> tokens) {
    return p.kms().encrypt(b -> b.keyId(key).plaintext(SdkBytes.fromUtf8String("secret"))
        .encryptionContext(context).grantTokens(tokens)).ciphertextBlob();
  }

  private static void assertDenied(Runnable call) {
    KmsException e = catchThrowableOfType(KmsException.class, call::run);
    assertThat(e).as("refused").isNotNull();
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
  }

  private static Principal add(String arn) throws Exception {
    JsonNode issued = trent.principal("add", "--arn", arn);
    AwsBasicCredentials credentials = AwsBasicCredentials.create(issued.get("AccessKeyId").asText(),
        issued.get("SecretAccessKey").asText());
    KmsClient kms = client(StaticCredentialsProvider.create(credentials));
    // The server reads new access keys within a second or so: ready once a request is authenticated.
    assertThat(SigV4Process.within(HONOURED_WITHIN, () -> {
      try {
        kms.listKeys();
        return true;
      } catch (KmsException e) {
        return "AccessDeniedException".equals(e.awsErrorDetails().errorCode());
      }
    })).as("%s honoured", arn).isTrue();
    return new Principal(arn, credentials, kms);
  }

  private static AwsCliTest.Result cli(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(AwsCliTest.findAws(), "kms"));
    command.addAll(List.of(args));
    command.addAll(List.of("--endpoint-url", endpoint().toString(), "--output", "json", "--region", Trent.REGION));
    AwsCredentials credentials = rootCredentials();
    return AwsCliTest.runProcess(command, "aws kms " + String.join(" ", args), Map.of(
        "AWS_ACCESS_KEY_ID", credentials.accessKeyId(), "AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey()));
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
    ProfileFile profile = ProfileFile.builder().content(trent.credentialsFile()).type(ProfileFile.Type.CREDENTIALS)
        .build();
    return ProfileCredentialsProvider.builder().profileFile(profile).profileName("default").build()
        .resolveCredentials();
  }
}
