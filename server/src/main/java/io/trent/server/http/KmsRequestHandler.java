package io.trent.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.trent.core.auth.Caller;
import io.trent.core.error.KmsException;
import io.trent.core.error.ThrottlingException;
import io.trent.core.error.UnknownOperationException;
import io.trent.core.spi.MetadataUnavailableException;
import io.trent.server.logging.RequestLogScope;
import io.trent.server.metrics.RequestMeters;
import io.trent.server.metrics.ServerMetrics;
import io.trent.server.protocol.KmsJsonProtocol;
import io.trent.server.quota.RequestQuotas;
import io.trent.server.quota.ThrottleCounts;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes one connection's requests: {@code POST /} with a JSON Content-Type, {@code X-Amz-Target:
 * TrentService.<Op>} and a SigV4-shaped Authorization header to the dispatcher, {@code GET /health}
 * to the probe, anything else to a 404 UnknownOperationException. Every request must first pass
 * the {@link RebindingGuard} (Host and Origin). Every error carries {@code __type}.
 *
 * <p>Runs on the event loop and never blocks: operations and health checks go to the
 * {@link HsmWorkerPool}. One request per connection is in progress at a time (a pipelining
 * client's further requests wait, and reading pauses), so responses leave in request order. A request's
 * response is written when the dispatcher's future completes (its audit event is durable), not when its
 * worker returns: the worker goes on with other requests meanwhile.
 *
 * <p>Request bodies hold plaintext and key material: they are never logged, and the handler zeroes
 * its copies of request and operation-response bodies once they are used. Server faults reach the
 * caller as AWS's generic text ({@link ServerFaultReply}); their detail goes to the log with the
 * request id.
 *
 * <p>Each KMS request is timed in {@code trent.requests} when its response is written; {@code GET /metrics} is
 * answered on the event loop (a scrape reads counters and gauges, no HSM), so it works while the HSM queue is full.
 * Every log line of a request's work, on whichever thread, carries its request id ({@link RequestLogScope}).
 */
final class KmsRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  static final String TARGET_PREFIX = "TrentService.";
  static final String THROTTLED_MESSAGE = RequestQuotas.MESSAGE;
  private static final Logger log = LoggerFactory.getLogger(KmsRequestHandler.class);
  // Built once: they are answered without touching the HSM, possibly at a high rate.
  private static final ThrottlingException THROTTLING = new ThrottlingException(THROTTLED_MESSAGE);
  private static final Reply THROTTLED = Reply.error(THROTTLING);
  private static final Reply UNKNOWN_OPERATION = Reply.error(new UnknownOperationException());
  private static final Reply NO_OPERATION = Reply.noOperation();
  private static final Reply HEALTH_UP = Reply.health(true);
  private static final Reply HEALTH_DOWN = Reply.health(false);
  private static final String[] JSON_TYPES = {Reply.AMZ_JSON, "application/x-amz-json-1.0", Reply.JSON};

  private final KmsRequestDispatcher dispatcher;
  private final HealthProbe health;
  private final HsmWorkerPool workers;
  private final HsmWorkerPool refusals;
  private final RebindingGuard guard;
  private final SigV4Verifier verifier;
  private final Caller devCaller;
  private final RequestMeters requests;
  private final ServerMetrics metrics;
  private final ThrottleCounts throttles;
  private final RepeatedFaults faults;
  private final ArrayDeque<Inbound> waiting = new ArrayDeque<>();
  private boolean busy;

  /**
   * @param refusals records the requests refused while {@code workers} is full, when the dispatcher audits (else null)
   * @param verifier checks SigV4 signatures (auth.mode sigv4), or null in dev mode (shape only)
   * @param devCaller in dev mode, the caller every request acts as, moved to its credential scope's region; or null
   * @param requests where KMS requests are timed, or null
   * @param metrics what {@code GET /metrics} answers, or null when it is not served
   * @param throttles counts requests refused for a full queue, or null
   * @param faults which server faults are logged at WARN (one per server, shared by its connections)
   */
  KmsRequestHandler(KmsRequestDispatcher dispatcher, HealthProbe health, HsmWorkerPool workers,
      HsmWorkerPool refusals, RebindingGuard guard, SigV4Verifier verifier, Caller devCaller, RequestMeters requests,
      ServerMetrics metrics, ThrottleCounts throttles, RepeatedFaults faults) {
    this.dispatcher = dispatcher;
    this.health = health;
    this.workers = workers;
    this.refusals = refusals;
    this.guard = guard;
    this.verifier = verifier;
    this.devCaller = devCaller;
    this.requests = requests;
    this.metrics = metrics;
    this.throttles = throttles;
    this.faults = faults;
  }

  /**
   * What the handler needs from a request, copied off the pooled buffer on arrival.
   *
   * @param target the X-Amz-Target header, or null (likewise for the other headers)
   * @param dated whether X-Amz-Date or Date is present
   * @param malformed whether the HTTP decoder failed on it
   */
  private record Inbound(String requestId, HttpVersion version, HttpMethod method, String uri, String path,
      HttpHeaders headers, String host, String origin, String contentType, String target, String authorization, boolean dated,
      boolean keepAlive, boolean malformed, byte[] body, String userAgent, long startNanos) {

    static Inbound of(FullHttpRequest request) {
      ByteBuf content = request.content();
      byte[] body = ByteBufUtil.getBytes(content);
      // The body may hold plaintext (Encrypt, ImportKeyMaterial); pooled memory is reused, not freed.
      if (!content.isReadOnly()) {
        content.setZero(content.readerIndex(), content.readableBytes());
      }
      HttpHeaders headers = request.headers();
      return new Inbound(Reply.newRequestId(), request.protocolVersion(), request.method(), request.uri(),
          new QueryStringDecoder(request.uri()).path(), headers, headers.get(HttpHeaderNames.HOST),
          headers.get(HttpHeaderNames.ORIGIN), headers.get(HttpHeaderNames.CONTENT_TYPE),
          headers.get("X-Amz-Target"), headers.get(HttpHeaderNames.AUTHORIZATION),
          headers.contains("X-Amz-Date") || headers.contains(HttpHeaderNames.DATE),
          HttpUtil.isKeepAlive(request), request.decoderResult().isFailure(), body,
          headers.get(HttpHeaderNames.USER_AGENT), System.nanoTime());
    }
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    waiting.add(Inbound.of(request));
    if (busy) {
      // A pipelining client: read no more until what has arrived is answered. Clients that wait
      // for each response never get here, which spares two epoll_ctl calls per request.
      ctx.channel().config().setAutoRead(false);
    } else {
      next(ctx);
    }
  }

  private void next(ChannelHandlerContext ctx) {
    Inbound request = waiting.poll();
    if (request == null) {
      busy = false;
      ctx.channel().config().setAutoRead(true); // a no-op unless a pipelining client paused reading
      return;
    }
    busy = true;
    try (RequestLogScope scope = RequestLogScope.open(request.requestId())) {
      route(ctx, request);
    }
  }

  private void route(ChannelHandlerContext ctx, Inbound request) {
    if (request.malformed()) {
      refuse(ctx, request, Reply.badRequest());
      return;
    }
    Reply refused = guard.check(request.host(), request.origin());
    if (refused != null) {
      refuse(ctx, request, refused);
    } else if (HttpMethod.GET.equals(request.method()) && "/health".equals(request.path())) {
      // A full queue reports unavailable: this instance cannot take HSM work right now.
      if (!offload(ctx, request, workers, () -> CompletableFuture.completedFuture(checkHealth()), 0)) {
        refuse(ctx, request, HEALTH_DOWN);
      }
    } else if (metrics != null && HttpMethod.GET.equals(request.method()) && "/metrics".equals(request.path())) {
      refuse(ctx, request, scrape());
    } else if (!HttpMethod.POST.equals(request.method()) || !"/".equals(request.path())
        || !isJson(request.contentType())) {
      refuse(ctx, request, NO_OPERATION);
    } else {
      String operation = operation(request.target());
      if (operation == null) {
        refuse(ctx, request, UNKNOWN_OPERATION);
        return;
      }
      String sourceIp = ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress a && a.getAddress() != null
          ? a.getAddress().getHostAddress() : null;
      RequestInfo info = new RequestInfo(request.requestId(), operation, sourceIp, request.userAgent(),
          request.startNanos());
      // After the target, as AWS's front ends check (target, then authentication).
      Caller caller = null;
      Reply unsigned;
      if (verifier == null) {
        unsigned = SigV4Shape.check(request.authorization(), request.dated());
        if (unsigned == null && devCaller != null) {
          // Dev mode accepts any region: the client's, as its credential scope names it, else the configured one.
          String region = SigV4Shape.scopeRegion(request.authorization());
          caller = region == null ? devCaller : devCaller.inRegion(region);
        }
      } else {
        SigV4Verifier.Outcome outcome =
            verifier.verify(request.method().name(), request.uri(), request.headers(), request.body());
        unsigned = outcome.refusal();
        caller = outcome.caller();
      }
      if (unsigned != null) {
        log.debug("Request {} ({}) refused: not authenticated", request.requestId(), operation);
        if (dispatcher.audits()) {
          // Recorded before the answer; the trail's write may block, so on a worker, never the event loop.
          Supplier<CompletableFuture<Reply>> record = () -> recordRefusal(request, info, unsigned);
          if (!offload(ctx, request, workers, record, 0)
              && !offload(ctx, request, refusals, record, request.body().length)) {
            abandon(ctx, request);
          }
        } else {
          refuse(ctx, request, unsigned);
        }
      } else {
        Caller by = caller;
        if (!offload(ctx, request, workers, () -> invoke(request, info, by), request.body().length)) {
          throttle(ctx, request, info, by);
        }
      }
    }
  }

  private Reply scrape() {
    try {
      return Reply.metrics(metrics.scrape());
    } catch (RuntimeException e) {
      log.warn("Scraping the metrics failed", e);
      return ServerFaultReply.internal();
    }
  }

  /** Answers without running anything; the body (which may hold plaintext) is zeroed first. */
  private void refuse(ChannelHandlerContext ctx, Inbound request, Reply reply) {
    Arrays.fill(request.body(), (byte) 0);
    finish(ctx, request, reply);
  }

  /** The operation named by {@code TrentService.<Op>}, or null for any other target. */
  private static String operation(String target) {
    if (target == null || !target.startsWith(TARGET_PREFIX) || target.length() == TARGET_PREFIX.length()) {
      return null;
    }
    return target.substring(TARGET_PREFIX.length());
  }

  /** Whether the media type (parameters such as charset ignored) is one the JSON protocol reads. */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int end = contentType.indexOf(';');
    end = end < 0 ? contentType.length() : end;
    while (end > 0 && contentType.charAt(end - 1) == ' ') {
      end--;
    }
    int start = 0;
    while (start < end && contentType.charAt(start) == ' ') {
      start++;
    }
    for (String type : JSON_TYPES) {
      if (end - start == type.length() && contentType.regionMatches(true, start, type, 0, type.length())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs {@code work} on a thread of {@code pool} and answers when the reply it returns is complete (the thread is
   * free before that); false, with nothing done, when the pool's queue is full by count or by bytes.
   */
  private boolean offload(ChannelHandlerContext ctx, Inbound request, HsmWorkerPool pool,
      Supplier<CompletableFuture<Reply>> work, int bytes) {
    return pool.tryExecuteAsync(() -> {
      try (RequestLogScope scope = RequestLogScope.open(request.requestId())) {
        return work.get().whenComplete((reply, failure) -> {
          // work() never fails: each path turns its failure into a reply; this is the last guard against a hang.
          Reply answer = failure == null ? reply : ServerFaultReply.internal();
          try {
            ctx.executor().execute(() -> finish(ctx, request, answer));
          } catch (RejectedExecutionException e) {
            log.debug("Request {}: event loop closed before the response", request.requestId());
          }
        });
      }
    }, bytes);
  }

  /**
   * No HSM worker can take the request: ThrottlingException, recorded first (on the refusal recorder's thread) when
   * requests are audited, as every answered request is.
   */
  private void throttle(ChannelHandlerContext ctx, Inbound request, RequestInfo info, Caller caller) {
    if (throttles != null) {
      // The target is the client's to choose: a name outside the KMS model must not mint a meter of its own.
      throttles.throttled(KmsJsonProtocol.modelled(info.operation()) ? info.operation() : "Unknown",
          ThrottleCounts.QUEUE);
    }
    if (!dispatcher.audits()) {
      refuse(ctx, request, THROTTLED);
    } else if (!offload(ctx, request, refusals, () -> recordThrottle(request, info, caller), request.body().length)) {
      abandon(ctx, request);
    }
  }

  /**
   * Not even the refusal recorder can take the request, so it cannot be recorded and gets no answer (nothing is
   * answered unaudited); the connection is closed, which SDKs retry like a throttle. Nothing ran.
   */
  private void abandon(ChannelHandlerContext ctx, Inbound request) {
    Arrays.fill(request.body(), (byte) 0);
    log.debug("Request {}: the workers and the refusal recorder are full; closing the connection unanswered",
        request.requestId());
    waiting.clear();
    ctx.close();
  }

  /** The refusal of an unauthenticated request, once the dispatcher has recorded it; its fault if it could not. */
  private CompletableFuture<Reply> recordRefusal(Inbound request, RequestInfo info, Reply refusal) {
    return recorded(request, info, refusal, () -> dispatcher.refusedAsync(info,
        claimedAccessKeyId(request.authorization()), refusal.errorType(), refusal.errorMessage()));
  }

  /** ThrottlingException for a request no worker could take, once the dispatcher has recorded it. */
  private CompletableFuture<Reply> recordThrottle(Inbound request, RequestInfo info, Caller caller) {
    return recorded(request, info, THROTTLED, () -> dispatcher.throttledAsync(info, caller, THROTTLING));
  }

  /** {@code refusal} once {@code record} has recorded it; the fault the caller gets if it could not be. */
  private CompletableFuture<Reply> recorded(Inbound request, RequestInfo info, Reply refusal,
      Supplier<CompletableFuture<Void>> record) {
    CompletableFuture<Void> recorded;
    try {
      recorded = record.get();
    } catch (Throwable e) {
      recorded = CompletableFuture.failedFuture(e);
    } finally {
      Arrays.fill(request.body(), (byte) 0);
    }
    return recorded.handle((ok, failure) -> {
      if (failure == null) {
        return refusal;
      }
      // Possibly on the audit trail's sync thread, which completed the future.
      try (RequestLogScope scope = RequestLogScope.open(request.requestId())) {
        return refusalFault(request, info, failure);
      }
    });
  }

  /** What the caller gets when its refusal could not be recorded. */
  private static Reply refusalFault(Inbound request, RequestInfo info, Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof KmsException e) {
      log.warn("Request {} ({}): the refusal could not be recorded: {}", request.requestId(), info.operation(),
          e.errorType(), e);
      return ServerFaultReply.of(e);
    }
    log.error("Request {} ({}): recording the refusal failed unexpectedly", request.requestId(), info.operation(),
        cause);
    return ServerFaultReply.internal();
  }

  /** The access key id in {@code Credential=<id>/...} of an Authorization header (not verified), or null. */
  static String claimedAccessKeyId(String authorization) {
    if (authorization == null) {
      return null;
    }
    int start = authorization.indexOf("Credential=");
    if (start < 0) {
      return null;
    }
    start += "Credential=".length();
    int end = authorization.indexOf('/', start);
    if (end <= start || end - start > 128) {
      return null;
    }
    String id = authorization.substring(start, end);
    return id.chars().allMatch(c -> Character.isLetterOrDigit(c)) ? id : null;
  }

  /** @param caller who signed the request, or null in dev mode */
  private CompletableFuture<Reply> invoke(Inbound request, RequestInfo info, Caller caller) {
    log.debug("Request {} ({}) by {}", request.requestId(), info.operation(),
        caller == null ? "an unverified caller" : caller);
    CompletableFuture<byte[]> response;
    try {
      response = dispatcher.dispatchAsync(info, request.body(), caller);
    } catch (Throwable e) {
      response = CompletableFuture.failedFuture(e);
    } finally {
      // The operation has read the body by the time dispatchAsync returns; only the audit write may still run.
      Arrays.fill(request.body(), (byte) 0);
    }
    return response.handle((body, failure) -> {
      if (failure == null) {
        return Reply.kms(body);
      }
      // Possibly on the audit trail's sync thread, which completed the future.
      try (RequestLogScope scope = RequestLogScope.open(request.requestId())) {
        return failureReply(request, info, caller, unwrap(failure));
      }
    });
  }

  /** What the caller gets for an operation's failure. */
  private Reply failureReply(Inbound request, RequestInfo info, Caller caller, Throwable failure) {
    String operation = info.operation();
    if (failure instanceof KmsException e) {
      if (e.httpStatus() >= 500) {
        // The detail (return codes, labels, material ids) is for the operator, under the request id.
        logFault(e.errorType(), request, info, caller, e.errorType(), e);
        return ServerFaultReply.of(e);
      }
      return Reply.error(e);
    }
    if (failure instanceof MetadataUnavailableException e) {
      // A database outage or timeout: the one place it becomes AWS's retryable DependencyTimeoutException.
      logFault("metadata", request, info, caller, "the metadata database is unavailable", e);
      return ServerFaultReply.dependencyTimeout();
    }
    // Anything (even a sneaky checked exception) must still produce a response, or the
    // connection would wait forever. The caller gets a bare KMSInternalException; details stay
    // in the log, keyed by request id.
    log.error("Request {} ({}) failed unexpectedly", request.requestId(), operation, failure);
    return ServerFaultReply.internal();
  }

  /** A server fault of {@code kind}: at WARN when {@link RepeatedFaults} admits it (with a count), else at DEBUG. */
  private void logFault(String kind, Inbound request, RequestInfo info, Caller caller, String what, Throwable e) {
    long others = faults.admit(kind);
    if (others >= 0) {
      String like = others == 0 ? "" : " (and " + others + " like failures since the last such line, logged at DEBUG)";
      log.warn("Request {} ({}) by {} failed: {}{}", request.requestId(), info.operation(), caller, what, like, e);
    } else {
      log.debug("Request {} ({}) by {} failed: {}", request.requestId(), info.operation(), caller, what, e);
    }
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private Reply checkHealth() {
    try {
      HealthStatus status = health.check();
      if (!status.up()) {
        log.warn("Health check: unavailable ({})", status.detail());
      }
      return status.up() ? HEALTH_UP : HEALTH_DOWN;
    } catch (Throwable e) {
      log.warn("Health check failed", e);
      return HEALTH_DOWN;
    }
  }

  /** {@code GET /health} and {@code GET /metrics}: monitoring, not KMS requests, so not in {@code trent.requests}. */
  private static boolean isProbe(Inbound request) {
    return HttpMethod.GET.equals(request.method())
        && ("/health".equals(request.path()) || "/metrics".equals(request.path()));
  }

  /** Writes the reply (on the event loop) and moves on to the connection's next request. */
  private void finish(ChannelHandlerContext ctx, Inbound request, Reply reply) {
    if (requests != null && !isProbe(request)) {
      requests.record(operation(request.target()), reply.status().code(), reply.type(),
          System.nanoTime() - request.startNanos());
    }
    boolean keepAlive = request.keepAlive() && !reply.closeConnection();
    ChannelFuture written =
        ctx.writeAndFlush(reply.toResponse(request.requestId(), request.version(), keepAlive));
    if (reply.wipeAfterWrite()) {
      // Operation responses may carry plaintext; once the socket has the bytes, ours are not needed.
      written.addListener(future -> Arrays.fill(reply.body(), (byte) 0));
    }
    if (!keepAlive) {
      waiting.clear();
      written.addListener(ChannelFutureListener.CLOSE);
      return;
    }
    next(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof IdleStateEvent && !busy) {
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      log.debug("Connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    } else {
      log.warn("Connection {} failed", ctx.channel().remoteAddress(), cause);
    }
    ctx.close();
  }
}
