package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * Regions and accounts in {@code auth.mode: sigv4} (a server of its own serving us-east-1 and us-west-2),
 * driven by SDK v2 clients of two regions and two accounts and by the aws CLI: a key belongs to the account
 * that created it and the region of the request, its ARN says so, and key ids, alias names, ListKeys and
 * ListAliases stay within the caller's account and region; another account's key is usable only by its
 * key ARN or an alias ARN, and only when its key policy and the caller's identity policy both allow it.
 */
class AccountsAndRegionsTest {
  private static final String OTHER = "444455556666";
  private static final String OTHER_ROOT = "arn:aws:iam::" + OTHER + ":root";
  private static final Duration HONOURED_WITHIN = Duration.ofSeconds(5);
  private static SigV4Process trent;
  private static AwsCredentials root;
  private static AwsCredentials otherRoot;

  @BeforeAll
  static void start() throws Exception {
    trent = SigV4Process.start("tenancy-it", List.of("us-east-1", "us-west-2"));
    ProfileFile profile = ProfileFile.builder().content(trent.credentialsFile()).type(ProfileFile.Type.CREDENTIALS).build();
    root = ProfileCredentialsProvider.builder().profileFile(profile).profileName("default").build().resolveCredentials();
    // Another account's root: it acts in its own account as that account's root does.
    otherRoot = added(OTHER_ROOT, null);
  }

  @AfterAll
  static void stop() throws Exception {
    if (trent != null) {
      trent.close();
    }
  }

  @Test
  void aKeyBelongsToTheRegionOfItsRequestAndIsNotFoundFromAnother() {
    try (KmsClient east = client(root, Region.US_EAST_1); KmsClient west = client(root, Region.US_WEST_2)) {
      KeyMetadata westKey = west.createKey(b -> b.description("west")).keyMetadata();
      assertThat(westKey.arn()).isEqualTo("arn:aws:kms:us-west-2:" + Trent.ACCOUNT + ":key/" + westKey.keyId());
      assertThat(westKey.awsAccountId()).isEqualTo(Trent.ACCOUNT);
      KeyMetadata eastKey = east.createKey(b -> b.description("east")).keyMetadata();
      assertThat(eastKey.arn()).startsWith("arn:aws:kms:us-east-1:" + Trent.ACCOUNT + ":key/");

      assertError(catchThrowableOfType(KmsException.class, () -> east.describeKey(b -> b.keyId(westKey.keyId()))),
          "NotFoundException", "Key 'arn:aws:kms:us-east-1:" + Trent.ACCOUNT + ":key/" + westKey.keyId()
              + "' does not exist");
      assertError(catchThrowableOfType(KmsException.class, () -> east.describeKey(b -> b.keyId(westKey.arn()))),
          "NotFoundException", "Invalid arn us-west-2");
      assertThat(west.describeKey(b -> b.keyId(westKey.keyId())).keyMetadata().arn()).isEqualTo(westKey.arn());

      assertThat(keyArns(east)).contains(eastKey.arn()).doesNotContain(westKey.arn());
      assertThat(keyArns(west)).contains(westKey.arn()).doesNotContain(eastKey.arn());

      // A ciphertext of a us-west-2 key does not decrypt in us-east-1 [R aws/aws-encryption-sdk-javascript#1005].
      SdkBytes blob = west.encrypt(b -> b.keyId(westKey.keyId()).plaintext(SdkBytes.fromUtf8String("west only")))
          .ciphertextBlob();
      assertError(catchThrowableOfType(KmsException.class, () -> east.decrypt(b -> b.ciphertextBlob(blob))),
          "AccessDeniedException", "The ciphertext refers to a customer master key that does not exist, does not "
              + "exist in this region, or you are not allowed to access.");
      assertThat(west.decrypt(b -> b.ciphertextBlob(blob)).plaintext().asUtf8String()).isEqualTo("west only");
    }
  }

