package org.admm4j.spark;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.admm4j.admm.pipeline.Checkpoint;
import org.admm4j.admm.pipeline.JsonFiles;
import org.admm4j.admm.pipeline.RunException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/**
 * A Spark run's folder on a Hadoop file system ({@code hdfs://…}, {@code s3a://…}, {@code file:/…}), so that a
 * driver restarted on another machine resumes the run. The run writes a local staging folder ({@link #local}) as
 * a local run writes its folder (admm's {@link Checkpoint}, {@code AtomicFile}); after every checkpoint and at the
 * end, {@link #publish} copies what changed there to the URI.
 *
 * <p>At the URI the folder holds the local folder's files, except that the checkpoint's {@code state.json} is
 * published under a new name every time, {@code checkpoint/state-NNNNNN.json}: the highest number is the
 * checkpoint. A rename on HDFS does not replace its target, and on an object store it is a copy, so the file that
 * says which checkpoint is current is never replaced, only superseded. One publish writes
 * <ol>
 *   <li>the other files that changed (dense.safetensors, at the end the model files and report.json): a kill
 *       between deleting an old one and renaming the new one leaves it missing, but the checkpoint that says the
 *       run is done comes after them, so resume writes them again;
 *   <li>the tensor file the new state names ({@code checkpoint-NNNNNN.safetensors}, a name the run has not
 *       published: {@link Checkpoint} numbers them on from the state it resumed);
 *   <li>the state, as the next {@code state-NNNNNN.json};
 *   <li>then deletes the older states and the tensor files the new one does not name.
 * </ol>
 * Every file goes to {@code .NAME.<16 hex>.tmp} beside its target (AtomicFile's names), is synced
 * ({@code hsync}) and renamed; what a kill leaves (a temporary, a tensor file no state names, an older state)
 * is deleted by the next {@link #download}. Durability is the file system's: a synced HDFS file is on the
 * data nodes' disks, an object store's is whole once it is there.
 *
 * <p>Messages name the URI and are phrased for the command line ({@code --out}, {@code --force},
 * {@code --resume}), as {@link SparkPrune}'s are. Hadoop settings come from a plain {@link Configuration}
 * (core-site.xml and the like on the class path, as spark-submit sets with {@code HADOOP_CONF_DIR}), as the
 * data folders' ({@link HadoopFiles}).
 */
public final class HadoopRunFolder implements Closeable {

  private static final String CHECKPOINT = "checkpoint";
  private static final Pattern STATE = Pattern.compile("state-([0-9]{6,18})\\.json");
  private static final Pattern TENSORS = Pattern.compile("checkpoint-[0-9]{1,19}\\.safetensors");
  private static final Pattern LEFTOVER = Pattern.compile("\\..+\\.[0-9a-f]{16}\\.tmp");
  private static final int BUFFER_BYTES = 1 << 16;

  private final String uri;
  private final FileSystem fs;
  private final org.apache.hadoop.fs.Path root;
  private final Path local;
  /** What each local file was when it was last published (or downloaded), by its path in the folder. */
  private final Map<String, Stamp> published = new HashMap<>();
  /** The number of the last state published, and the tensor file it names (null: none). */
  private long stateNumber;
  private String tensorFile;

