package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.trent.core.KmsPolicy;
import io.trent.server.TrentServer;
import io.trent.server.config.TlsConfig;
import io.trent.server.config.TrentConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;

/**
 * The server with {@code tls.enabled} on the fixture's data directory and token: the SDK v2 and
 * the aws CLI trusting the generated {@code <dataDir>/tls/ca.pem}, plain HTTP refused, and mutual
 * TLS with {@code tls.clientCa}. Stops the shared HTTP server for its duration, so it runs among
 * the last classes (see junit-platform.properties).
 */
@Order(Integer.MAX_VALUE - 1)
@ExtendWith(TrentExtension.class)
class HttpsTest {
  private static TrentConfig base;
  private static TrentServer server;
  private static Path caPem;

  @BeforeAll
  static void serveHttps() throws Exception {
    Trent.stop();
    base = TrentConfig.load(Trent.buildDir().resolve("it-trent.yaml"), Map.of());
    start(base.tls().withEnabled(true));
    caPem = Trent.dataDir().resolve("tls").resolve("ca.pem");
  }

  @AfterAll
  static void serveHttpAgain() throws Exception {
    stop();
    Trent.startAgain();
  }

  private static void start(TlsConfig tls) {
    server = TrentServer.start(base.withTls(tls), Trent.clock(), KmsPolicy.DEFAULT);
  }

  private static void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  private static URI https() {
    return URI.create("https://127.0.0.1:" + server.port());
  }