  @Test
  void oneAliasNameNamesADifferentKeyInEachRegionAndAccount() {
    try (KmsClient east = client(root, Region.US_EAST_1); KmsClient west = client(root, Region.US_WEST_2);
        KmsClient other = client(otherRoot, Region.US_EAST_1)) {
      String eastKey = east.createKey(b -> b.description("east")).keyMetadata().keyId();
      String westKey = west.createKey(b -> b.description("west")).keyMetadata().keyId();
      String otherKey = other.createKey(b -> b.description("other")).keyMetadata().keyId();
      east.createAlias(b -> b.aliasName("alias/shared").targetKeyId(eastKey));
      west.createAlias(b -> b.aliasName("alias/shared").targetKeyId(westKey));
      other.createAlias(b -> b.aliasName("alias/shared").targetKeyId(otherKey));

      assertThat(east.describeKey(b -> b.keyId("alias/shared")).keyMetadata().keyId()).isEqualTo(eastKey);
      assertThat(west.describeKey(b -> b.keyId("alias/shared")).keyMetadata().keyId()).isEqualTo(westKey);
      assertThat(other.describeKey(b -> b.keyId("alias/shared")).keyMetadata().keyId()).isEqualTo(otherKey);

      assertThat(aliases(west)).extracting(AliasListEntry::aliasArn)
          .contains("arn:aws:kms:us-west-2:" + Trent.ACCOUNT + ":alias/shared")
          .allMatch(arn -> arn.startsWith("arn:aws:kms:us-west-2:" + Trent.ACCOUNT + ":"));
      assertThat(aliases(other)).extracting(AliasListEntry::aliasArn)
          .contains("arn:aws:kms:us-east-1:" + OTHER + ":alias/shared")
          .allMatch(arn -> arn.startsWith("arn:aws:kms:us-east-1:" + OTHER + ":"));
      assertThat(aliases(east)).extracting(AliasListEntry::targetKeyId).doesNotContain(westKey, otherKey);
      assertError(catchThrowableOfType(KmsException.class,
          () -> east.describeKey(b -> b.keyId("arn:aws:kms:us-west-2:" + Trent.ACCOUNT + ":alias/shared"))),
          "NotFoundException", "Invalid arn us-west-2");
    }
  }

  @Test
  void anotherAccountsKeyIsUsableByArnOnlyWhenBothItsKeyPolicyAndTheCallersPolicyAllow() throws Exception {
    AwsCredentials dave = added("arn:aws:iam::" + Trent.ACCOUNT + ":user/dave", null);
    try (KmsClient other = client(otherRoot, Region.US_EAST_1); KmsClient east = client(root, Region.US_EAST_1);
        KmsClient asDave = client(dave, Region.US_EAST_1)) {
      KeyMetadata theirs = other.createKey(b -> b.description("shared with 111122223333")).keyMetadata();
      String theirArn = theirs.arn();
      assertThat(theirArn).isEqualTo("arn:aws:kms:us-east-1:" + OTHER + ":key/" + theirs.keyId());
      assertThat(theirs.awsAccountId()).isEqualTo(OTHER);
      // The default key policy names the root of the key's own account.
      assertThat(RawKms.JSON.readTree(other.getKeyPolicy(b -> b.keyId(theirs.keyId())).policy())
          .at("/Statement/0/Principal/AWS").asText()).isEqualTo(OTHER_ROOT);
      other.createAlias(b -> b.aliasName("alias/theirs").targetKeyId(theirs.keyId()));
      String theirAlias = "arn:aws:kms:us-east-1:" + OTHER + ":alias/theirs";
      assertThat(keyArns(east)).doesNotContain(theirArn);

      // Only their account is in the key policy: this account's root is refused, by ARN.
      assertError(catchThrowableOfType(KmsException.class, () -> encrypt(east, theirArn)), "AccessDeniedException",
          "User: arn:aws:iam::" + Trent.ACCOUNT + ":root is not authorized to perform: kms:Encrypt on resource: "
              + theirArn + " because no resource-based policy allows the kms:Encrypt action");

      other.putKeyPolicy(b -> b.keyId(theirs.keyId()).policyName("default").policy("{\"Version\":\"2012-10-17\","
          + "\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + OTHER_ROOT + "\"},\"Action\":\"kms:*\","
          + "\"Resource\":\"*\"},{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + Trent.ACCOUNT
          + ":root\"},\"Action\":[\"kms:Encrypt\",\"kms:Decrypt\",\"kms:DescribeKey\"],\"Resource\":\"*\"}]}"));

      SdkBytes blob = encrypt(east, theirArn);
      assertThat(east.decrypt(b -> b.ciphertextBlob(blob)).plaintext().asUtf8String()).isEqualTo("x");
      assertThat(encrypt(east, theirAlias)).isNotNull();
      assertThat(east.describeKey(b -> b.keyId(theirAlias)).keyMetadata().arn()).isEqualTo(theirArn);
      // By bare id or alias name the key is looked up in the caller's own account.
      assertError(catchThrowableOfType(KmsException.class, () -> encrypt(east, theirs.keyId())), "NotFoundException",
          "Key 'arn:aws:kms:us-east-1:" + Trent.ACCOUNT + ":key/" + theirs.keyId() + "' does not exist");
      assertError(catchThrowableOfType(KmsException.class, () -> encrypt(east, "alias/theirs")), "NotFoundException",
          "Alias arn:aws:kms:us-east-1:" + Trent.ACCOUNT + ":alias/theirs is not found.");
      // The key policy allows the account, but dave's own account gives him no identity policy.
      assertError(catchThrowableOfType(KmsException.class, () -> encrypt(asDave, theirArn)), "AccessDeniedException",
          "User: arn:aws:iam::" + Trent.ACCOUNT + ":user/dave is not authorized to perform: kms:Encrypt on resource: "
              + theirArn + " because no identity-based policy allows the kms:Encrypt action");
      // Another account may not administer the key even when its key policy says so.
      assertError(catchThrowableOfType(KmsException.class, () -> east.disableKey(b -> b.keyId(theirArn))),
          "AccessDeniedException", "User: arn:aws:iam::" + Trent.ACCOUNT + ":root is not authorized to perform: "
              + "kms:DisableKey on resource: " + theirArn + " because no resource-based policy allows the "
              + "kms:DisableKey action");
    }
  }