  /** A local file's identity: AtomicFile replaces a file by a new one, so any write changes it. */
  private record Stamp(long size, long modifiedNanos, Object fileKey) {
    static Stamp of(Path p) throws IOException {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      return new Stamp(a.size(), a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), a.fileKey());
    }
  }

  private HadoopRunFolder(String uri, FileSystem fs, org.apache.hadoop.fs.Path root, Path local) {
    this.uri = uri;
    this.fs = fs;
    this.root = root;
    this.local = local;
  }

  /**
   * The folder of a new run: refused when it exists and is not empty, unless {@code force} (then its checkpoint
   * and what killed writes left are deleted first, so that no resume can mix the old run with the new one).
   */
  public static HadoopRunFolder create(String uri, boolean force) throws RunException {
    HadoopRunFolder f = open(uri);
    try {
      if (f.fs.exists(f.root)) {
        if (!f.fs.getFileStatus(f.root).isDirectory()) {
          throw new RunException("--out " + uri + " exists and is not a folder");
        }
        if (f.fs.listStatus(f.root).length > 0) {
          if (!force) {
            throw new RunException("output folder " + uri + " exists and is not empty; pass --force to overwrite it,"
                + " --spark MASTER --resume " + uri + " to continue a run in it, or choose another --out");
          }
          f.fs.delete(f.remote(CHECKPOINT), true);
          f.deleteLeftovers(f.root);
        }
      }
      if (!f.fs.mkdirs(f.root)) {
        throw new IOException("mkdirs returned false");
      }
      f.stage();
      return f;
    } catch (IOException e) {
      throw new RunException("--out " + uri + ": " + reason(e));
    }
  }

  /**
   * The folder of a run to resume, its last checkpoint and outputs copied to the local staging folder (a state
   * there as a local run's {@code checkpoint/state.json}), after deleting what kills left at the URI.
   *
   * @throws RunException naming the URI when it is no folder or holds no checkpoint
   */
  public static HadoopRunFolder download(String uri) throws RunException {
    HadoopRunFolder f = open(uri);
    try {
      if (!f.fs.exists(f.root) || !f.fs.getFileStatus(f.root).isDirectory()) {
        throw new RunException("--resume " + uri + ": no such folder");
      }
      org.apache.hadoop.fs.Path ck = f.remote(CHECKPOINT);
      FileStatus[] saved = f.fs.exists(ck) ? f.fs.listStatus(ck) : new FileStatus[0];
      long last = -1;
      for (FileStatus s : saved) {
        Matcher m = STATE.matcher(s.getPath().getName());
        if (m.matches() && s.isFile()) {
          last = Math.max(last, Long.parseLong(m.group(1)));
        }
      }
      if (last < 0) {
        throw new RunException("--resume " + uri + ": no checkpoint to resume (no " + CHECKPOINT
            + "/state-NNNNNN.json in it)");
      }
      f.stage();
      String stateName = stateName(last);
      Path state = f.local.resolve(CHECKPOINT).resolve(Checkpoint.STATE_FILE);
      f.get(CHECKPOINT + "/" + stateName, state);
      f.stateNumber = last;
      f.tensorFile = tensorsNamedIn(state, uri + "/" + CHECKPOINT + "/" + stateName);
      if (f.tensorFile != null) {
        f.get(CHECKPOINT + "/" + f.tensorFile, f.local.resolve(CHECKPOINT).resolve(f.tensorFile));
      }
      f.published.put(CHECKPOINT + "/" + Checkpoint.STATE_FILE, Stamp.of(state));
      f.deleteSuperseded();
      f.deleteLeftovers(f.root);
      for (FileStatus s : f.fs.listStatus(f.root)) {
        String name = s.getPath().getName();
        if (s.isFile() && !LEFTOVER.matcher(name).matches()) {
          Path to = f.local.resolve(name);
          f.get(name, to);
          f.published.put(name, Stamp.of(to));
        }
      }
      return f;
    } catch (IOException e) {
      throw new RunException("--resume " + uri + ": " + reason(e));
    }
  }

  private static HadoopRunFolder open(String uri) throws RunException {
    Objects.requireNonNull(uri, "uri");
    try {
      org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(uri);
      // an instance of its own: the setting below is not for the cached one Spark and the data readers share
      FileSystem fs = FileSystem.newInstance(root.toUri(), new Configuration());
      // file: is a checksummed file system, which would write a .NAME.crc beside every file: the folder is then
      // the local run's, byte for byte (HDFS and the object stores keep their checksums to themselves)
      fs.setWriteChecksum(false);
      String name = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(uri.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
      Path local = Path.of(System.getProperty("java.io.tmpdir"), "admm4j-runs", name);
      return new HadoopRunFolder(uri, fs, root, local);
    } catch (IOException | IllegalArgumentException e) {
      throw new RunException(uri + ": cannot reach its file system: " + reason(e));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public String uri() {
    return uri;
  }

  /** The local staging folder the run writes (deleted by {@link #close}). */
  public Path local() {
    return local;
  }

  /**
   * Copies what changed in the staging folder since the last publish to the URI, in the order in this class's
   * description.
   *
   * @throws IOException naming the URI
   */
  public synchronized void publish() throws IOException {
    try {
      List<Path> files;
      try (Stream<Path> s = Files.list(local)) {
        files = s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
      }
      for (Path p : files) {
        String name = p.getFileName().toString();
        if (LEFTOVER.matcher(name).matches()) {
          continue;
        }
        Stamp now = Stamp.of(p);
        if (!now.equals(published.get(name))) {
          put(p, name);
          published.put(name, now);
        }
      }
      String stateKey = CHECKPOINT + "/" + Checkpoint.STATE_FILE;
      Path state = local.resolve(CHECKPOINT).resolve(Checkpoint.STATE_FILE);
      if (!Files.isRegularFile(state)) {
        return;
      }
      Stamp now = Stamp.of(state);
      if (now.equals(published.get(stateKey))) {
        return;
      }
      String tensors = tensorsNamedIn(state, state.toString());
      if (tensors != null && !tensors.equals(tensorFile)) {
        put(local.resolve(CHECKPOINT).resolve(tensors), CHECKPOINT + "/" + tensors);
      }
      put(state, CHECKPOINT + "/" + stateName(stateNumber + 1));
      stateNumber++;
      tensorFile = tensors;
      published.put(stateKey, now);
      deleteSuperseded();
    } catch (IOException e) {
      throw new IOException("cannot publish the run to " + uri + ": " + reason(e), e);
    }
  }

  /** Deletes the staging folder (the run's files are at the URI). */
  @Override
  public void close() throws IOException {
    try {
      deleteTree(local);
    } finally {
      fs.close();
    }
  }

  private void stage() throws IOException {
    // a killed driver's staging for this URI, if it ran on this machine
    deleteTree(local);
    Files.createDirectories(local.resolve(CHECKPOINT));
  }

  private org.apache.hadoop.fs.Path remote(String name) {
    return new org.apache.hadoop.fs.Path(root, name);
  }

  /** Writes {@code from} to the URI's {@code name} under a temporary name beside it, synced, then renamed. */
  private void put(Path from, String name) throws IOException {
    org.apache.hadoop.fs.Path to = remote(name);
    org.apache.hadoop.fs.Path fresh = new org.apache.hadoop.fs.Path(to.getParent(),
        String.format("." + to.getName() + ".%016x.tmp", ThreadLocalRandom.current().nextLong()));
    try (InputStream in = Files.newInputStream(from); FSDataOutputStream out = fs.create(fresh, false)) {
      in.transferTo(out);
      out.hsync();
    } catch (IOException e) {
      fs.delete(fresh, false);
      throw e;
    }
    // only outputs are replaced (a state and a tensor file always get a new name; see the class description)
    if (fs.exists(to)) {
      fs.delete(to, false);
    }
    if (!fs.rename(fresh, to)) {
      fs.delete(fresh, false);
      throw new IOException("cannot rename " + fresh.getName() + " to " + name);
    }
  }

  private void get(String name, Path to) throws IOException {
    Files.createDirectories(to.getParent());
    try (InputStream in = fs.open(remote(name)); OutputStream out = Files.newOutputStream(to)) {
      byte[] buf = new byte[BUFFER_BYTES];
      for (int n; (n = in.read(buf)) > 0; ) {
        out.write(buf, 0, n);
      }
    }
  }

  /** Deletes the states before the current one and the tensor files it does not name. */
  private void deleteSuperseded() throws IOException {
    String current = stateName(stateNumber);
    for (FileStatus s : fs.listStatus(remote(CHECKPOINT))) {
      String name = s.getPath().getName();
      boolean oldState = STATE.matcher(name).matches() && !name.equals(current);
      boolean oldTensors = TENSORS.matcher(name).matches() && !name.equals(tensorFile);
      if (oldState || oldTensors || LEFTOVER.matcher(name).matches()) {
        fs.delete(s.getPath(), false);
      }
    }
  }

  private void deleteLeftovers(org.apache.hadoop.fs.Path dir) throws IOException {
    for (FileStatus s : fs.listStatus(dir)) {
      if (s.isFile() && LEFTOVER.matcher(s.getPath().getName()).matches()) {
        fs.delete(s.getPath(), false);
      }
    }
  }

  private static String stateName(long number) {
    return String.format("state-%06d.json", number);
  }

  /** The tensor file a checkpoint state names, or null; its name checked as {@link Checkpoint} checks it. */
  private static String tensorsNamedIn(Path state, String shownAs) throws IOException {
    JsonObject o = JsonFiles.read(state);
    JsonElement t = o.get("tensors");
    if (t == null || t.isJsonNull()) {
      return null;
    }
    String name = t.isJsonPrimitive() ? t.getAsString() : "";
    if (!TENSORS.matcher(name).matches()) {
      // never resolved: a name like ../x would read or delete outside the checkpoint folder
      throw new IOException(shownAs + " is damaged: tensors is not the name of a"
          + " checkpoint-NNNNNN.safetensors file");
    }
    return name;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  /** One line: Hadoop's messages can run over several, with a stack of causes. */
  private static String reason(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
