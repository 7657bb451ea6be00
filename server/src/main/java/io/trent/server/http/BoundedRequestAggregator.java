package io.trent.server.http;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * Aggregates a request into one message, and answers a body over the limit with a JSON 413
 * (carrying a request id, like every response) before closing the connection.
 *
 * <p>The close lingers: the server half-closes after the 413 and keeps discarding input for a
 * few seconds, because closing a socket with unread input sends a TCP reset that can destroy the
 * 413 before the client has read it.
 */
final class BoundedRequestAggregator extends HttpObjectAggregator {
  private static final long LINGER_SECONDS = 5;
  private final int maxRequestBytes;
  private boolean rejecting;

  BoundedRequestAggregator(int maxRequestBytes) {
    // closeOnExpectationFailed: after refusing "Expect: 100-continue", the body would be unframed.
    super(maxRequestBytes, true);
    this.maxRequestBytes = maxRequestBytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (rejecting) {
      ReferenceCountUtil.release(msg);
      return;
    }
    super.channelRead(ctx, msg);
  }

  @Override
  protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    Object response = super.newContinueResponse(start, maxContentLength, pipeline);
    if (response instanceof HttpResponse r && HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.equals(r.status())) {
      ReferenceCountUtil.release(response);
      return tooLarge();
    }
    return response;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    rejecting = true;
    ctx.writeAndFlush(tooLarge()).addListener((ChannelFuture written) -> {
      if (!written.isSuccess() || !(ctx.channel() instanceof SocketChannel socket)) {
        ctx.close();
        return;
      }
      socket.shutdownOutput();
      ctx.executor().schedule(() -> ctx.close(), LINGER_SECONDS, TimeUnit.SECONDS);
    });
  }

  private FullHttpResponse tooLarge() {
    return Reply.tooLarge(maxRequestBytes).toResponse(Reply.newRequestId(), HttpVersion.HTTP_1_1, false);
  }
}