  @Test
  void aliasOperationsNeedThePermissionOnTheAliasAndOnTheKey() throws Exception {
    String keyArn;
    try (KmsClient east = client(root, Region.US_EAST_1)) {
      keyArn = east.createKey(b -> b.description("aliased")).keyMetadata().arn();
    }
    String aliasArn = "arn:aws:kms:us-east-1:" + Trent.ACCOUNT + ":alias/erin";
    AwsCredentials keyOnly = added("arn:aws:iam::" + Trent.ACCOUNT + ":user/erin-key",
        allow(List.of(keyArn), "kms:CreateAlias"));
    AwsCredentials both = added("arn:aws:iam::" + Trent.ACCOUNT + ":user/erin",
        allow(List.of(keyArn, aliasArn), "kms:CreateAlias", "kms:DeleteAlias"));
    try (KmsClient withKeyOnly = client(keyOnly, Region.US_EAST_1); KmsClient withBoth = client(both, Region.US_EAST_1)) {
      assertError(catchThrowableOfType(KmsException.class,
          () -> withKeyOnly.createAlias(b -> b.aliasName("alias/erin").targetKeyId(keyArn))), "AccessDeniedException",
          "User: arn:aws:iam::" + Trent.ACCOUNT + ":user/erin-key is not authorized to perform: kms:CreateAlias on "
              + "resource: " + aliasArn + " because no identity-based policy allows the kms:CreateAlias action");

      withBoth.createAlias(b -> b.aliasName("alias/erin").targetKeyId(keyArn));
    }
    try (KmsClient withBoth = client(both, Region.US_EAST_1); KmsClient east = client(root, Region.US_EAST_1)) {
      assertThat(east.describeKey(b -> b.keyId("alias/erin")).keyMetadata().arn()).isEqualTo(keyArn);
      withBoth.deleteAlias(b -> b.aliasName("alias/erin"));
      assertError(catchThrowableOfType(KmsException.class, () -> east.describeKey(b -> b.keyId("alias/erin"))),
          "NotFoundException", "Alias " + aliasArn + " is not found.");
    }
  }

