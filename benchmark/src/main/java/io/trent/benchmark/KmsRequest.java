package io.trent.benchmark;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * One KMS JSON request as every load generator sends it: the target, the body, and the headers besides
 * {@code Host} and {@code Content-Length} (which the client sets). Unsigned requests carry a fixed
 * SigV4-shaped header, which a dev-mode server checks for shape only; signed ones a real signature made
 * by the AWS SDK's signer, valid for the server's 5-minute clock skew, so the caller signs again before
 * each load run.
 *
 * @param target the operation, e.g. {@code GenerateDataKey}
 * @param body the JSON body
 * @param headers the headers to send, by name
 */
record KmsRequest(String target, String body, Map<String, String> headers) {

  static final String CONTENT_TYPE = "application/x-amz-json-1.1";
  static final String REGION = "us-east-1";
  /** A fixed, SigV4-shaped Authorization header: a dev server checks the shape, not the signature. */
  static final String DEV_AUTHORIZATION = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/kms/aws4_request, "
      + "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0000";
  private static final Set<String> CLIENT_SET = Set.of("host", "content-length");

  KmsRequest {
    headers = Map.copyOf(headers);
  }

  /** The request, signed with {@code credentials}, or with the dev header when they are null. */
  static KmsRequest of(int port, String target, String body, AwsCredentialsIdentity credentials) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", CONTENT_TYPE);
    headers.put("X-Amz-Target", "TrentService." + target);
    if (credentials == null) {
      headers.put("X-Amz-Date", "20250101T000000Z");
      headers.put("Authorization", DEV_AUTHORIZATION);
      return new KmsRequest(target, body, headers);
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder()
        .method(SdkHttpMethod.POST)
        .uri(URI.create("http://127.0.0.1:" + port + "/"));
    headers.forEach(unsigned::putHeader);
    SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
        .identity(credentials)
        .request(unsigned.build())
        .payload(() -> new ByteArrayInputStream(bytes))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "kms")
        .putProperty(AwsV4HttpSigner.REGION_NAME, REGION)
        .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, Clock.systemUTC()));
    Map<String, String> all = new LinkedHashMap<>();
    signed.request().forEachHeader((name, values) -> {
      if (!CLIENT_SET.contains(name.toLowerCase(Locale.ROOT))) {
        all.put(name, String.join(",", values));
      }
    });
    return new KmsRequest(target, body, all);
  }

  /** The headers as {@code Name: value} lines, which wrk's script reads from the environment. */
  String headerLines() {
    StringBuilder lines = new StringBuilder();
    headers.forEach((name, value) -> lines.append(name).append(": ").append(value).append('\n'));
    return lines.toString();
  }
}
