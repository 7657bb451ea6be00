package io.trent.server.tls;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Placed right after the SslHandler: a failed handshake (plain HTTP on the HTTPS port, TLS 1.1, no
 * or an untrusted client certificate) closes the connection with a one-line debug log instead of
 * reaching the HTTP handler as an unexpected error with a stack trace. Anyone who can reach the
 * port can cause these, so they must not flood the log.
 */
@ChannelHandler.Sharable
public final class HandshakeFailures extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(HandshakeFailures.class);

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable tls = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (tls instanceof SSLException || tls instanceof NotSslRecordException) {
      log.debug("TLS with {} failed: {}", ctx.channel().remoteAddress(), tls.getMessage());
      ctx.close();
      return;
    }
    ctx.fireExceptionCaught(cause);
  }
}
