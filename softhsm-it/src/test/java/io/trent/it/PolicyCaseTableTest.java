package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
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
import software.amazon.awssdk.services.kms.model.CreateGrantResponse;
import software.amazon.awssdk.services.kms.model.GrantConstraints;
import software.amazon.awssdk.services.kms.model.GrantOperation;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * Issue 8's table of policy cases: each row is a key policy, the caller's identity policy, the key's grants, a
 * caller, an Encrypt request and the outcome AWS's documented evaluation gives, with the rule it checks. Every row
 * runs through the AWS SDK v2, boto3 and the aws CLI's driver (one Python process each for the whole table), and
 * one row per outcome through the {@code aws} executable, against a {@code sigv4} server on its own SoftHSM2 token
 * ({@link SigV4Process}), with principals from {@code trent principal add}. Each row has a key of its own, so rows
 * cannot see each other's policies or grants.
 *
 * <p>Citations: {@code kdg:} the KMS developer guide page, {@code iamdoc:} the IAM user guide page (as in
 * docs/policies.md); the quoted rule is the page's, shortened. Denial texts are AWS's variants [R, reference
 * aws-auth-policy-audit.md §2.4].
 */
class PolicyCaseTableTest {
  private static final Duration HONOURED_WITHIN = Duration.ofSeconds(10);
  private static final String ACCOUNT = Trent.ACCOUNT;
  private static final String OTHER = "444455556666";
  private static final String EPOCH_2100 = "4102444800";

  /** Who signs the request. */
  enum Caller {
    ROOT("arn:aws:iam::" + ACCOUNT + ":root"),
    /** Same account; an identity policy made of the rows' statements for her. */
    ALICE("arn:aws:iam::" + ACCOUNT + ":user/pt-alice"),
    /** Same account; no identity policy. */
    BOB("arn:aws:iam::" + ACCOUNT + ":user/pt-bob"),
    /** Another account; an identity policy made of the rows' statements for him. */
    STRANGER("arn:aws:iam::" + OTHER + ":user/pt-stranger"),
    /** Another account; no identity policy. */
    OUTSIDER("arn:aws:iam::" + OTHER + ":user/pt-outsider");

    final String arn;

    Caller(String arn) {
      this.arn = arn;
    }
  }

  /** What becomes of a grant after it is created. */
  enum Fate { ACTIVE, REVOKED, RETIRED, TOKEN_IN_REQUEST }

  /** A grant the key's account root creates on the row's key for Encrypt (or {@code operation}). */
  record GrantSpec(Caller grantee, GrantOperation operation, Map<String, String> equals, Map<String, String> subset,
      Fate fate) {
    static GrantSpec of(Caller grantee, Fate fate) {
      return new GrantSpec(grantee, GrantOperation.ENCRYPT, null, null, fate);
    }
  }

  /** How the request names the key. */
  enum Ref { ARN, KEY_ID }

  /** AWS's outcomes: allowed, one of the AccessDeniedException variants, or NotFoundException. */
  enum Outcome {
    ALLOWED(null, null),
    NO_IDENTITY_POLICY("AccessDeniedException", " because no identity-based policy allows the kms:Encrypt action"),
    NO_RESOURCE_POLICY("AccessDeniedException", " because no resource-based policy allows the kms:Encrypt action"),
    DENY_IN_RESOURCE_POLICY("AccessDeniedException", " with an explicit deny in a resource-based policy"),
    DENY_IN_IDENTITY_POLICY("AccessDeniedException", " with an explicit deny in an identity-based policy"),
    /** A key id is looked up in the caller's own account and Region. */
    NOT_FOUND("NotFoundException", null);

    final String code;
    final String suffix;

    Outcome(String code, String suffix) {
      this.code = code;
      this.suffix = suffix;
    }
  }

  /**
   * One row. Policies are templates: {@code ${KEY}} is the row's key ARN, {@code ${ACCOUNT}}, {@code ${OTHER}} and
   * the callers' names their ARNs. {@code identity} holds statements for the caller's identity policy (null: none).
   */
  record Case(String name, String keyPolicy, String identity, List<GrantSpec> grants, Caller caller, Ref ref,
      Map<String, String> context, Outcome expected, String rule) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final String ROOT_ADMIN = allow("arn:aws:iam::${ACCOUNT}:root", "kms:*");

