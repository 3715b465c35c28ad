package org.admm4j.nn.io.faults;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The default file system behind a wrapper that counts operations and fails the Nth one of a kind on
 * request (an I/O error, a full disk, a permission refused), after Lucene's MockDirectoryWrapper and
 * SQLite's fault tests: code under test gets a path from {@link #wrap} and works on the real files, until
 * the fault. Folders can be made read-only and files unreadable, which works where permission bits do
 * not (a test running as root).
 */
public final class FaultyFileSystem extends FileSystem {

  private record Fault(Operation op, int nth, Failure failure) {}

  private final FileSystem real = FileSystems.getDefault();
  private final FaultyFileSystemProvider provider = new FaultyFileSystemProvider(this, real.provider());
  private final Map<Operation, Integer> counts = new EnumMap<>(Operation.class);
  private final List<Fault> faults = new ArrayList<>();
  private final Set<Path> readOnlyFolders = new HashSet<>();
  private final Set<Path> unreadable = new HashSet<>();
  private final List<String> failed = new ArrayList<>();

  /** {@code real} (a default file-system path) as a path of this file system. */
  public Path wrap(Path real) {
    return new FaultyPath(this, real);
  }

  /** Makes the {@code nth} (1-based, counted from now) operation {@code op} fail with {@code failure}. */
  public synchronized FaultyFileSystem failAt(Operation op, int nth, Failure failure) {
    faults.add(new Fault(op, count(op) + nth, failure));
    return this;
  }

  /** Refuses creating, writing, moving and deleting files in {@code folder} (a default-file-system path). */
  public synchronized FaultyFileSystem readOnly(Path folder) {
    readOnlyFolders.add(folder.toAbsolutePath().normalize());
    return this;
  }

  /** Refuses reading {@code file} (a default-file-system path). */
  public synchronized FaultyFileSystem unreadable(Path file) {
    unreadable.add(file.toAbsolutePath().normalize());
    return this;
  }

  /** How many operations {@code op} ran (or were failed) so far. */
  public synchronized int count(Operation op) {
    return counts.getOrDefault(op, 0);
  }

  /** The faults injected so far, as "OP n on PATH". */
  public synchronized List<String> failed() {
    return List.copyOf(failed);
  }

  /** Counts {@code op}; throws the fault due now, if any. */
  synchronized void fail(Operation op, String path) throws IOException {
    Failure f = next(op, path);
    if (f != null) {
      throw f.exception(op, path);
    }
  }

  /** Counts {@code op}; returns the failure due now, or null. */
  synchronized Failure next(Operation op, String path) {
    int n = counts.merge(op, 1, Integer::sum);
    for (Fault f : faults) {
      if (f.op() == op && f.nth() == n) {
        failed.add(op + " " + n + " on " + path);
        return f.failure();
      }
    }
    return null;
  }

  synchronized void checkWritable(Path folder, Path file) throws IOException {
    if (folder != null && readOnlyFolders.contains(folder.toAbsolutePath().normalize())) {
      throw Failure.ACCESS_DENIED.exception(Operation.OPEN_WRITE, file.toString());
    }
  }

  synchronized void checkReadable(Path file) throws IOException {
    if (unreadable.contains(file.toAbsolutePath().normalize())) {
      throw Failure.ACCESS_DENIED.exception(Operation.OPEN_READ, file.toString());
    }
  }

  @Override
  public FileSystemProvider provider() {
    return provider;
  }

  @Override
  public void close() {
    throw new UnsupportedOperationException("the default file system stays open");
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public boolean isReadOnly() {
    return false;
  }

  @Override
  public String getSeparator() {
    return real.getSeparator();
  }

  @Override
  public Iterable<Path> getRootDirectories() {
    List<Path> roots = new ArrayList<>();
    for (Path p : real.getRootDirectories()) {
      roots.add(wrap(p));
    }
    return roots;
  }

  @Override
  public Iterable<FileStore> getFileStores() {
    return real.getFileStores();
  }

  @Override
  public Set<String> supportedFileAttributeViews() {
    return real.supportedFileAttributeViews();
  }

  @Override
  public Path getPath(String first, String... more) {
    return wrap(real.getPath(first, more));
  }

  @Override
  public PathMatcher getPathMatcher(String syntaxAndPattern) {
    PathMatcher m = real.getPathMatcher(syntaxAndPattern);
    return p -> m.matches(p instanceof FaultyPath f ? f.real : p);
  }

  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    return real.getUserPrincipalLookupService();
  }

  @Override
  public WatchService newWatchService() {
    throw new UnsupportedOperationException("FaultyFileSystem does not watch folders");
  }
}
