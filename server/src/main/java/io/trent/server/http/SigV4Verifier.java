package io.trent.server.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.trent.core.auth.Caller;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.signer.Aws4Signer;
import software.amazon.awssdk.auth.signer.params.Aws4SignerParams;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.regions.Region;

/**
 * Verifies a request's SigV4 signature (Authorization header form) the way AWS's JSON front ends
 * do, answering each failure with AWS's type, status and message ({@code aws-auth-policy-audit.md}
 * §1.3, §1.4): the header's shape ({@link SigV4Shape}), the date's format, the 5-minute clock skew,
 * Host among the signed headers, the credential scope ({@code date/region/kms/aws4_request}, region
 * one of those served), the access key, the signature, then the session token.
 *
 * <p>The arithmetic is the AWS SDK's own: {@link Aws4Signer} signs a copy of the request made of
 * exactly the headers the client listed in SignedHeaders, with the client's X-Amz-Date as its clock
 * (the reference found it reproduces botocore's and the Java SDK's KMS signatures; the newer
 * {@code AwsV4HttpSigner} always adds {@code x-amz-content-sha256} and so cannot). Only the parsing
 * and the constant-time comparison are written here.
 *
 * <p>Runs on the event loop: credentials come from memory ({@link SigningCredentials}), and the
 * work is one SHA-256 of the body and a few HMACs.
 */
