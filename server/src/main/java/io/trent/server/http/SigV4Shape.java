package io.trent.server.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Checks that a request is signed the way AWS SDKs sign: an {@code Authorization} header of the
 * form {@code AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...} and a request date.
 * In {@code auth.mode: dev} the signature itself is not verified and an unsigned request (no
 * {@code Authorization} header at all) is served, as it always was in dev, so raw HTTP clients and
 * scripts keep working; but a request that does carry an {@code Authorization} header and gets it
 * wrong fails here as it would at AWS, with AWS's types and messages
 * (MissingAuthenticationTokenException, IncompleteSignatureException; HTTP 400), so a client that
 * works against the dev server does not fail only later against a verifying one. Sources: the
 * messages AWS's JSON 1.1 front ends send (see {@code aws-auth-policy-audit.md} §1.4, from
 * dynalite and captured responses). Date format, scope and signature are later checks.
 *
 * <p>Runs on the event loop for every operation: one pass over the header, no regex, no
 * allocation when the header is well formed.
 */
final class SigV4Shape {
  static final String ALGORITHM = "AWS4-HMAC-SHA256";
  static final String MISSING_TOKEN = "Request is missing Authentication Token";
  private static final Reply MISSING =
      Reply.edgeError(HttpResponseStatus.BAD_REQUEST, "MissingAuthenticationTokenException", MISSING_TOKEN, false);

  private SigV4Shape() {}

  /**
   * The refusal for a request with these headers, or null when the shape is right.
   *
   * @param authorization the Authorization header, or null
   * @param hasDate whether the request carries X-Amz-Date or Date
   */
  static Reply check(String authorization, boolean hasDate) {
    if (authorization == null) {
      return null; // dev mode: unsigned requests are accepted; a verifying mode must refuse them with MISSING
    }
    if (!authorization.startsWith("AWS4-")) {
      return MISSING;
    }
    int space = authorization.indexOf(' ');
    if (space < 0) {
      space = authorization.length();
    }
    boolean credential = false;
    boolean signature = false;
    boolean signedHeaders = false;
    int start = space;
    while (start < authorization.length()) {
      int end = authorization.indexOf(',', start);
      if (end < 0) {
        end = authorization.length();
      }
      int from = skipSpaces(authorization, start, end);
      int to = end;
      while (to > from && authorization.charAt(to - 1) == ' ') {
        to--;
      }
      if (to > from) {
        int equals = authorization.indexOf('=', from);
        if (equals < 0 || equals >= to) {
          return incomplete("'" + authorization.substring(from, to) + "' not a valid key=value pair (missing "
              + "equal-sign) in Authorization header: '" + authorization + "'.");
        }
        credential |= isKey(authorization, from, equals, "Credential");
        signature |= isKey(authorization, from, equals, "Signature");
        signedHeaders |= isKey(authorization, from, equals, "SignedHeaders");
      }
      start = end + 1;
    }
    if (!credential || !signature || !signedHeaders || !hasDate) {
      StringBuilder message = new StringBuilder();
      if (!credential) {
        message.append("Authorization header requires 'Credential' parameter. ");
      }
      if (!signature) {
        message.append("Authorization header requires 'Signature' parameter. ");
      }
      if (!signedHeaders) {
        message.append("Authorization header requires 'SignedHeaders' parameter. ");
      }
      if (!hasDate) {
        message.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ");
      }
      return incomplete(message.append("Authorization=").append(authorization).toString());
    }
    if (space != ALGORITHM.length() || !authorization.startsWith(ALGORITHM)) {
      return incomplete("Unsupported AWS 'algorithm': '" + authorization.substring(0, space)
          + "' (only AWS4-HMAC-SHA256 for now). ");
    }
    return null;
  }

  private static int skipSpaces(String text, int from, int to) {
    while (from < to && text.charAt(from) == ' ') {
      from++;
    }
    return from;
  }

  private static boolean isKey(String text, int from, int equals, String key) {
    return equals - from == key.length() && text.startsWith(key, from);
  }

  private static Reply incomplete(String message) {
    return Reply.edgeError(HttpResponseStatus.BAD_REQUEST, "IncompleteSignatureException", message, false);
  }

  /**
   * The region of the Authorization header's credential scope ({@code Credential=<key>/<date>/<region>/...}),
   * or null when there is no header or the scope names no region (a lowercase name such as
   * {@code us-west-2}, as {@code auth.regions} takes). Dev mode serves the client's region with it.
   */
  static String scopeRegion(String authorization) {
    if (authorization == null) {
      return null;
    }
    int credential = authorization.indexOf("Credential=");
    if (credential < 0) {
      return null;
    }
    int end = credential + "Credential=".length();
    while (end < authorization.length() && authorization.charAt(end) != ',' && authorization.charAt(end) != ' ') {
      end++;
    }
    String[] scope = authorization.substring(credential + "Credential=".length(), end).split("/", -1);
    if (scope.length != 5 || scope[2].isEmpty() || scope[2].length() > 64) {
      return null;
    }
    for (int i = 0; i < scope[2].length(); i++) {
      char c = scope[2].charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
        return null;
      }
    }
    return scope[2];
  }
}
