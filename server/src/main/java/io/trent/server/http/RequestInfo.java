package io.trent.server.http;

/**
 * What the transport knows of a request besides its body and caller, for the audit event.
 *
 * @param requestId the {@code x-amzn-RequestId} the response carries
 * @param operation the part of {@code X-Amz-Target} after {@code TrentService.}
 * @param sourceIp the client's IP address, or null
 * @param userAgent the User-Agent header, or null
 * @param startNanos {@link System#nanoTime()} when the request was read, for its latency
 */
public record RequestInfo(String requestId, String operation, String sourceIp, String userAgent, long startNanos) {
}