  private static KmsClient client(URI endpoint, TrustManager[] trust, KeyManager[] keys) {
    ApacheHttpClient.Builder http = ApacheHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(5))
        .socketTimeout(Duration.ofSeconds(30))
        .tlsTrustManagersProvider(() -> trust);
    if (keys != null) {
      http.tlsKeyManagersProvider(() -> keys);
    }
    return KmsClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(Trent.CREDENTIALS))
        .httpClientBuilder(http)
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  private static void roundTrip(KmsClient kms, String description) {
    KeyMetadata key = kms.createKey(b -> b.description(description)).keyMetadata();
    byte[] plaintext = description.getBytes(StandardCharsets.UTF_8);
    SdkBytes blob = kms.encrypt(b -> b.keyId(key.keyId()).plaintext(SdkBytes.fromByteArray(plaintext)))
        .ciphertextBlob();
    var decrypted = kms.decrypt(b -> b.ciphertextBlob(blob));
    assertThat(decrypted.plaintext().asByteArray()).isEqualTo(plaintext);
    assertThat(decrypted.keyId()).isEqualTo(key.arn());
  }

  @Test
  void theSdkCreatesEncryptsAndDecryptsOverHttpsTrustingCaPem() throws Exception {
    assertThat(server.tls().orElseThrow().generatedCa()).contains(caPem);
    try (KmsClient kms = client(https(), ClientCertificates.trusting(caPem), null)) {
      roundTrip(kms, "HttpsTest SDK");
    }
  }

  @Test
  void theGeneratedFilesAreOwnerOnly() throws Exception {
    Path dir = caPem.getParent();
    List<String> modes;
    try (var files = Files.list(dir)) {
      modes = files.map(f -> f.getFileName() + " " + mode(f)).sorted().toList();
    }

    assertThat(mode(dir)).isEqualTo("rwx------");
    assertThat(modes).containsExactly("ca.pem rw-------", "server.key rw-------", "server.pem rw-------");
  }

  private static String mode(Path path) {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void healthAnswersOverHttps() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, ClientCertificates.trusting(caPem), null);
    HttpClient client = HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1).build();

    HttpResponse<String> health = client.send(HttpRequest.newBuilder(https().resolve("/health"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(health.statusCode()).isEqualTo(200);
  }

  @Test
  void plainHttpOnTheHttpsPortGetsNoAnswer() throws Exception {
    try (KmsClient kms = client(URI.create("http://127.0.0.1:" + server.port()), ClientCertificates.trusting(caPem),
        null)) {
      assertThatThrownBy(kms::listKeys).isInstanceOf(SdkClientException.class);
    }
  }

  @Test
  void theCliWorksWithCaBundle() throws Exception {
    List<String> bundle = List.of("--ca-bundle", caPem.toString());
    JsonNode created = cli(bundle, "create-key", "--description", "HttpsTest CLI").json();
    String keyId = created.path("KeyMetadata").path("KeyId").asText();
    Path plaintext = Files.createTempFile("https-cli", ".bin");
    try {
      Files.writeString(plaintext, "over https");
      JsonNode encrypted = cli(bundle, "encrypt", "--key-id", keyId, "--plaintext", "fileb://" + plaintext).json();
      Path blob = Files.createTempFile("https-cli", ".blob");
      try {
        Files.write(blob, Base64.getDecoder().decode(encrypted.path("CiphertextBlob").asText()));
        JsonNode decrypted = cli(bundle, "decrypt", "--ciphertext-blob", "fileb://" + blob).json();

        assertThat(new String(Base64.getDecoder().decode(decrypted.path("Plaintext").asText()), StandardCharsets.UTF_8))
            .isEqualTo("over https");
      } finally {
        Files.deleteIfExists(blob);
      }
    } finally {
      Files.deleteIfExists(plaintext);
    }
  }

  @Test
  void theCliWithoutCaBundleRefusesTheCertificate() throws Exception {
    AwsCliTest.Result result = cli(List.of(), "list-keys");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr()).contains("SSL validation failed").contains("CERTIFICATE_VERIFY_FAILED");
  }

  @Test
  void mutualTlsAdmitsOnlyClientsWithACertificateFromTheClientCa() throws Exception {
    ClientCertificates clientCa = ClientCertificates.newCa("Trent IT client CA");
    Path clientCaPem = clientCa.writePem(Trent.buildDir().resolve("it-client-ca.pem"));
    ClientCertificates otherCa = ClientCertificates.newCa("Trent IT client CA"); // same name, other key
    stop();
    start(base.tls().withEnabled(true).withClientCa(clientCaPem.toString()));
    try {
      TrustManager[] trust = ClientCertificates.trusting(caPem);
      assertThat(server.tls().orElseThrow().mutual()).isTrue();

      try (KmsClient kms = client(https(), trust, clientCa.issue("app").keyManagers())) {
        roundTrip(kms, "HttpsTest mutual TLS");
      }
      try (KmsClient kms = client(https(), trust, null)) {
        assertThatThrownBy(kms::listKeys).isInstanceOf(SdkClientException.class);
      }
      try (KmsClient kms = client(https(), trust, otherCa.issue("app").keyManagers())) {
        assertThatThrownBy(kms::listKeys).isInstanceOf(SdkClientException.class);
      }

      // botocore (what boto3 and the aws CLI are built on), through Python's OpenSSL.
      Path certificate = Trent.buildDir().resolve("it-client.pem");
      Path key = Trent.buildDir().resolve("it-client.key");
      clientCa.issue("python-app").writePem(certificate, key);
      AwsCliTest.Result withCertificate = botocore(certificate, key);
      assertThat(withCertificate.exitCode()).as("stderr: %s", withCertificate.stderr()).isZero();
      assertThat(withCertificate.stdout().strip()).isEqualTo("over mutual TLS");
      AwsCliTest.Result without = botocore(null, null);
      assertThat(without.exitCode()).isNotZero();
      assertThat(without.stderr()).contains("SSL");
    } finally {
      stop();
      start(base.tls().withEnabled(true));
    }
  }

  private static final String BOTOCORE_ROUND_TRIP = String.join("\n",
      "import sys, botocore.session",
      "from botocore.config import Config",
      "endpoint, ca, access, secret = sys.argv[1:5]",
      "cert = tuple(sys.argv[5:7]) or None",
      "kms = botocore.session.get_session().create_client('kms', region_name='us-east-1', endpoint_url=endpoint,",
      "    verify=ca, aws_access_key_id=access, aws_secret_access_key=secret,",
      "    config=Config(client_cert=cert, retries={'max_attempts': 1}))",
      "key = kms.create_key(Description='HttpsTest botocore')['KeyMetadata']['KeyId']",
      "blob = kms.encrypt(KeyId=key, Plaintext=b'over mutual TLS')['CiphertextBlob']",
      "print(kms.decrypt(CiphertextBlob=blob)['Plaintext'].decode())");

  /**
   * Creates a key, encrypts and decrypts with botocore in {@code python3} (installed with the aws
   * CLI), trusting ca.pem and presenting the client certificate when one is given.
   */
  private static AwsCliTest.Result botocore(Path certificate, Path key) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(python(), "-c", BOTOCORE_ROUND_TRIP, https().toString(),
        caPem.toString(), Trent.CREDENTIALS.accessKeyId(), Trent.CREDENTIALS.secretAccessKey()));
    if (certificate != null) {
      cmd.addAll(List.of(certificate.toString(), key.toString()));
    }
    return run(cmd, "python3 botocore");
  }

  /**
   * The Python that runs the aws CLI (its {@code #!} line; Debian's awscli brings python3-botocore
   * with it), or {@code python3} on the PATH when the CLI is not a Python script (a pyenv shim).
   */
  private static String python() throws Exception {
    String first = Files.readAllLines(Path.of(AwsCliTest.findAws()), StandardCharsets.ISO_8859_1).get(0);
    if (first.startsWith("#!") && first.contains("python")) {
      String[] words = first.substring(2).trim().split("\\s+");
      return words[0].endsWith("/env") ? words[1] : words[0];
    }
    return "python3";
  }

  /** The aws CLI against the HTTPS endpoint, with the same isolated environment as AwsCliTest. */
  private static AwsCliTest.Result cli(List<String> options, String... kmsArgs) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(AwsCliTest.findAws(), "kms"));
    cmd.addAll(List.of(kmsArgs));
    cmd.addAll(List.of("--endpoint-url", https().toString(), "--output", "json", "--region", Trent.REGION));
    cmd.addAll(options);
    return run(cmd, "aws " + String.join(" ", kmsArgs));
  }

  private static AwsCliTest.Result run(List<String> cmd, String what) throws Exception {
    return AwsCliTest.runProcess(cmd, what, Map.of("AWS_MAX_ATTEMPTS", "1"));
  }

}
