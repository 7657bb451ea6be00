package io.trent.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens real trail files behind channels that fail every write and sync while {@link #failing} is
 * set (a full or broken disk), and counts the syncs (to see the group commit).
 */
final class FaultyChannels implements ChannelOpener {
  volatile boolean failing;
  /** Only syncs fail: the records reach the file but are never acknowledged. */
  volatile boolean failingSync;
  final AtomicInteger forces = new AtomicInteger();
  /** When set, every sync announces itself on {@link #syncsEntered} and then waits for the latch (a slow disk). */
  volatile java.util.concurrent.CountDownLatch holdSyncs;
  final java.util.concurrent.Semaphore syncsEntered = new java.util.concurrent.Semaphore(0);

  @Override
  public FileChannel open(Path path, boolean create) throws IOException {
    if (failing) {
      throw new IOException("No space left on device (simulated)");
    }
    return new Faulty(ChannelOpener.FILES.open(path, create));
  }

  private final class Faulty extends FileChannel {
    private final FileChannel real;

    Faulty(FileChannel real) {
      this.real = real;
    }

    private void check() throws IOException {
      if (failing) {
        throw new IOException("No space left on device (simulated)");
      }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      check();
      return real.write(src);
    }

    @Override
    public void force(boolean metaData) throws IOException {
      check();
      java.util.concurrent.CountDownLatch hold = holdSyncs;
      if (hold != null) {
        syncsEntered.release();
        try {
          hold.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while the sync was held", e);
        }
      }
      if (failingSync) {
        throw new IOException("Input/output error (simulated fsync failure)");
      }
      forces.incrementAndGet();
      real.force(metaData);
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      check();
      real.truncate(size);
      return this;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return real.read(dsts, offset, length);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      check();
      return real.write(srcs, offset, length);
    }

    @Override
    public long position() throws IOException {
      return real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      real.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return real.size();
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
      return real.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
      check();
      return real.transferFrom(src, position, count);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return real.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      check();
      return real.write(src, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      throw new IOException("not supported");
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return real.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return real.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      real.close();
    }
  }
}
