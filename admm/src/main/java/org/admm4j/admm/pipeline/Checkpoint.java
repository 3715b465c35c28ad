package org.admm4j.admm.pipeline;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.admm4j.admm.PrunedLayer;
import org.admm4j.nn.Model;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.io.AtomicFile;
import org.admm4j.nn.io.ModelMetadata;
import org.admm4j.nn.io.SafeTensors;
import org.admm4j.nn.io.SafeTensorsFile;
import org.admm4j.nn.io.Tensor;
import org.admm4j.nn.optim.Optimizer;

/**
 * The resumable state of a pruning run, in {@code DIR/checkpoint/}: {@code checkpoint-NNNNNN.safetensors}
 * (the model's tensors as {@code w/<name>}, Z and U as {@code z/<layer>}, {@code u/<layer>}, retraining
 * masks as {@code mask/<layer>}, a later stage's previous supports as {@code support/<layer>},
 * optimizer state as {@code opt/<key>}, a runner's own tensors such as a Spark run's per-partition state) and
 * {@code state.json} (phase, next epoch or iteration, optimizer steps taken, the configuration, the records so
 * far, a runner's own state, and the tensor file's name). The tensor file is written first under a new name,
 * then state.json is replaced atomically, then older tensor files are deleted: a kill at any moment leaves one
 * consistent checkpoint.
 */
public final class Checkpoint {

  /** Name of the state file. */
  public static final String STATE_FILE = "state.json";
  static final String FORMAT = "admm4j-checkpoint-1";
  /** Prefix of a later stage's previous supports ({@code support/<layer>}). */
  static final String SUPPORT = "support/";
  /** The tensor files {@link #save} writes. */
  private static final Pattern TENSOR_FILE = Pattern.compile("checkpoint-[0-9]{1,19}\\.safetensors");

  private final Path dir;
  private long sequence;
  private String lastTensorFile;

