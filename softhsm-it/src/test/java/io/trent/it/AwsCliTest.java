package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;

/**
 * The unchanged {@code aws} CLI (Debian awscli, /usr/bin/aws) against Trent with --endpoint-url.
 * Fails (never skips) when the CLI is not installed.
 */
@ExtendWith(TrentExtension.class)
class AwsCliTest {
  static final String ALIAS = "alias/ExampleAlias";
  static KmsClient kms;
  static KeyMetadata key;
  static String aws;

  record Result(int exitCode, String stdout, String stderr) {
    JsonNode json() throws IOException {
      assertThat(exitCode).as("aws exit code; stderr: %s", stderr).isZero();
      return RawKms.JSON.readTree(stdout);
    }
  }

  @BeforeAll
  static void setUp() {
    aws = findAws();
    kms = Trent.kms();
    key = Trent.newKey("AwsCliTest");
    kms.createAlias(b -> b.aliasName(ALIAS).targetKeyId(key.keyId()));
  }

  static String findAws() {
    String configured = System.getProperty("trent.it.aws");
    if (configured != null && Files.isExecutable(Paths.get(configured))) {
      return configured;
    }
    if (Files.isExecutable(Paths.get("/usr/bin/aws"))) {
      return "/usr/bin/aws";
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path p = Paths.get(dir, "aws");
        if (Files.isExecutable(p)) {
          return p.toString();
        }
      }
    }
    throw new AssertionError(
        "The aws CLI is required by AwsCliTest but was found neither at /usr/bin/aws nor on the PATH;"
            + " install it (Debian: apt-get install awscli) or set -Dtrent.it.aws=/path/to/aws");
  }

  static Result run(String... kmsArgs) throws Exception {
    return runWithOutput("json", kmsArgs);
  }

  /** Runs {@code aws kms <kmsArgs>} with {@code --output <output>} (json, text, table). */
  static Result runWithOutput(String output, String... kmsArgs) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(aws);
    cmd.add("kms");
    cmd.addAll(Arrays.asList(kmsArgs));
    cmd.addAll(List.of("--endpoint-url", "http://127.0.0.1:" + Trent.port(), "--output", output, "--region", Trent.REGION));
    return runProcess(cmd, "aws " + String.join(" ", kmsArgs), Map.of("AWS_DEFAULT_REGION", Trent.REGION));
  }

  /**
   * Runs an AWS client process (the CLI, or python3 with botocore) with the fixture's credentials and
   * no configuration files of the machine, plus {@code extraEnv}; fails after 90 s.
   */
  static Result runProcess(List<String> cmd, String what, Map<String, String> extraEnv) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("AWS_"));
    env.put("AWS_ACCESS_KEY_ID", Trent.CREDENTIALS.accessKeyId());
    env.put("AWS_SECRET_ACCESS_KEY", Trent.CREDENTIALS.secretAccessKey());
    env.put("AWS_PAGER", "");
    env.put("AWS_CONFIG_FILE", "/nonexistent/aws-config");
    env.put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.putAll(extraEnv);
    Path out = Files.createTempFile("aws-cli", ".out");
    Path err = Files.createTempFile("aws-cli", ".err");
    try {
      pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      Process p = pb.start();
      if (!p.waitFor(90, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(what + " did not finish in 90 s");
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  static byte[] b64(JsonNode n, String field) {
    assertThat(n.hasNonNull(field)).as("%s in %s", field, n).isTrue();
    return Base64.getDecoder().decode(n.get(field).asText());
  }

  @Test
  void generateDataKeyByAliasWithKeySpec() throws Exception {
    JsonNode j = run("generate-data-key", "--key-id", ALIAS, "--key-spec", "AES_256").json();
    byte[] plaintext = b64(j, "Plaintext");
    assertThat(plaintext).hasSize(32);
    assertThat(j.path("KeyId").asText()).isEqualTo(key.arn());
    byte[] blob = b64(j, "CiphertextBlob");
    assertThat(kms.decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(blob))).plaintext().asByteArray()).isEqualTo(plaintext);
  }

  @Test
  void generateDataKeyByKeyIdWithNumberOfBytes() throws Exception {
    JsonNode j = run("generate-data-key", "--key-id", key.keyId(), "--number-of-bytes", "64").json();
    byte[] plaintext = b64(j, "Plaintext");
    assertThat(plaintext).hasSize(64);
    assertThat(j.path("KeyId").asText()).isEqualTo(key.arn());
    byte[] blob = b64(j, "CiphertextBlob");
    assertThat(kms.decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(blob))).plaintext().asByteArray()).isEqualTo(plaintext);
  }

  @Test
  void generateDataKeyWithoutPlaintextByArn() throws Exception {
    JsonNode j = run("generate-data-key-without-plaintext", "--key-id", key.arn(), "--key-spec", "AES_256").json();
    assertThat(j.has("Plaintext")).as("%s", j).isFalse();
    assertThat(j.path("KeyId").asText()).isEqualTo(key.arn());
    byte[] blob = b64(j, "CiphertextBlob");
    assertThat(kms.decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(blob))).plaintext().asByteArray()).hasSize(32);
  }

  @Test
  void generateDataKeyPairWithoutPlaintextP384() throws Exception {
    JsonNode j = run("generate-data-key-pair-without-plaintext", "--key-id", key.keyId(), "--key-pair-spec", "ECC_NIST_P384").json();
    assertThat(j.has("PrivateKeyPlaintext")).as("%s", j).isFalse();
    assertThat(j.path("KeyId").asText()).isEqualTo(key.arn());
    assertThat(j.path("KeyPairSpec").asText()).isEqualTo("ECC_NIST_P384");
    KeyFactory ec = KeyFactory.getInstance("EC");
    ECPublicKey pub = (ECPublicKey) ec.generatePublic(new X509EncodedKeySpec(b64(j, "PublicKey")));
    assertThat(pub.getParams().getCurve().getField().getFieldSize()).isEqualTo(384);

    byte[] blob = b64(j, "PrivateKeyCiphertextBlob");
    byte[] pkcs8 = kms.decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(blob))).plaintext().asByteArray();
    PrivateKey priv = ec.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    Signature s = Signature.getInstance("SHA384withECDSA");
    s.initSign(priv);
    s.update("cli".getBytes(StandardCharsets.UTF_8));
    byte[] sig = s.sign();
    s.initVerify(pub);
    s.update("cli".getBytes(StandardCharsets.UTF_8));
    assertThat(s.verify(sig)).isTrue();
  }

  @Test
  void errorsReachTheCliAsAwsErrors() throws Exception {
    Result r = run("generate-data-key", "--key-id", "alias/DoesNotExist", "--key-spec", "AES_256");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr())
        .contains("An error occurred (NotFoundException) when calling the GenerateDataKey operation: "
            + "Alias " + Trent.ALIAS_ARN_PREFIX + "DoesNotExist is not found.");

    Result v = run("generate-data-key", "--key-id", key.keyId(), "--number-of-bytes", "1025");
    assertThat(v.exitCode()).isNotZero();
    assertThat(v.stderr()).contains("An error occurred (ValidationException) when calling the GenerateDataKey operation: 1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024");
  }

  @Test
  void inDevModeACliOfAnotherRegionGetsThatRegionsKeys() throws Exception {
    List<String> cmd = new ArrayList<>(List.of(aws, "kms", "create-key", "--description", "dev west",
        "--endpoint-url", "http://127.0.0.1:" + Trent.port(), "--output", "json", "--region", "us-west-2"));
    Result created = runProcess(cmd, "aws kms create-key --region us-west-2", Map.of());
    assertThat(created.exitCode()).as(created.stderr()).isZero();
    JsonNode metadata = created.json().get("KeyMetadata");
    assertThat(metadata.get("Arn").asText()).isEqualTo("arn:aws:kms:us-west-2:" + Trent.ACCOUNT + ":key/"
        + metadata.get("KeyId").asText());

    // The default region's client does not see it by id.
    Result fromEast = run("describe-key", "--key-id", metadata.get("KeyId").asText());
    assertThat(fromEast.exitCode()).isNotZero();
    assertThat(fromEast.stderr()).contains("(NotFoundException) when calling the DescribeKey operation: Key '"
        + Trent.KEY_ARN_PREFIX + metadata.get("KeyId").asText() + "' does not exist");
  }
}
