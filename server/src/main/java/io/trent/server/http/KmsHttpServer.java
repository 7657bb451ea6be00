package io.trent.server.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.trent.core.auth.Caller;
import io.trent.server.config.ServerConfig;
import io.trent.server.metrics.ServerMetrics;
import io.trent.server.tls.HandshakeFailures;
import io.trent.server.quota.ThrottleCounts;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.1 listener that speaks the AWS JSON 1.1 protocol to AWS SDKs and the aws CLI.
 *
 * <p>Why Netty plus a bounded blocking worker pool: the event loop only parses HTTP and writes
 * responses, so it stays free for every connection however slow the HSM is; each KMS operation
 * runs on one of {@code hsmWorkers} threads, because PKCS#11 calls block and HSM sessions, not
 * sockets, are the real bottleneck. A bounded queue in front of those threads turns overload into
 * an immediate ThrottlingException, which SDKs retry with back-off, instead of unbounded latency.
 * Size the pool by measurement: SoftHSM2 gets slower beyond two threads (internal locks), while a
 * network HSM scales with its session count. {@code GET /health} runs on the same workers, since
 * it touches the HSM; a full queue answers it with 503. The queue is bounded by count
 * ({@code hsmQueueCapacity}) and by the bytes of the bodies it holds ({@code hsmQueueBytes}).
 *
 * <p>The transport is Netty's native epoll on Linux and NIO elsewhere ({@link NettyTransport}).
 *
 * <p>Pipeline per connection: with TLS on, the SslHandler (see {@code io.trent.server.tls}), then
 * {@link HttpServerCodec}, then {@link BoundedRequestAggregator}
 * (one message per request, 413 over {@code maxRequestBytes}), an idle timeout for abandoned
 * keep-alive connections, then {@link KmsRequestHandler}, which checks Host and Origin
 * ({@link RebindingGuard}) before anything else.
 */
public final class KmsHttpServer implements AutoCloseable {
  /** Longer than the SDKs' own idle limits (60 s in the Java SDK), so the client closes first. */
  private static final int IDLE_SECONDS = 120;
  private static final Logger log = LoggerFactory.getLogger(KmsHttpServer.class);
  private static final HandshakeFailures HANDSHAKE_FAILURES = new HandshakeFailures();

  /** The least number of refusals waiting to be recorded before further ones are dropped unanswered. */
  private static final int REFUSAL_QUEUE = 4096;

  private final Channel listener;
  private final EventLoopGroup eventLoops;
  private final HsmWorkerPool workers;
  private final HsmWorkerPool refusals;
  private final AtomicBoolean closed = new AtomicBoolean();

  private KmsHttpServer(Channel listener, EventLoopGroup eventLoops, HsmWorkerPool workers, HsmWorkerPool refusals) {
    this.listener = listener;
    this.eventLoops = eventLoops;
    this.workers = workers;
    this.refusals = refusals;
  }

  /**
   * Binds and starts serving.
   *
   * @throws IllegalStateException if the address cannot be bound
   */
  public static KmsHttpServer start(ServerConfig config, KmsRequestDispatcher dispatcher, HealthProbe health) {
    return start(config, null, dispatcher, health, null, null);
  }

  /**
   * Binds and starts serving: HTTPS only with {@code tls}, or HTTP when it is null; every request
   * except {@code GET /health} must pass {@code verifier}.
   *
   * @param tls the TLS context, or null for plain HTTP
   * @param verifier checks SigV4 signatures, or null for dev mode (any credentials, shape checked only)
   * @param devCaller in dev mode, who every request acts as (the account root), in the region of its
   *     Authorization header's credential scope when it has one; null: the dispatcher decides
   * @throws IllegalStateException if the address cannot be bound
   */
  public static KmsHttpServer start(ServerConfig config, SslContext tls, KmsRequestDispatcher dispatcher,
      HealthProbe health, SigV4Verifier verifier, Caller devCaller) {
    return start(config, tls, dispatcher, health, verifier, devCaller, null, null);
  }

