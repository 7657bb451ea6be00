package io.trent.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.trent.core.auth.Caller;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The verifier against the published SigV4 test suite (aws-c-auth, service {@code service}) and
 * against KMS requests signed by botocore (the aws CLI's signer), plus each refusal's type and
 * message (aws-auth-policy-audit.md §1.3, §1.4).
 */
class SigV4VerifierTest {
  private static final String SUITE_KEY = "AKIDEXAMPLE";
  private static final String SUITE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  private static final Instant SUITE_TIME = Instant.parse("2015-08-30T12:36:00Z");
  private static final String KMS_KEY = "AKIAIOSFODNN7EXAMPLE";
  private static final String KMS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  private static final String KMS_TOKEN = "FQoGZXIvYXdzEXAMPLETOKEN";
  private static final String ROOT = "arn:aws:iam::111122223333:root";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A request as read from a {@code header-signed-request.txt}. */
  record Signed(String method, String uri, HttpHeaders headers, byte[] body) {
    static Signed read(String resource) throws IOException {
      String text;
      try (InputStream in = SigV4VerifierTest.class.getResourceAsStream(resource)) {
        assertThat(in).as(resource).isNotNull();
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      int blank = text.indexOf("\n\n");
      String head = blank < 0 ? text : text.substring(0, blank);
      byte[] body = blank < 0 ? new byte[0] : text.substring(blank + 2).getBytes(StandardCharsets.UTF_8);
      String[] lines = head.split("\n");
      String[] requestLine = lines[0].split(" ");
      HttpHeaders headers = new DefaultHttpHeaders(false);
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.add(lines[i].substring(0, colon), lines[i].substring(colon + 1));
      }
      // The request target may hold spaces (get-space-*): everything between method and version.
      String uri = lines[0].substring(requestLine[0].length() + 1, lines[0].lastIndexOf(' '));
      return new Signed(requestLine[0], uri, headers, body);
    }

    Signed with(String name, String value) {
      HttpHeaders copy = new DefaultHttpHeaders(false).add(headers);
      if (value == null) {
        copy.remove(name);
      } else {
        copy.set(name, value);
      }
      return new Signed(method, uri, copy, body);
    }

    Instant date() {
      return LocalDateTime.parse(headers.get("X-Amz-Date"), DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"))
          .toInstant(ZoneOffset.UTC);
    }
  }

  static Stream<String> suiteCases() {
    // URI normalization cases are left out: KMS requests are POST /, and the SDK's signer does not
    // remove dot segments (normalize=true) as the C signer does.
    return Stream.of("get-header-key-duplicate", "get-header-value-order", "get-header-value-trim",
        "get-unreserved", "get-utf8", "get-vanilla", "get-vanilla-empty-query-key", "get-vanilla-query",
        "get-vanilla-query-order-encoded", "get-vanilla-query-order-key-case", "get-vanilla-query-unreserved",
        "get-vanilla-utf8-query", "get-vanilla-with-session-token", "post-header-key-case", "post-header-key-sort",
        "post-header-value-case", "post-sts-header-after", "post-sts-header-before", "post-vanilla",
        "post-vanilla-empty-query-value", "post-vanilla-query", "post-x-www-form-urlencoded",
        "post-x-www-form-urlencoded-parameters");
  }

  @ParameterizedTest
  @MethodSource("suiteCases")
  void acceptsEachPublishedTestVector(String name) throws IOException {
    Signed request = Signed.read("/sigv4-test-suite/" + name + ".txt");
    String token = request.headers().get("X-Amz-Security-Token");
    SigV4Verifier verifier = suiteVerifier(token);

    SigV4Verifier.Outcome outcome = verify(verifier, request);

    assertThat(outcome.refusal()).as(() -> name + ": " + message(outcome)).isNull();
    assertThat(outcome.caller()).isEqualTo(new Caller("111122223333", ROOT, SUITE_KEY, "us-east-1", token != null));
  }

  @ParameterizedTest
  @MethodSource("suiteCases")
  void refusesEachPublishedTestVectorWithAnotherSecret(String name) throws IOException {
    Signed request = Signed.read("/sigv4-test-suite/" + name + ".txt");
    String token = request.headers().get("X-Amz-Security-Token");
    SigV4Verifier verifier = new SigV4Verifier(
        credentials(SUITE_KEY, SUITE_SECRET.replace('w', 'W'), token, SUITE_TIME.plusSeconds(60)),
        Set.of("us-east-1"), "service", Clock.fixed(SUITE_TIME, ZoneOffset.UTC));

    assertRefused(verify(verifier, request), "InvalidSignatureException", SigV4Verifier.MISMATCH);
  }

  @Test
  void refusesAVectorWhoseSignedHeaderChanged() throws IOException {
    Signed request = Signed.read("/sigv4-test-suite/post-header-value-case.txt");

    assertRefused(verify(suiteVerifier(null), request.with("My-Header1", "value2")),
        "InvalidSignatureException", SigV4Verifier.MISMATCH);
  }

  @Test
  void refusesAVectorWhoseBodyChanged() throws IOException {
    Signed request = Signed.read("/sigv4-test-suite/post-x-www-form-urlencoded.txt");
    Signed changed = new Signed(request.method(), request.uri(), request.headers(),
        "Param1=value2".getBytes(StandardCharsets.UTF_8));

    assertRefused(verify(suiteVerifier(null), changed), "InvalidSignatureException", SigV4Verifier.MISMATCH);
  }

  @Test
  void acceptsAKmsRequestSignedByBotocore() throws IOException {
    Signed request = Signed.read("/sigv4-kms/botocore-kms.txt");

    SigV4Verifier.Outcome outcome = verify(kmsVerifier(request.date(), null), request);

    assertThat(outcome.refusal()).as(() -> message(outcome)).isNull();
    assertThat(outcome.caller()).isEqualTo(new Caller("111122223333", ROOT, KMS_KEY, "eu-west-1", false));
  }

  @Test
  void acceptsAKmsRequestWithASessionTokenSignedByBotocore() throws IOException {
    Signed request = Signed.read("/sigv4-kms/botocore-kms-session.txt");

    SigV4Verifier.Outcome outcome = verify(kmsVerifier(request.date(), KMS_TOKEN), request);

    assertThat(outcome.refusal()).as(() -> message(outcome)).isNull();
    assertThat(outcome.caller().sessionToken()).isTrue();
  }

  @Test
  void refusesASessionTokenOtherThanTheIssuedOne() throws IOException {
    Signed request = Signed.read("/sigv4-kms/botocore-kms-session.txt");

    assertRefused(verify(kmsVerifier(request.date(), "another token"), request),
        "UnrecognizedClientException", SigV4Verifier.INVALID_TOKEN);
  }

  @Test
  void refusesTemporaryCredentialsWithoutTheirToken() throws IOException {
    Signed request = Signed.read("/sigv4-kms/botocore-kms.txt");

    assertRefused(verify(kmsVerifier(request.date(), KMS_TOKEN), request),
        "UnrecognizedClientException", SigV4Verifier.INVALID_TOKEN);
  }

  @Test
  void refusesAnExpiredSessionToken() throws IOException {
    Signed request = Signed.read("/sigv4-kms/botocore-kms-session.txt");
    SigV4Verifier verifier = new SigV4Verifier(credentials(KMS_KEY, KMS_SECRET, KMS_TOKEN, request.date()),
        Set.of("eu-west-1"), Clock.fixed(request.date(), ZoneOffset.UTC));

    assertRefused(verify(verifier, request), "ExpiredTokenException", SigV4Verifier.EXPIRED_TOKEN);
  }

  @Test
  void refusesAnUnknownAccessKey() throws IOException {
    Signed request = Signed.read("/sigv4-kms/botocore-kms.txt");
    SigV4Verifier verifier = new SigV4Verifier(id -> null, Set.of("eu-west-1"),
        Clock.fixed(request.date(), ZoneOffset.UTC));

    assertRefused(verify(verifier, request), "UnrecognizedClientException", SigV4Verifier.INVALID_TOKEN_WITH_PERIOD);
  }

  @Test
  void refusesARequestSignedSixMinutesAgo() throws IOException {
    Signed request = Signed.read("/sigv4-kms/botocore-kms.txt");
    Instant now = request.date().plusSeconds(360);

    assertRefused(verify(kmsVerifier(now, null), request), "InvalidSignatureException",
        "Signature expired: " + basic(request.date()) + " is now earlier than " + basic(now.minusSeconds(300))
            + " (" + basic(now) + " - 5 min.)");
  }

  @Test
  void acceptsARequestSignedJustUnderFiveMinutesAgoOrAhead() throws IOException {
    Signed request = Signed.read("/sigv4-kms/botocore-kms.txt");

    assertThat(verify(kmsVerifier(request.date().plusSeconds(300), null), request).refusal()).isNull();
    assertThat(verify(kmsVerifier(request.date().minusSeconds(300), null), request).refusal()).isNull();
  }

  @Test
  void refusesARequestSignedSixMinutesAhead() throws IOException {
    Signed request = Signed.read("/sigv4-kms/botocore-kms.txt");
    Instant now = request.date().minusSeconds(360);

    assertRefused(verify(kmsVerifier(now, null), request), "InvalidSignatureException",
        "Signature not yet current: " + basic(request.date()) + " is still later than "
            + basic(now.plusSeconds(300)) + " (" + basic(now) + " + 5 min.)");
  }

  @Test
  void refusesARegionNotServed() throws IOException {
    Signed request = Signed.read("/sigv4-kms/botocore-kms.txt");
    SigV4Verifier verifier = new SigV4Verifier(credentials(KMS_KEY, KMS_SECRET, null, null), Set.of("us-east-1"),
        Clock.fixed(request.date(), ZoneOffset.UTC));

    assertRefused(verify(verifier, request), "InvalidSignatureException",
        "Credential should be scoped to a valid region, not 'eu-west-1'. ");
  }

  @Test
  void refusesAnUnsignedRequest() throws IOException {
    Signed request = Signed.read("/sigv4-kms/botocore-kms.txt").with("Authorization", null);

    assertRefused(verify(kmsVerifier(Instant.now(), null), request), "MissingAuthenticationTokenException",
        "Request is missing Authentication Token");
  }

  @Test
  void refusesAnIncompleteHeader() throws IOException {
    String header = "AWS4-HMAC-SHA256 Credential=" + KMS_KEY + "/20261203/eu-west-1/kms/aws4_request";
    Signed request = Signed.read("/sigv4-kms/botocore-kms.txt").with("Authorization", header);

    assertRefused(verify(kmsVerifier(request.date(), null), request), "IncompleteSignatureException",
        "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
            + "parameter. Authorization=" + header);
  }

  @Test
  void refusesADateNotInBasicFormat() throws IOException {
    Signed request = Signed.read("/sigv4-kms/botocore-kms.txt");
    Signed badDate = request.with("X-Amz-Date", "2026-12-03T17:41:51Z");

    assertRefused(verify(kmsVerifier(request.date(), null), badDate), "IncompleteSignatureException",
        "Date must be in ISO-8601 'basic format'. Got '2026-12-03T17:41:51Z'. See http://en.wikipedia.org/wiki/ISO_8601");
  }

  @Test
  void refusesAScopeOfAnotherServiceAndTerminator() throws IOException {
    Signed request = Signed.read("/sigv4-kms/botocore-kms.txt");
    String header = request.headers().get("Authorization").replace("/kms/aws4_request", "/s3/aws5_request");

    assertRefused(verify(kmsVerifier(request.date(), null), request.with("Authorization", header)),
        "InvalidSignatureException", "Credential should be scoped to correct service: 'kms'. "
            + "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. ");
  }

  @Test
  void refusesAScopeWithoutFiveParts() throws IOException {
    Signed request = Signed.read("/sigv4-kms/botocore-kms.txt");
    String header = request.headers().get("Authorization").replace("/eu-west-1/kms/", "/eu-west-1/");

    assertRefused(verify(kmsVerifier(request.date(), null), request.with("Authorization", header)),
        "IncompleteSignatureException", "Credential must have exactly 5 slash-delimited elements, e.g. "
            + "keyid/date/region/service/term, got '" + KMS_KEY + "/20261203/eu-west-1/aws4_request'");
  }

  @Test
  void refusesASignatureWithoutHost() throws IOException {
    Signed request = Signed.read("/sigv4-kms/botocore-kms.txt");
    String header = request.headers().get("Authorization").replace("content-type;host;", "content-type;");

    assertRefused(verify(kmsVerifier(request.date(), null), request.with("Authorization", header)),
        "InvalidSignatureException", "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }

  @Test
  void refusesAChangedHost() throws IOException {
    Signed request = Signed.read("/sigv4-kms/botocore-kms.txt");

    assertRefused(verify(kmsVerifier(request.date(), null), request.with("Host", "localhost:4598")),
        "InvalidSignatureException", SigV4Verifier.MISMATCH);
  }

  private static SigV4Verifier suiteVerifier(String token) {
    return new SigV4Verifier(credentials(SUITE_KEY, SUITE_SECRET, token, SUITE_TIME.plusSeconds(60)),
        Set.of("us-east-1"), "service", Clock.fixed(SUITE_TIME, ZoneOffset.UTC));
  }

  private static SigV4Verifier kmsVerifier(Instant now, String token) {
    return new SigV4Verifier(credentials(KMS_KEY, KMS_SECRET, token, now.plusSeconds(3600)), Set.of("eu-west-1"),
        Clock.fixed(now, ZoneOffset.UTC));
  }

  private static SigningCredentials credentials(String id, String secret, String token, Instant expires) {
    SigningCredentials.Credential credential = new SigningCredentials.Credential(id, ROOT, "111122223333", secret,
        token == null ? null : SigV4Verifier.sha256(token), token == null ? null : expires);
    return accessKeyId -> accessKeyId.equals(id) ? credential : null;
  }

  private static SigV4Verifier.Outcome verify(SigV4Verifier verifier, Signed request) {
    return verifier.verify(request.method(), request.uri(), request.headers(), request.body());
  }

  private static void assertRefused(SigV4Verifier.Outcome outcome, String type, String message) {
    assertThat(outcome.caller()).isNull();
    assertThat(outcome.refusal()).isNotNull();
    assertThat(outcome.refusal().status().code()).isEqualTo(400);
    JsonNode body = body(outcome.refusal());
    assertThat(body.get("__type").asText()).isEqualTo(type);
    assertThat(body.get("message").asText()).isEqualTo(message);
  }

  private static String message(SigV4Verifier.Outcome outcome) {
    return outcome.refusal() == null ? "" : new String(outcome.refusal().body(), StandardCharsets.UTF_8);
  }

  private static JsonNode body(Reply reply) {
    try {
      return JSON.readTree(reply.body());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static String basic(Instant instant) {
    return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").format(instant.atOffset(ZoneOffset.UTC));
  }
}
