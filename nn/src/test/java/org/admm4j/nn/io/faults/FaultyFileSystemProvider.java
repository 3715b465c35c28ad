package org.admm4j.nn.io.faults;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The provider of one {@link FaultyFileSystem}: every operation is the default provider's on the
 * unwrapped path, after the file system has had its say (count, inject a fault, refuse by permission).
 */
final class FaultyFileSystemProvider extends FileSystemProvider {

  private final FaultyFileSystem fs;
  private final FileSystemProvider real;

  FaultyFileSystemProvider(FaultyFileSystem fs, FileSystemProvider real) {
    this.fs = fs;
    this.real = real;
  }

  private static Path r(Path p) {
    return FaultyPath.unwrap(p);
  }

  @Override
  public String getScheme() {
    return "faulty";
  }

  @Override
  public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
    throw new UnsupportedOperationException("make one with new FaultyFileSystem()");
  }

  @Override
  public FileSystem getFileSystem(URI uri) {
    return fs;
  }

  @Override
  public Path getPath(URI uri) {
    return fs.wrap(real.getPath(uri));
  }

  @Override
  public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
      throws IOException {
    return newFileChannel(path, options, attrs);
  }

  @Override
  public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
      throws IOException {
    Path p = r(path);
    boolean writing = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
    if (writing) {
      fs.checkWritable(p.getParent() == null ? p : p.getParent(), p);
    } else {
      fs.checkReadable(p);
    }
    fs.fail(writing ? Operation.OPEN_WRITE : Operation.OPEN_READ, p.toString());
    FileChannel ch = real.newFileChannel(p, options, attrs);
    return new FaultyFileChannel(ch, fs, p.toString(), Files.isDirectory(p));
  }

  @Override
  public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
      throws IOException {
    Path d = r(dir);
    fs.checkReadable(d);
    DirectoryStream<Path> s = real.newDirectoryStream(d, p -> filter.accept(fs.wrap(p)));
    return new DirectoryStream<>() {
      @Override
      public Iterator<Path> iterator() {
        Iterator<Path> it = s.iterator();
        return new Iterator<>() {
          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public Path next() {
            return fs.wrap(it.next());
          }
        };
      }

      @Override
      public void close() throws IOException {
        s.close();
      }
    };
  }

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
    Path d = r(dir);
    // an existing folder or a missing parent fails as it would anyway (FileAlreadyExistsException,
    // NoSuchFileException), uncounted: Files.createDirectories tries those first
    if (!Files.exists(d) && (d.getParent() == null || Files.isDirectory(d.getParent()))) {
      if (d.getParent() != null) {
        fs.checkWritable(d.getParent(), d);
      }
      fs.fail(Operation.CREATE_FOLDER, d.toString());
    }
    real.createDirectory(d, attrs);
  }

  @Override
  public void delete(Path path) throws IOException {
    Path p = r(path);
    fs.checkWritable(p.getParent(), p);
    real.delete(p);
  }

  @Override
  public void copy(Path source, Path target, CopyOption... options) throws IOException {
    fs.checkWritable(r(target).getParent(), r(target));
    real.copy(r(source), r(target), options);
  }

  @Override
  public void move(Path source, Path target, CopyOption... options) throws IOException {
    Path s = r(source);
    Path t = r(target);
    fs.checkWritable(s.getParent(), s);
    fs.checkWritable(t.getParent(), t);
    fs.fail(Operation.MOVE, t.toString());
    real.move(s, t, options);
  }

  @Override
  public boolean isSameFile(Path path, Path path2) throws IOException {
    return real.isSameFile(r(path), r(path2));
  }

  @Override
  public boolean isHidden(Path path) throws IOException {
    return real.isHidden(r(path));
  }

  @Override
  public FileStore getFileStore(Path path) throws IOException {
    return real.getFileStore(r(path));
  }

  @Override
  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    Path p = r(path);
    for (AccessMode m : modes) {
      if (m == AccessMode.READ) {
        fs.checkReadable(p);
      } else if (m == AccessMode.WRITE) {
        fs.checkWritable(p, p);
      }
    }
    real.checkAccess(p, modes);
  }

  @Override
  public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
    return real.getFileAttributeView(r(path), type, options);
  }

  @Override
  public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
      throws IOException {
    return real.readAttributes(r(path), type, options);
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
    return real.readAttributes(r(path), attributes, options);
  }

  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
    real.setAttribute(r(path), attribute, value, options);
  }
}