  static final List<Case> CASES = List.of(
      // Same account [kdg:key-policy-default, kdg:key-policy-overview, kdg:policy-evaluation]
      row("same account: key policy names the user, no IAM policy", policy(ROOT_ADMIN, allow("${ALICE}", "kms:Encrypt")),
          null, Caller.ALICE, Outcome.ALLOWED,
          "kdg:key-policy-overview: a key policy statement naming a principal of the key's account gives it access by itself"),
      row("delegation on: key policy names the account, IAM allows", policy(ROOT_ADMIN), iamAllow(), Caller.ALICE,
          Outcome.ALLOWED, "kdg:key-policy-default: the account principal in the key policy enables IAM policies"),
      row("delegation on: key policy names the account, no IAM allow", policy(ROOT_ADMIN), null, Caller.BOB,
          Outcome.NO_IDENTITY_POLICY, "kdg:key-policy-default: with delegation an IAM policy must allow the action"),
      row("delegation off: IAM allows, key policy names neither the user nor the account",
          policy(allow("${BOB}", "kms:*")), iamAllow(), Caller.ALICE, Outcome.NO_RESOURCE_POLICY,
          "kdg:key-policy-default: without the account principal in the key policy, IAM policies give no access"),
      row("account root, key policy names the account", policy(ROOT_ADMIN), null, Caller.ROOT, Outcome.ALLOWED,
          "kdg:key-policy-default: the account principal statement allows the root user"),
      row("account root, key policy names neither", policy(allow("${BOB}", "kms:*")), null, Caller.ROOT,
          Outcome.NO_RESOURCE_POLICY, "kdg:key-policy-default: KMS keys trust no principal, the root user included, "
              + "unless the key policy allows it"),
      // Explicit Deny [iamdoc:reference_policies_evaluation-logic: an explicit deny overrides any allow]
      row("explicit Deny in the key policy over its Allow",
          policy(ROOT_ADMIN, allow("${ALICE}", "kms:Encrypt"), deny("${ALICE}", "kms:Encrypt")), null, Caller.ALICE,
          Outcome.DENY_IN_RESOURCE_POLICY, "iamdoc:reference_policies_evaluation-logic: an explicit deny in any policy "
              + "overrides an allow"),
      row("explicit Deny in the key policy over an IAM allow", policy(ROOT_ADMIN, deny("${ALICE}", "kms:Encrypt")),
          iamAllow(), Caller.ALICE, Outcome.DENY_IN_RESOURCE_POLICY,
          "kdg:policy-evaluation: a Deny in the key policy denies whatever IAM allows"),
      row("explicit Deny in the identity policy over a key policy Allow",
          policy(ROOT_ADMIN, allow("${ALICE}", "kms:Encrypt")), iamDeny(), Caller.ALICE,
          Outcome.DENY_IN_IDENTITY_POLICY, "iamdoc:reference_policies_evaluation-logic: an identity-based Deny "
              + "overrides a resource-based Allow"),
      row("explicit Deny in the identity policy over its Allow", policy(ROOT_ADMIN), iamAllow() + "," + iamDeny(),
          Caller.ALICE, Outcome.DENY_IN_IDENTITY_POLICY,
          "iamdoc:reference_policies_evaluation-logic: Deny statements are evaluated before Allow statements"),
      grantRow("explicit Deny in the key policy over a grant", policy(ROOT_ADMIN, deny("${BOB}", "kms:Encrypt")), null,
          GrantSpec.of(Caller.BOB, Fate.ACTIVE), Caller.BOB, null, Outcome.DENY_IN_RESOURCE_POLICY,
          "kdg:policy-evaluation: grants cannot override an explicit Deny in a policy"),
      grantRow("explicit Deny in the identity policy over a grant", policy(ROOT_ADMIN), iamDeny(),
          GrantSpec.of(Caller.ALICE, Fate.ACTIVE), Caller.ALICE, null, Outcome.DENY_IN_IDENTITY_POLICY,
          "kdg:policy-evaluation: grants cannot override an explicit Deny in a policy"),
      // Cross account [kdg:key-policy-modifying-external-accounts]
      row("cross account by ARN: key policy names the user and IAM allows",
          policy(ROOT_ADMIN, allow("${STRANGER}", "kms:Encrypt")), iamAllow(), Caller.STRANGER, Outcome.ALLOWED,
          "kdg:key-policy-modifying-external-accounts: the key policy and an IAM policy in the external account allow"),
      row("cross account by ARN: key policy names the account and IAM allows",
          policy(ROOT_ADMIN, allow("arn:aws:iam::${OTHER}:root", "kms:Encrypt")), iamAllow(), Caller.STRANGER,
          Outcome.ALLOWED, "kdg:key-policy-modifying-external-accounts: naming the external account delegates to its IAM"),
      row("cross account by ARN: key policy names the account by bare id and IAM allows",
          policy(ROOT_ADMIN, allow("${OTHER}", "kms:Encrypt")), iamAllow(), Caller.STRANGER, Outcome.ALLOWED,
          "iamdoc:reference_policies_elements_principal: an account id is short for arn:aws:iam::<id>:root"),
      row("cross account by ARN: key policy names the user, no IAM allow",
          policy(ROOT_ADMIN, allow("${OUTSIDER}", "kms:Encrypt")), null, Caller.OUTSIDER, Outcome.NO_IDENTITY_POLICY,
          "kdg:key-policy-modifying-external-accounts: the external account's IAM policy must allow too"),
      row("cross account by ARN: IAM allows, key policy does not name the account", policy(ROOT_ADMIN), iamAllow(),
          Caller.STRANGER, Outcome.NO_RESOURCE_POLICY,
          "kdg:key-policy-modifying-external-accounts: the key policy must allow the external account"),
      row("cross account: explicit Deny in the key policy over both allows",
          policy(ROOT_ADMIN, allow("${STRANGER}", "kms:Encrypt"), deny("${STRANGER}", "kms:Encrypt")), iamAllow(),
          Caller.STRANGER, Outcome.DENY_IN_RESOURCE_POLICY,
          "iamdoc:reference_policies_evaluation-logic-cross-account: an explicit deny in either account denies"),
      new Case("cross account by bare key id: looked up in the caller's account",
          template(policy(ROOT_ADMIN, allow("${STRANGER}", "kms:Encrypt"))), template(iamAllow()), List.of(),
          Caller.STRANGER, Ref.KEY_ID, null, Outcome.NOT_FOUND,
          "kdg:key-policy-modifying-external-accounts: to use a key in another account, name it by its key ARN"),
      // One row pair per condition operator family [iamdoc:reference_policies_elements_condition_operators]
      conditionRow("String: StringEquals on kms:EncryptionContext:app, equal",
          "\"StringEquals\":{\"kms:EncryptionContext:app\":\"billing\"}", Map.of("app", "billing"), true),
      conditionRow("String: StringEquals on kms:EncryptionContext:app, differs in case",
          "\"StringEquals\":{\"kms:EncryptionContext:app\":\"billing\"}", Map.of("app", "Billing"), false),
      conditionRow("Arn: ArnLike on aws:PrincipalArn, matching pattern",
          "\"ArnLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::${ACCOUNT}:user/pt-*\"}", null, true),
      conditionRow("Arn: ArnEquals on aws:PrincipalArn, another user",
          "\"ArnEquals\":{\"aws:PrincipalArn\":\"${BOB}\"}", null, false),
      conditionRow("Numeric: NumericLessThan on aws:EpochTime, before 2100",
          "\"NumericLessThan\":{\"aws:EpochTime\":\"" + EPOCH_2100 + "\"}", null, true),
      conditionRow("Numeric: NumericGreaterThanEquals on aws:EpochTime, after 2100",
          "\"NumericGreaterThanEquals\":{\"aws:EpochTime\":\"" + EPOCH_2100 + "\"}", null, false),
      conditionRow("Date: DateGreaterThan on aws:CurrentTime, after 2020",
          "\"DateGreaterThan\":{\"aws:CurrentTime\":\"2020-01-01T00:00:00Z\"}", null, true),
      conditionRow("Date: DateLessThan on aws:CurrentTime, before 2020",
          "\"DateLessThan\":{\"aws:CurrentTime\":\"2020-01-01T00:00:00Z\"}", null, false),
      conditionRow("Bool: aws:SecureTransport false over HTTP", "\"Bool\":{\"aws:SecureTransport\":\"false\"}", null,
          true),
      conditionRow("Bool: aws:SecureTransport true over HTTP", "\"Bool\":{\"aws:SecureTransport\":\"true\"}", null,
          false),
      conditionRow("IpAddress: aws:SourceIp in 127.0.0.0/8", "\"IpAddress\":{\"aws:SourceIp\":\"127.0.0.0/8\"}", null,
          true),
      conditionRow("IpAddress: NotIpAddress 127.0.0.0/8 from 127.0.0.1",
          "\"NotIpAddress\":{\"aws:SourceIp\":\"127.0.0.0/8\"}", null, false),
      conditionRow("Null: kms:EncryptionContextKeys absent, no context",
          "\"Null\":{\"kms:EncryptionContextKeys\":\"true\"}", null, true),
      conditionRow("Null: kms:EncryptionContextKeys absent, with a context",
          "\"Null\":{\"kms:EncryptionContextKeys\":\"true\"}", Map.of("app", "billing"), false),
      conditionRow("IfExists: StringEqualsIfExists, key absent",
          "\"StringEqualsIfExists\":{\"kms:EncryptionContext:app\":\"billing\"}", null, true),
      conditionRow("IfExists: StringEqualsIfExists, key present and different",
          "\"StringEqualsIfExists\":{\"kms:EncryptionContext:app\":\"billing\"}", Map.of("app", "web"), false),
      conditionRow("ForAnyValue: one context key listed",
          "\"ForAnyValue:StringEquals\":{\"kms:EncryptionContextKeys\":\"app\"}", Map.of("app", "a", "user", "7"), true),
      conditionRow("ForAnyValue: no context key listed",
          "\"ForAnyValue:StringEquals\":{\"kms:EncryptionContextKeys\":\"app\"}", Map.of("user", "7"), false),
      conditionRow("ForAllValues: empty set (no context) matches",
          "\"ForAllValues:StringEquals\":{\"kms:EncryptionContextKeys\":\"app\"}", null, true),
      conditionRow("ForAllValues: a context key not listed",
          "\"ForAllValues:StringEquals\":{\"kms:EncryptionContextKeys\":\"app\"}", Map.of("app", "a", "user", "7"),
          false),
      // Grants [kdg:grants, kdg:create-grant-overview]; Bob has no identity policy, the key policy is the default
      grantRow("grant: no constraints", policy(ROOT_ADMIN), null, GrantSpec.of(Caller.BOB, Fate.ACTIVE), Caller.BOB,
          null, Outcome.ALLOWED, "kdg:grants: a grant allows its grantee the grant's operations"),
      grantRow("grant: for Decrypt only, Encrypt requested", policy(ROOT_ADMIN), null,
          new GrantSpec(Caller.BOB, GrantOperation.DECRYPT, null, null, Fate.ACTIVE), Caller.BOB, null,
          Outcome.NO_IDENTITY_POLICY, "kdg:grants: a grant allows only the operations it lists"),
      grantRow("grant: EncryptionContextEquals, exactly equal", policy(ROOT_ADMIN), null,
          new GrantSpec(Caller.BOB, GrantOperation.ENCRYPT, Map.of("app", "billing"), null, Fate.ACTIVE), Caller.BOB,
          Map.of("app", "billing"), Outcome.ALLOWED,
          "kdg:create-grant-overview: EncryptionContextEquals allows only the exact encryption context"),
      grantRow("grant: EncryptionContextEquals, an extra pair", policy(ROOT_ADMIN), null,
          new GrantSpec(Caller.BOB, GrantOperation.ENCRYPT, Map.of("app", "billing"), null, Fate.ACTIVE), Caller.BOB,
          Map.of("app", "billing", "user", "7"), Outcome.NO_IDENTITY_POLICY,
          "kdg:create-grant-overview: EncryptionContextEquals allows only the exact encryption context"),
      grantRow("grant: EncryptionContextSubset, an extra pair", policy(ROOT_ADMIN), null,
          new GrantSpec(Caller.BOB, GrantOperation.ENCRYPT, null, Map.of("app", "billing"), Fate.ACTIVE), Caller.BOB,
          Map.of("app", "billing", "user", "7"), Outcome.ALLOWED,
          "kdg:create-grant-overview: EncryptionContextSubset allows contexts that include its pairs"),
      grantRow("grant: EncryptionContextSubset, value differs in case", policy(ROOT_ADMIN), null,
          new GrantSpec(Caller.BOB, GrantOperation.ENCRYPT, null, Map.of("app", "billing"), Fate.ACTIVE), Caller.BOB,
          Map.of("app", "Billing"), Outcome.NO_IDENTITY_POLICY,
          "kdg:create-grant-overview: constraint pairs are case-sensitive"),
      grantRow("grant: revoked", policy(ROOT_ADMIN), null, GrantSpec.of(Caller.BOB, Fate.REVOKED), Caller.BOB, null,
          Outcome.NO_IDENTITY_POLICY, "kdg:grant-delete: a revoked grant allows nothing"),
      grantRow("grant: retired", policy(ROOT_ADMIN), null, GrantSpec.of(Caller.BOB, Fate.RETIRED), Caller.BOB, null,
          Outcome.NO_IDENTITY_POLICY, "kdg:grant-delete: a retired grant allows nothing"),
      grantRow("grant: its grant token in the request", policy(ROOT_ADMIN), null,
          GrantSpec.of(Caller.BOB, Fate.TOKEN_IN_REQUEST), Caller.BOB, null, Outcome.ALLOWED,
          "kdg:grant-tokens: a request with the grant token may use the grant"),
      grantRow("grant: to a user in another account, by ARN", policy(ROOT_ADMIN), null,
          GrantSpec.of(Caller.OUTSIDER, Fate.ACTIVE), Caller.OUTSIDER, null, Outcome.ALLOWED,
          "kdg:grants: a grant allows its grantee, who may be in another account, without a policy naming it "
              + "(reference aws-auth-policy-audit.md: 'or a grant')"));

