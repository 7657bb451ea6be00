package io.trent.server.http;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.util.concurrent.ThreadFactory;

/**
 * The socket transport: Netty's native epoll on Linux, where it saves system calls on every
 * request (the benchmark showed the event loop spending most of its time in the kernel), and NIO
 * wherever the native library cannot load.
 *
 * @param name "epoll" or "nio", for the start-up log
 */
record NettyTransport(String name, Class<? extends ServerChannel> serverChannel, boolean epoll) {

  static NettyTransport best() {
    return Epoll.isAvailable()
        ? new NettyTransport("epoll", EpollServerSocketChannel.class, true)
        : new NettyTransport("nio", NioServerSocketChannel.class, false);
  }

  EventLoopGroup eventLoops(int threads, ThreadFactory threadFactory) {
    return epoll ? new EpollEventLoopGroup(threads, threadFactory) : new NioEventLoopGroup(threads, threadFactory);
  }
}