public final class SigV4Verifier {
  static final String SERVICE = "kms";
  static final Duration SKEW = Duration.ofMinutes(5);
  static final String INVALID_TOKEN_WITH_PERIOD = "The security token included in the request is invalid.";
  static final String INVALID_TOKEN = "The security token included in the request is invalid";
  static final String EXPIRED_TOKEN = "The security token included in the request is expired";
  static final String MISMATCH = "The request signature we calculated does not match the signature you provided. "
      + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
  private static final String TERMINATOR = "aws4_request";
  private static final String TOKEN_HEADER = "x-amz-security-token";
  private static final DateTimeFormatter BASIC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);
  private static final Reply MISSING = Reply.edgeError(HttpResponseStatus.BAD_REQUEST,
      "MissingAuthenticationTokenException", SigV4Shape.MISSING_TOKEN, false);
  private static final Aws4Signer SIGNER = Aws4Signer.create();

  private final SigningCredentials credentials;
  private final Set<String> regions;
  private final String service;
  private final Clock clock;

  /**
   * @param regions the regions a credential scope may name; empty: any
   * @param service the signing name, {@code kms} (the published test vectors use {@code service})
   */
  public SigV4Verifier(SigningCredentials credentials, Set<String> regions, String service, Clock clock) {
    this.credentials = credentials;
    this.regions = Set.copyOf(regions);
    this.service = service;
    this.clock = clock;
  }

  public SigV4Verifier(SigningCredentials credentials, Set<String> regions, Clock clock) {
    this(credentials, regions, SERVICE, clock);
  }

  /**
   * The outcome: a caller, or the refusal to send.
   *
   * @param caller who signed, when the signature holds
   * @param refusal the error reply otherwise
   */
  public record Outcome(Caller caller, Reply refusal) {
    static Outcome refused(Reply reply) {
      return new Outcome(null, reply);
    }
  }

  /**
   * Verifies one request.
   *
   * @param uri the request target as received (path and query)
   * @param headers the request's headers
   * @param body the exact body bytes
   */
  public Outcome verify(String method, String uri, HttpHeaders headers, byte[] body) {
    String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
    if (authorization == null) {
      return Outcome.refused(MISSING);
    }
    String amzDate = headers.get("X-Amz-Date");
    String date = amzDate != null ? amzDate : headers.get(HttpHeaderNames.DATE);
    Reply shape = SigV4Shape.check(authorization, date != null);
    if (shape != null) {
      return Outcome.refused(shape);
    }
    Instant signedAt = parseDate(amzDate, date);
    if (signedAt == null) {
      return Outcome.refused(incomplete("Date must be in ISO-8601 'basic format'. Got '" + date
          + "'. See http://en.wikipedia.org/wiki/ISO_8601"));
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    if (signedAt.isBefore(now.minus(SKEW))) {
      return Outcome.refused(invalid("Signature expired: " + basic(signedAt) + " is now earlier than "
          + basic(now.minus(SKEW)) + " (" + basic(now) + " - 5 min.)"));
    }
    if (signedAt.isAfter(now.plus(SKEW))) {
      return Outcome.refused(invalid("Signature not yet current: " + basic(signedAt) + " is still later than "
          + basic(now.plus(SKEW)) + " (" + basic(now) + " + 5 min.)"));
    }
    AuthorizationHeader parsed = AuthorizationHeader.parse(authorization);
    if (!parsed.signedHeaders().contains("host")) {
      return Outcome.refused(invalid("'Host' must be a 'SignedHeader' in the AWS Authorization."));
    }
    String[] scope = parsed.credential().split("/", -1);
    if (scope.length != 5) {
      return Outcome.refused(incomplete("Credential must have exactly 5 slash-delimited elements, e.g. "
          + "keyid/date/region/service/term, got '" + parsed.credential() + "'"));
    }
    String scopeProblems = scopeProblems(scope, signedAt, date);
    if (!scopeProblems.isEmpty()) {
      return Outcome.refused(invalid(scopeProblems));
    }
    SigningCredentials.Credential credential = credentials.find(scope[0]);
    if (credential == null) {
      return Outcome.refused(unrecognized(INVALID_TOKEN_WITH_PERIOD));
    }
    String token = headers.get(TOKEN_HEADER);
    boolean tokenSigned = parsed.signedHeaders().contains(TOKEN_HEADER);
    String expected = expectedSignature(method, uri, headers, body, parsed, credential,
        tokenSigned ? token : null, scope[2], signedAt);
    if (expected == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
        parsed.signature().getBytes(StandardCharsets.US_ASCII))) {
      return Outcome.refused(invalid(MISMATCH));
    }
    Reply tokenProblem = tokenProblem(credential, token, now);
    if (tokenProblem != null) {
      return Outcome.refused(tokenProblem);
    }
    return new Outcome(new Caller(credential.accountId(), credential.principalArn(), credential.accessKeyId(),
        scope[2], credential.sessionTokenSha256() != null), null);
  }

  /**
   * The credential scope's sentences, concatenated as AWS does when several parts are wrong (order
   * unknown; dynalite's: region, service, terminator, then date).
   */
  private String scopeProblems(String[] scope, Instant signedAt, String date) {
    StringBuilder problems = new StringBuilder();
    String region = scope[2];
    if (!regions.isEmpty() ? !regions.contains(region) : region.isEmpty()) {
      problems.append("Credential should be scoped to a valid region, not '").append(region).append("'. ");
    }
    if (!scope[3].equals(service)) {
      problems.append("Credential should be scoped to correct service: '").append(service).append("'. ");
    }
    if (!scope[4].equals(TERMINATOR)) {
      problems.append("Credential should be scoped with a valid terminator: '" + TERMINATOR + "', not '")
          .append(scope[4]).append("'. ");
    }
    String day = basic(signedAt).substring(0, 8);
    if (!scope[1].equals(day)) {
      problems.append("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '")
          .append(scope[1]).append("' != '").append(day).append("', from '").append(date).append("'.");
    }
    return problems.toString();
  }

  /**
   * Temporary credentials need their session token; long-term ones must not carry one. Sources for
   * the texts (no period on these two): aws-auth-policy-audit.md §1.4.
   */
  private static Reply tokenProblem(SigningCredentials.Credential credential, String token, Instant now) {
    if (credential.sessionTokenSha256() == null) {
      return token == null ? null : unrecognized(INVALID_TOKEN);
    }
    if (token == null || !MessageDigest.isEqual(sha256(token), credential.sessionTokenSha256())) {
      return unrecognized(INVALID_TOKEN);
    }
    if (!now.isBefore(credential.expiresAt())) {
      return Reply.edgeError(HttpResponseStatus.BAD_REQUEST, "ExpiredTokenException", EXPIRED_TOKEN, false);
    }
    return null;
  }

  /**
   * The signature the SDK's signer computes for the request made of the client's signed headers
   * only, or null when the request cannot be rebuilt (a signed header missing, a bad Host).
   */
  private static String expectedSignature(String method, String uri, HttpHeaders headers, byte[] body,
      AuthorizationHeader parsed, SigningCredentials.Credential credential, String signedToken, String region,
      Instant signedAt) {
    SdkHttpFullRequest.Builder request;
    try {
      QueryStringDecoder target = new QueryStringDecoder(uri);
      request = SdkHttpFullRequest.builder()
          .method(SdkHttpMethod.fromValue(method))
          .encodedPath(target.rawPath())
          .contentStreamProvider(() -> new ByteArrayInputStream(body));
      if (!hostAndPort(request, headers.get(HttpHeaderNames.HOST))) {
        return null;
      }
      target.parameters().forEach(request::putRawQueryParameter);
    } catch (IllegalArgumentException e) {
      return null;
    }
    for (String name : parsed.signedHeaders()) {
      if (name.equals("host") || name.equals("x-amz-date") || name.equals(TOKEN_HEADER)) {
        continue; // the signer writes these itself, from the same values
      }
      List<String> values = headers.getAll(name);
      if (values.isEmpty()) {
        return null;
      }
      request.putHeader(name, values);
    }
    AwsCredentials secret = signedToken != null
        ? AwsSessionCredentials.create(credential.accessKeyId(), credential.secretAccessKey(), signedToken)
        : AwsBasicCredentials.create(credential.accessKeyId(), credential.secretAccessKey());
    Aws4SignerParams params = Aws4SignerParams.builder()
        .awsCredentials(secret)
        .signingName(parsed.credential().split("/")[3])
        .signingRegion(Region.of(region))
        .signingClockOverride(Clock.fixed(signedAt, ZoneOffset.UTC))
        .build();
    String signed = SIGNER.sign(request.build(), params).firstMatchingHeader("Authorization").orElse("");
    return AuthorizationHeader.parse(signed).signature();
  }

  /**
   * Sets host, port and scheme so that the signer writes the client's Host header back exactly:
   * it appends the port only when it is not the scheme's default, so a port of 80 is given as https.
   */
  private static boolean hostAndPort(SdkHttpFullRequest.Builder request, String host) {
    if (host == null || host.isEmpty()) {
      return false;
    }
    int colon = host.lastIndexOf(':');
    if (colon > 0 && host.indexOf(']') < colon) {
      int port;
      try {
        port = Integer.parseInt(host.substring(colon + 1));
      } catch (NumberFormatException e) {
        return false;
      }
      request.host(host.substring(0, colon)).port(port).protocol(port == 80 ? "https" : "http");
    } else {
      request.host(host).protocol("http").port(80);
    }
    return true;
  }

  /** X-Amz-Date in basic format; else the Date header (RFC 1123). Null when unreadable. */
  private static Instant parseDate(String amzDate, String date) {
    try {
      if (amzDate != null) {
        return LocalDateTime.parse(amzDate, BASIC).toInstant(ZoneOffset.UTC);
      }
      return ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String basic(Instant instant) {
    return BASIC.format(instant.atOffset(ZoneOffset.UTC));
  }

  static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }

  private static Reply incomplete(String message) {
    return Reply.edgeError(HttpResponseStatus.BAD_REQUEST, "IncompleteSignatureException", message, false);
  }

  private static Reply invalid(String message) {
    return Reply.edgeError(HttpResponseStatus.BAD_REQUEST, "InvalidSignatureException", message, false);
  }

  private static Reply unrecognized(String message) {
    return Reply.edgeError(HttpResponseStatus.BAD_REQUEST, "UnrecognizedClientException", message, false);
  }

  /**
   * The parts of {@code AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...} (shape
   * already checked by {@link SigV4Shape}).
   */
  record AuthorizationHeader(String credential, List<String> signedHeaders, String signature) {
    static AuthorizationHeader parse(String header) {
      String credential = "";
      String signedHeaders = "";
      String signature = "";
      int space = header.indexOf(' ');
      for (String part : header.substring(space < 0 ? header.length() : space).split(",")) {
        String trimmed = part.trim();
        int equals = trimmed.indexOf('=');
        if (equals < 0) {
          continue;
        }
        String key = trimmed.substring(0, equals);
        String value = trimmed.substring(equals + 1);
        switch (key) {
          case "Credential" -> credential = value;
          case "SignedHeaders" -> signedHeaders = value;
          case "Signature" -> signature = value;
          default -> { }
        }
      }
      List<String> names = new ArrayList<>();
      for (String name : signedHeaders.split(";")) {
        names.add(name.toLowerCase(Locale.ROOT));
      }
      return new AuthorizationHeader(credential, names, signature);
    }
  }
}