  public Checkpoint(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /** Whether a state file exists. */
  public boolean exists() {
    return Files.isRegularFile(dir.resolve(STATE_FILE));
  }

  /** A checkpoint read back: the run's state and the tensors saved with it. */
  public record Saved(RunState state, SafeTensorsFile tensors) {}

  /**
   * Saves a checkpoint.
   *
   * @param layers Z, U (during ADMM) and masks (during retraining) of the pruned layers
   * @param optimizer the optimizer of the current phase, or null
   */
  public void save(RunState state, Model model, Iterable<PrunedLayer> layers, boolean withZu, Optimizer optimizer)
      throws IOException {
    save(state, model, layers, withZu, optimizer, Map.of());
  }

  /**
   * Saves a checkpoint with a runner's own tensors beside the run's (the Spark module's per-partition state).
   *
   * @param extra tensors by name, none of them starting with a prefix this class writes ({@code w/}, {@code z/},
   *     {@code u/}, {@code mask/}, {@code support/}, {@code opt/})
   */
  public void save(RunState state, Model model, Iterable<PrunedLayer> layers, boolean withZu, Optimizer optimizer,
      Map<String, Tensor> extra) throws IOException {
    for (String name : extra.keySet()) {
      for (String prefix : new String[] {"w/", "z/", "u/", "mask/", SUPPORT, "opt/"}) {
        if (name.startsWith(prefix)) {
          throw new IllegalArgumentException("tensor " + name + ": the prefix " + prefix + " is the run's own");
        }
      }
    }
    Files.createDirectories(dir);
    sequence++;
    String tensorFile = String.format("checkpoint-%06d.safetensors", sequence);
    LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
    for (Parameter p : model.tensors()) {
      tensors.put("w/" + p.name(), new Tensor(p.shape(), p.data()));
    }
    for (PrunedLayer l : layers) {
      if (withZu) {
        tensors.put("z/" + l.name(), Tensor.of(l.z()));
        tensors.put("u/" + l.name(), Tensor.of(l.u()));
      }
      if (l.mask() != null) {
        tensors.put("mask/" + l.name(), Tensor.of(l.mask()));
      }
      if (l.support() != null) {
        tensors.put(SUPPORT + l.name(), Tensor.of(l.support()));
      }
    }
    if (optimizer != null) {
      for (Map.Entry<String, float[]> e : optimizer.state().entrySet()) {
        tensors.put("opt/" + e.getKey(), Tensor.of(e.getValue()));
      }
    }
    tensors.putAll(extra);
    // the weights are w/<name>: the spec records which network they belong to
    Map<String, String> meta = new java.util.LinkedHashMap<>();
    meta.put("format", FORMAT);
    meta.put(ModelMetadata.SPEC, model.spec().toJson());
    SafeTensors.write(dir.resolve(tensorFile), tensors, meta);
    writeState(state, tensorFile);
    removeUnreferenced();
  }

  /**
   * Deletes what a killed save left beside the checkpoint state.json names: tensor files it does not
   * name (written, then killed before state.json was replaced) and the fresh files of unfinished writes.
   */
  public void removeUnreferenced() throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "checkpoint-*.safetensors")) {
      for (Path p : old) {
        if (!p.getFileName().toString().equals(lastTensorFile)) {
          Files.deleteIfExists(p);
        }
      }
    }
    AtomicFile.removeLeftovers(dir);
  }

  /** Replaces state.json (after the tensors it names are written, or to mark the run done). */
  public void writeState(RunState state, String tensorFile) throws IOException {
    JsonObject o = RunStateJson.toJson(state);
    o.addProperty("format", FORMAT);
    o.addProperty("sequence", sequence);
    o.addProperty("tensors", tensorFile);
    JsonFiles.write(dir.resolve(STATE_FILE), o);
    lastTensorFile = tensorFile;
  }

  /** The tensor file of the last checkpoint written or read. */
  public String lastTensorFile() {
    return lastTensorFile;
  }

  /**
   * Reads the state file (and continues its sequence numbers).
   *
   * @throws IOException naming the folder when there is no checkpoint or it is not one of ours
   */
  public RunState readState() throws IOException {
    Path f = dir.resolve(STATE_FILE);
    JsonObject s;
    try {
      s = JsonFiles.read(f);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(f.toString(), null, "no checkpoint to resume (the run folder has no "
          + dir.getFileName() + "/" + STATE_FILE + ")");
    }
    StateFields fields = StateFields.of(s);
    try {
      if (!fields.has("format") || !FORMAT.equals(fields.string("format"))) {
        throw new IOException(f + " is not an admm4j checkpoint (expected \"format\": \"" + FORMAT + "\")");
      }
      long seq = fields.has("sequence") ? fields.longValue("sequence", 0, Integer.MAX_VALUE) : 0;
      String tensors = fields.has("tensors") ? fields.string("tensors") : null;
      if (tensors != null && !TENSOR_FILE.matcher(tensors).matches()) {
        // the name is resolved in the checkpoint folder, and every other tensor file there is deleted
        throw new IllegalArgumentException("tensors = \"" + (tensors.length() > 60 ? tensors.substring(0, 60) + "…"
            : tensors) + "\": expected the name of a "
            + "checkpoint-NNNNNN.safetensors file beside it");
      }
      RunState state = RunStateJson.fromJson(s);
      if (tensors == null && state.phase() != Phase.DONE) {
        throw new IllegalArgumentException("tensors is missing: a run that is not done names its tensor file");
      }
      sequence = seq;
      lastTensorFile = tensors;
      return state;
    } catch (IllegalArgumentException e) {
      // the message may quote the file's own keys and values (a layer pattern): one line whatever they hold
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new IOException(f + " is damaged: " + m.replaceAll("\\p{Cntrl}", "?"), e);
    }
  }

  /**
   * Reads the state and the tensors of the last checkpoint.
   *
   * @throws IOException naming the file when either is missing, damaged or not of a run
   */
  public Saved read() throws IOException {
    RunState state = readState();
    if (lastTensorFile == null) {
      throw new IOException(dir.resolve(STATE_FILE) + ": the run is done; its checkpoint keeps no tensors to resume");
    }
    return new Saved(state, SafeTensors.read(dir.resolve(lastTensorFile)));
  }

  /** Copies the {@code w/...} tensors of {@code f} into the model (names and sizes checked). */
  public static void loadModel(SafeTensorsFile f, Model model) throws IOException {
    for (Parameter p : model.tensors()) {
      copy(f, "w/" + p.name(), p.data());
    }
  }

  /** Copies tensor {@code name} of {@code f} into {@code into}. */
  public static void copy(SafeTensorsFile f, String name, float[] into) throws IOException {
    Tensor t = f.tensors().get(name);
    if (t == null) {
      throw new IOException(f.file() + ": the checkpoint has no tensor '" + name + "'");
    }
    if (t.data().length != into.length) {
      throw new IOException(f.file() + ": tensor '" + name + "' holds " + t.data().length + " values, expected "
          + into.length);
    }
    System.arraycopy(t.data(), 0, into, 0, into.length);
  }

  /** The masks ({@code mask/<layer>} tensors) of {@code f} for {@code layers}, in their order: a run resumed in retraining. */
  public static java.util.List<float[]> masks(SafeTensorsFile f, java.util.List<PrunedLayer> layers) throws IOException {
    java.util.List<float[]> masks = new java.util.ArrayList<>();
    for (PrunedLayer l : layers) {
      float[] m = new float[l.size()];
      copy(f, "mask/" + l.name(), m);
      masks.add(m);
    }
    return masks;
  }

  /** The optimizer state ({@code opt/...} tensors) of {@code f}. */
  public static Map<String, float[]> optimizerState(SafeTensorsFile f) {
    Map<String, float[]> m = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : f.tensors().entrySet()) {
      if (e.getKey().startsWith("opt/")) {
        m.put(e.getKey().substring(4), e.getValue().data());
      }
    }
    return m;
  }
}