  @Test
  void theAwsCliInAnotherRegionGetsThatRegionsArnsAndNotFoundForOthers() throws Exception {
    String eastArn;
    try (KmsClient east = client(root, Region.US_EAST_1)) {
      eastArn = east.createKey(b -> b.description("east")).keyMetadata().arn();
    }
    AwsCliTest.Result created = cli("us-west-2", "create-key", "--description", "cli west");
    assertThat(created.exitCode()).as(created.stderr()).isZero();
    assertThat(RawKms.JSON.readTree(created.stdout()).at("/KeyMetadata/Arn").asText())
        .startsWith("arn:aws:kms:us-west-2:" + Trent.ACCOUNT + ":key/");

    AwsCliTest.Result crossRegion = cli("us-west-2", "describe-key", "--key-id", eastArn);
    assertThat(crossRegion.exitCode()).isNotZero();
    assertThat(crossRegion.stderr()).contains("An error occurred (NotFoundException) when calling the DescribeKey "
        + "operation: Invalid arn us-east-1");
  }

  private static SdkBytes encrypt(KmsClient kms, String keyId) {
    return kms.encrypt(b -> b.keyId(keyId).plaintext(SdkBytes.fromUtf8String("x"))).ciphertextBlob();
  }

  private static List<String> keyArns(KmsClient kms) {
    return kms.listKeysPaginator(b -> b.limit(1000)).keys().stream().map(KeyListEntry::keyArn).toList();
  }

  private static List<AliasListEntry> aliases(KmsClient kms) {
    return kms.listAliasesPaginator(b -> b.limit(100)).aliases().stream().toList();
  }

  /** Adds a principal with an optional identity policy and waits until the server honours its key. */
  private static AwsCredentials added(String arn, String policy) throws Exception {
    List<String> args = new ArrayList<>(List.of("add", "--arn", arn));
    if (policy != null) {
      Path file = Files.createTempFile(trent.dataDir().getParent(), "policy", ".json");
      Files.writeString(file, policy);
      args.addAll(List.of("--policy", file.toString()));
    }
    JsonNode issued = trent.principal(args.toArray(String[]::new));
    AwsBasicCredentials credentials = AwsBasicCredentials.create(issued.get("AccessKeyId").asText(),
        issued.get("SecretAccessKey").asText());
    try (KmsClient kms = client(credentials, Region.US_EAST_1)) {
      assertThat(SigV4Process.within(HONOURED_WITHIN, () -> authenticated(kms))).as("honoured within 5 s").isTrue();
    }
    return credentials;
  }

  /** Whether the credentials are accepted: ListKeys answers, or is AccessDenied (authenticated, not allowed). */
  private static boolean authenticated(KmsClient kms) {
    try {
      kms.listKeys();
      return true;
    } catch (KmsException e) {
      return "AccessDeniedException".equals(e.awsErrorDetails().errorCode());
    }
  }

  private static String allow(List<String> resources, String... actions) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\""
        + String.join("\",\"", actions) + "\"],\"Resource\":[\"" + String.join("\",\"", resources) + "\"]}]}";
  }

  private static void assertError(KmsException e, String type, String message) {
    assertThat(e).as("refused").isNotNull();
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo(type);
    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
  }

  private static KmsClient client(AwsCredentials credentials, Region region) {
    return KmsClient.builder()
        .endpointOverride(endpoint())
        .region(region)
        .credentialsProvider(StaticCredentialsProvider.create(credentials))
        .httpClientBuilder(ApacheHttpClient.builder())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  private static URI endpoint() {
    return URI.create("http://127.0.0.1:" + trent.port());
  }

  /** {@code aws kms <args>} in {@code region}, signed with the account root's key. */
  private static AwsCliTest.Result cli(String region, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(AwsCliTest.findAws(), "kms"));
    command.addAll(List.of(args));
    command.addAll(List.of("--endpoint-url", endpoint().toString(), "--output", "json", "--region", region));
    return AwsCliTest.runProcess(command, "aws kms " + String.join(" ", args),
        Map.of("AWS_ACCESS_KEY_ID", root.accessKeyId(), "AWS_SECRET_ACCESS_KEY", root.secretAccessKey()));
  }
}
