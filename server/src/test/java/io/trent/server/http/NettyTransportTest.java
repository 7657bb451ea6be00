package io.trent.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NettyTransportTest {

  @Test
  void linuxGetsTheNativeEpollTransport() {
    String os = System.getProperty("os.name");
    String arch = System.getProperty("os.arch");
    boolean shippedNative = os.equals("Linux") && (arch.equals("amd64") || arch.equals("aarch64"));

    NettyTransport transport = NettyTransport.best();

    // The server pom ships the native library for these platforms; losing it would silently cost throughput.
    assertThat(transport.name()).isEqualTo(shippedNative ? "epoll" : "nio");
    EventLoopGroup group = transport.eventLoops(1, new DefaultThreadFactory("test-io", true));
    try {
      assertThat(group).isInstanceOf(shippedNative ? EpollEventLoopGroup.class : NioEventLoopGroup.class);
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
