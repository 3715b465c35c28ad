package org.admm4j.nn.io.faults;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/** A real file's channel whose writes and forces go past a {@link FaultyFileSystem} first. */
final class FaultyFileChannel extends FileChannel {

  private final FileChannel real;
  private final FaultyFileSystem fs;
  private final String path;
  private final boolean folder;

  FaultyFileChannel(FileChannel real, FaultyFileSystem fs, String path, boolean folder) {
    this.real = real;
    this.fs = fs;
    this.path = path;
    this.folder = folder;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    Failure f = fs.next(Operation.WRITE, path);
    if (f == Failure.DISK_FULL && src.remaining() > 1) {
      // a real full disk takes what fits, then fails
      ByteBuffer part = src.slice(src.position(), src.remaining() / 2);
      int n = real.write(part);
      src.position(src.position() + n);
    }
    if (f != null) {
      throw f.exception(Operation.WRITE, path);
    }
    return real.write(src);
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    long n = 0;
    for (int i = offset; i < offset + length; i++) {
      n += write(srcs[i]);
    }
    return n;
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    Failure f = fs.next(Operation.WRITE, path);
    if (f != null) {
      throw f.exception(Operation.WRITE, path);
    }
    return real.write(src, position);
  }

  @Override
  public void force(boolean metaData) throws IOException {
    Failure f = fs.next(folder ? Operation.FORCE_FOLDER : Operation.FORCE, path);
    if (f != null) {
      throw f.exception(folder ? Operation.FORCE_FOLDER : Operation.FORCE, path);
    }
    real.force(metaData);
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
  public int read(ByteBuffer dst, long position) throws IOException {
    return real.read(dst, position);
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
  public FileChannel truncate(long size) throws IOException {
    real.truncate(size);
    return this;
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    return real.transferTo(position, count, target);
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
    ByteBuffer b = ByteBuffer.allocate((int) Math.min(count, 1 << 16));
    long done = 0;
    while (done < count) {
      b.clear().limit((int) Math.min(b.capacity(), count - done));
      if (src.read(b) <= 0) {
        break;
      }
      b.flip();
      while (b.hasRemaining()) {
        done += write(b, position + done);
      }
    }
    return done;
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    if (mode != MapMode.READ_ONLY) {
      throw new UnsupportedOperationException("FaultyFileSystem maps files for reading only");
    }
    return real.map(mode, position, size);
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
