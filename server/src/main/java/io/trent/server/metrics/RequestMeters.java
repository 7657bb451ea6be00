package io.trent.server.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code trent.requests}: one timer per KMS operation, outcome and error type, from the request's arrival to its
 * response (audit sync included). Tags are bounded: an operation Trent does not serve is {@code Unknown} (the
 * target header is the client's to choose), error types are the server's own, and key ids are never tags.
 */
public final class RequestMeters {
  static final String NAME = "trent.requests";
  static final String UNKNOWN_OPERATION = "Unknown";
  static final String NO_ERROR = "None";

  private final MeterRegistry registry;
  private final Predicate<String> served;
  // operation -> "status errorType" -> timer: built once each, since a registry lookup allocates per request.
  private final Map<String, Map<String, Timer>> timers = new ConcurrentHashMap<>();

  RequestMeters(MeterRegistry registry, Predicate<String> served) {
    this.registry = registry;
    this.served = served;
  }

  /**
   * Records one answered request.
   *
   * @param operation the X-Amz-Target's operation, as the client sent it, or null for a request without one
   * @param status the HTTP status of the response
   * @param errorType the response's {@code __type}, or null for a success
   * @param nanos from the request's arrival to its response
   */
  public void record(String operation, int status, String errorType, long nanos) {
    String op = operation != null && served.test(operation) ? operation : UNKNOWN_OPERATION;
    String error = errorType == null ? NO_ERROR : errorType;
    timers.computeIfAbsent(op, o -> new ConcurrentHashMap<>())
        .computeIfAbsent(error, e -> timer(op, outcome(status), e))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  private Timer timer(String operation, String outcome, String errorType) {
    return Timer.builder(NAME)
        .description("KMS requests, from arrival to response")
        .tag("operation", operation)
        .tag("outcome", outcome)
        .tag("error_type", errorType)
        .serviceLevelObjectives(LatencyBuckets.BOUNDARIES)
        .register(registry);
  }

  /** success, client_error (4xx: the caller's to fix or retry, throttling too) or server_error (5xx). */
  static String outcome(int status) {
    return status < 400 ? "success" : status < 500 ? "client_error" : "server_error";
  }
}