  private static SigV4Process trent;
  private static KmsClient root;
  private static final Map<Caller, AwsCredentials> credentials = new EnumMap<>(Caller.class);
  private static final Map<Caller, KmsClient> clients = new EnumMap<>(Caller.class);
  private static final Map<String, String> keys = new ConcurrentHashMap<>();
  private static final Map<String, List<String>> tokens = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    trent = SigV4Process.start("policy-table-it", List.of(Trent.REGION), "", "");
    credentials.put(Caller.ROOT, rootCredentials());
    root = client(credentials.get(Caller.ROOT));
    // Key policies may name only principals that exist, and identity policies name the keys: add every user
    // first, create the keys, then give Alice and the stranger their identity policies.
    for (Caller caller : List.of(Caller.ALICE, Caller.BOB, Caller.STRANGER, Caller.OUTSIDER)) {
      credentials.put(caller, credentials(trent.principal("add", "--arn", caller.arn)));
    }
    for (Case c : CASES) {
      String keyPolicy = resolve(c.keyPolicy(), null);
      keys.put(c.name(), root.createKey(b -> b.description(c.name()).policy(keyPolicy)
          .bypassPolicyLockoutSafetyCheck(true)).keyMetadata().arn());
    }
    for (Caller caller : List.of(Caller.ALICE, Caller.STRANGER)) {
      String statements = CASES.stream().filter(c -> c.caller() == caller && c.identity() != null)
          .map(c -> resolve(c.identity(), keys.get(c.name()))).collect(Collectors.joining(","));
      Path file = Files.createTempFile(trent.dataDir().getParent(), "identity", ".json");
      Files.writeString(file, "{\"Version\":\"2012-10-17\",\"Statement\":[" + statements + "]}");
      credentials.put(caller, credentials(trent.principal("add", "--arn", caller.arn, "--policy", file.toString())));
    }
    for (Caller caller : Caller.values()) {
      clients.put(caller, client(credentials.get(caller)));
    }
    for (Case c : CASES) {
      for (GrantSpec g : c.grants()) {
        createGrant(c, g);
      }
    }
    // The server reads principal changes within a second or so: ready once every row the new identity policies
    // and access keys decide gives its outcome.
    List<Case> byIdentity = CASES.stream().filter(c -> c.identity() != null || c.caller() != Caller.ROOT).toList();
    assertThat(SigV4Process.within(HONOURED_WITHIN,
        () -> byIdentity.stream().allMatch(c -> sdkOutcome(c).equals(expected(c)))))
        .as("identity policies and access keys honoured").isTrue();
  }

  @AfterAll
  static void stop() throws Exception {
    clients.values().forEach(KmsClient::close);
    if (root != null) {
      root.close();
    }
    if (trent != null) {
      trent.close();
    }
  }

  static Stream<Case> cases() {
    return CASES.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theSdkV2GetsAwsDecision(Case c) {
    assertThat(sdkOutcome(c)).as("%s [%s]", c.name(), c.rule()).isEqualTo(expected(c));
  }

  @Test
  void boto3GetsAwsDecisionForEveryRow() throws Exception {
    JsonNode outcomes = runPython("policy_case_table.py");
    SoftAssertions softly = new SoftAssertions();
    for (Case c : CASES) {
      JsonNode o = outcomes.get(c.name());
      String actual = o.has("allowed") ? "allowed" : o.get("code").asText() + ": " + o.get("message").asText();
      softly.assertThat(actual).as("boto3: %s [%s]", c.name(), c.rule()).isEqualTo(expected(c));
    }
    softly.assertAll();
  }

  @Test
  void theAwsCliDriverGetsAwsDecisionForEveryRow() throws Exception {
    JsonNode outcomes = runPython("policy_case_table_cli.py", plaintextFile().toString());
    SoftAssertions softly = new SoftAssertions();
    for (Case c : CASES) {
      JsonNode o = outcomes.get(c.name());
      softly.assertThat(cliOutcome(o.get("exit").asInt(), o.get("stderr").asText()))
          .as("aws CLI driver: %s [%s]", c.name(), c.rule()).isEqualTo(expected(c));
    }
    softly.assertAll();
  }

  /** The {@code aws} executable itself, for the first row of each outcome (a process per row costs seconds). */
  @Test
  void theAwsCliExecutableGetsAwsDecisionForOneRowPerOutcome() throws Exception {
    Path plaintext = plaintextFile();
    Map<Outcome, Case> firstPerOutcome = new EnumMap<>(Outcome.class);
    CASES.forEach(c -> firstPerOutcome.putIfAbsent(c.expected(), c));
    assertThat(firstPerOutcome).hasSize(Outcome.values().length);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Map<Case, Future<String>> outcomes = new LinkedHashMap<>();
      for (Case c : firstPerOutcome.values()) {
        outcomes.put(c, pool.submit(() -> cliProcessOutcome(c, plaintext)));
      }
      SoftAssertions softly = new SoftAssertions();
      for (Map.Entry<Case, Future<String>> e : outcomes.entrySet()) {
        Case c = e.getKey();
        softly.assertThat(e.getValue().get(120, TimeUnit.SECONDS)).as("aws CLI: %s [%s]", c.name(), c.rule())
            .isEqualTo(expected(c));
      }
      softly.assertAll();
    } finally {
      pool.shutdownNow();
    }
  }

  /** Runs a script of this package with python3 on every row; its stdout as JSON. */
  private static JsonNode runPython(String resource, String... moreArgs) throws Exception {
    ArrayNode rows = RawKms.JSON.createArrayNode();
    for (Case c : CASES) {
      AwsCredentials creds = credentials.get(c.caller());
      ObjectNode row = rows.addObject().put("name", c.name()).put("keyId", keyRef(c))
          .put("accessKeyId", creds.accessKeyId()).put("secretAccessKey", creds.secretAccessKey());
      if (c.context() != null) {
        c.context().forEach(row.putObject("context")::put);
      }
      tokens.getOrDefault(c.name(), List.of()).forEach(row.putArray("grantTokens")::add);
    }
    Path script = Files.createTempFile(trent.dataDir().getParent(), resource, ".py");
    try (InputStream in = PolicyCaseTableTest.class.getResourceAsStream(resource)) {
      Files.write(script, in.readAllBytes());
    }
    List<String> command = new ArrayList<>(List.of("python3", script.toString(), endpoint().toString()));
    command.addAll(List.of(moreArgs));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
    builder.environment().putAll(Map.of("AWS_CONFIG_FILE", "/nonexistent/aws-config", "AWS_SHARED_CREDENTIALS_FILE",
        "/nonexistent/aws-credentials", "AWS_EC2_METADATA_DISABLED", "true", "AWS_MAX_ATTEMPTS", "1", "AWS_PAGER", ""));
    Path errors = Files.createTempFile(trent.dataDir().getParent(), resource, ".err");
    builder.redirectError(errors.toFile());
    Process process = builder.start();
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(RawKms.JSON.writeValueAsBytes(rows));
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("%s finished", resource).isTrue();
    assertThat(process.exitValue()).as("%s: %s", resource, Files.readString(errors)).isZero();
    return RawKms.JSON.readTree(output);
  }

  private static Path plaintextFile() throws Exception {
    Path plaintext = Files.createTempFile(trent.dataDir().getParent(), "plaintext", ".bin");
    Files.write(plaintext, "x".getBytes(StandardCharsets.UTF_8));
    return plaintext;
  }

  private static final Pattern CLI_ERROR = Pattern.compile("An error occurred \\((\\w+)\\) when calling the Encrypt "
      + "operation: (.*)");

  /** "allowed" or "{@code <code>: <message>}" from the CLI's exit code and the error line it prints. */
  private static String cliOutcome(int exitCode, String stderr) {
    if (exitCode == 0) {
      return "allowed";
    }
    Matcher m = CLI_ERROR.matcher(stderr);
    return m.find() ? m.group(1) + ": " + m.group(2).strip() : "unparsed (exit " + exitCode + "): " + stderr;
  }

  private static String cliProcessOutcome(Case c, Path plaintext) throws Exception {
    List<String> command = new ArrayList<>(List.of(AwsCliTest.findAws(), "kms", "encrypt", "--key-id", keyRef(c),
        "--plaintext", "fileb://" + plaintext, "--endpoint-url", endpoint().toString(), "--region", Trent.REGION,
        "--output", "json"));
    if (c.context() != null) {
      command.add("--encryption-context");
      command.add(c.context().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
          .collect(Collectors.joining(",")));
    }
    List<String> grantTokens = tokens.getOrDefault(c.name(), List.of());
    if (!grantTokens.isEmpty()) {
      command.add("--grant-tokens");
      command.addAll(grantTokens);
    }
    AwsCredentials creds = credentials.get(c.caller());
    AwsCliTest.Result result = AwsCliTest.runProcess(command, "aws kms encrypt (" + c.name() + ")", Map.of(
        "AWS_ACCESS_KEY_ID", creds.accessKeyId(), "AWS_SECRET_ACCESS_KEY", creds.secretAccessKey(),
        "AWS_MAX_ATTEMPTS", "1"));
    return cliOutcome(result.exitCode(), result.stderr());
  }

  /** "allowed", or "{@code <error code>: <message>}" as AWS answers for the row. */
  private static String expected(Case c) {
    String key = keys.get(c.name());
    return switch (c.expected()) {
      case ALLOWED -> "allowed";
      case NOT_FOUND -> "NotFoundException: Key 'arn:aws:kms:" + Trent.REGION + ":"
          + c.caller().arn.split(":")[4] + ":key/" + keyIdOf(key) + "' does not exist";
      default -> c.expected().code + ": User: " + c.caller().arn + " is not authorized to perform: kms:Encrypt on "
          + "resource: " + key + c.expected().suffix;
    };
  }

  private static String sdkOutcome(Case c) {
    try {
      clients.get(c.caller()).encrypt(b -> b.keyId(keyRef(c)).plaintext(SdkBytes.fromUtf8String("x"))
          .encryptionContext(c.context()).grantTokens(tokens.get(c.name())));
      return "allowed";
    } catch (KmsException e) {
      return e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage();
    }
  }

  private static void createGrant(Case c, GrantSpec g) {
    String key = keys.get(c.name());
    GrantConstraints constraints = g.equals() == null && g.subset() == null ? null
        : GrantConstraints.builder().encryptionContextEquals(g.equals()).encryptionContextSubset(g.subset()).build();
    CreateGrantResponse grant = root.createGrant(b -> b.keyId(key).granteePrincipal(g.grantee().arn)
        .operations(g.operation()).constraints(constraints).retiringPrincipal(Caller.ROOT.arn));
    switch (g.fate()) {
      case REVOKED -> root.revokeGrant(b -> b.keyId(key).grantId(grant.grantId()));
      case RETIRED -> root.retireGrant(b -> b.keyId(key).grantId(grant.grantId()));
      case TOKEN_IN_REQUEST -> tokens.put(c.name(), List.of(grant.grantToken()));
      case ACTIVE -> { }
    }
  }

  private static String keyRef(Case c) {
    String key = keys.get(c.name());
    return c.ref() == Ref.ARN ? key : keyIdOf(key);
  }

  private static String keyIdOf(String keyArn) {
    return keyArn.substring(keyArn.indexOf("key/") + 4);
  }

  // --- building rows -----------------------------------------------------------------------------------------

  private static Case row(String name, String keyPolicy, String identity, Caller caller, Outcome expected,
      String rule) {
    return new Case(name, template(keyPolicy), template(identity), List.of(), caller, Ref.ARN, null, expected, rule);
  }

  private static Case grantRow(String name, String keyPolicy, String identity, GrantSpec grant, Caller caller,
      Map<String, String> context, Outcome expected, String rule) {
    return new Case(name, template(keyPolicy), template(identity), List.of(grant), caller, Ref.ARN, context, expected,
        rule);
  }

  /**
   * Alice, named by the key policy (beside the account principal) on a condition; denied, she has no identity
   * policy for the key, so the delegation finds no IAM allow.
   */
  private static Case conditionRow(String name, String condition, Map<String, String> context, boolean allowed) {
    String statement = "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"${ALICE}\"},\"Action\":\"kms:Encrypt\","
        + "\"Resource\":\"*\",\"Condition\":{" + condition + "}}";
    return new Case(name, template(policy(ROOT_ADMIN, statement)), null, List.of(), Caller.ALICE, Ref.ARN, context,
        allowed ? Outcome.ALLOWED : Outcome.NO_IDENTITY_POLICY,
        "iamdoc:reference_policies_elements_condition_operators (and _condition-single-vs-multi-valued-context-keys "
            + "for set operators): the statement applies only when its condition holds");
  }

  private static String policy(String... statements) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}";
  }

  private static String allow(String principal, String action) {
    return statement("Allow", principal, action);
  }

  private static String deny(String principal, String action) {
    return statement("Deny", principal, action);
  }

  private static String statement(String effect, String principal, String action) {
    return "{\"Effect\":\"" + effect + "\",\"Principal\":{\"AWS\":\"" + principal + "\"},\"Action\":\"" + action
        + "\",\"Resource\":\"*\"}";
  }

  private static String iamAllow() {
    return "{\"Effect\":\"Allow\",\"Action\":\"kms:Encrypt\",\"Resource\":\"${KEY}\"}";
  }

  private static String iamDeny() {
    return "{\"Effect\":\"Deny\",\"Action\":\"kms:Encrypt\",\"Resource\":\"${KEY}\"}";
  }

  /** Fills in the accounts and callers; {@code ${KEY}} stays for {@link #resolve}. */
  private static String template(String text) {
    if (text == null) {
      return null;
    }
    String out = text.replace("${ACCOUNT}", ACCOUNT).replace("${OTHER}", OTHER);
    for (Caller caller : Caller.values()) {
      out = out.replace("${" + caller.name() + "}", caller.arn);
    }
    return out;
  }

  private static String resolve(String text, String keyArn) {
    return keyArn == null ? text : text.replace("${KEY}", keyArn);
  }

  private static AwsCredentials credentials(JsonNode issued) {
    return AwsBasicCredentials.create(issued.get("AccessKeyId").asText(), issued.get("SecretAccessKey").asText());
  }

  private static AwsCredentials rootCredentials() {
    ProfileFile profile = ProfileFile.builder().content(trent.credentialsFile()).type(ProfileFile.Type.CREDENTIALS)
        .build();
    return ProfileCredentialsProvider.builder().profileFile(profile).profileName("default").build()
        .resolveCredentials();
  }

  private static KmsClient client(AwsCredentials creds) {
    return KmsClient.builder()
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(creds))
        .httpClientBuilder(ApacheHttpClient.builder())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  private static URI endpoint() {
    return URI.create("http://127.0.0.1:" + trent.port());
  }
}