  /** As the eight-argument start, without counting queue throttles. */
  public static KmsHttpServer start(ServerConfig config, SslContext tls, KmsRequestDispatcher dispatcher,
      HealthProbe health, SigV4Verifier verifier, Caller devCaller, ServerMetrics metrics) {
    return start(config, tls, dispatcher, health, verifier, devCaller, metrics, null);
  }

  /**
   * As {@link #start(ServerConfig, SslContext, KmsRequestDispatcher, HealthProbe, SigV4Verifier, Caller)}, recording
   * every KMS request in {@code metrics} with the worker pool's gauges, answering {@code GET /metrics} with them
   * when {@code server.metrics} is on, and counting the requests refused because the worker queue was full in
   * {@code throttles}.
   *
   * @param metrics where requests are counted and timed, or null for no metrics (and no {@code GET /metrics})
   * @param throttles where queue throttles are counted, or null
   */
  public static KmsHttpServer start(ServerConfig config, SslContext tls, KmsRequestDispatcher dispatcher,
      HealthProbe health, SigV4Verifier verifier, Caller devCaller, ServerMetrics metrics, ThrottleCounts throttles) {
    HsmWorkerPool workers = new HsmWorkerPool(config.hsmWorkers(), config.hsmQueueCapacity(), config.hsmQueueBytes());
    // Records the requests refused while the workers' queue is full (each gets its audit event before its answer):
    // no HSM work, so one thread, with a queue for a burst of refusals even when the workers' is short, bounded in
    // bytes as theirs (a queued refusal still holds its request's body).
    HsmWorkerPool refusals = dispatcher.audits() ? new HsmWorkerPool(1,
        Math.max(config.hsmQueueCapacity(), REFUSAL_QUEUE), config.hsmQueueBytes(), "trent-refusals-") : null;
    if (metrics != null) {
      new WorkerPoolMeters(workers).bindTo(metrics.registry());
    }
    ServerMetrics scraped = config.metrics() ? metrics : null;
    RebindingGuard guard = RebindingGuard.of(config);
    RepeatedFaults faults = new RepeatedFaults(System::nanoTime);
    NettyTransport transport = NettyTransport.best();
    EventLoopGroup eventLoops =
        transport.eventLoops(config.ioThreads(), new DefaultThreadFactory("trent-io", true));
    try {
      Channel listener = new ServerBootstrap()
          .group(eventLoops)
          .channel(transport.serverChannel())
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
              if (tls != null) {
                // First in the pipeline: nothing reads a byte that did not arrive through TLS.
                channel.pipeline().addLast(tls.newHandler(channel.alloc()), HANDSHAKE_FAILURES);
              }
              channel.pipeline().addLast(
                  new HttpServerCodec(),
                  new BoundedRequestAggregator(config.maxRequestBytes()),
                  new IdleStateHandler(0, 0, IDLE_SECONDS),
                  new KmsRequestHandler(dispatcher, health, workers, refusals, guard, verifier, devCaller,
                      metrics == null ? null : metrics.requests(), scraped, throttles, faults));
            }
          })
          .bind(config.host(), config.port())
          .syncUninterruptibly()
          .channel();
      log.debug("Listening with the {} transport", transport.name());
      return new KmsHttpServer(listener, eventLoops, workers, refusals);
    } catch (Exception e) {
      eventLoops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workers.close();
      if (refusals != null) {
        refusals.close();
      }
      throw new IllegalStateException(
          "Cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
    }
  }

  /** The bound port (the real one when the configuration asked for port 0). */
  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /**
   * Stops accepting connections, lets queued and running operations finish and send their
   * responses, then closes every connection. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    listener.close().syncUninterruptibly();
    workers.close();
    if (refusals != null) {
      refusals.close();
    }
    eventLoops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
