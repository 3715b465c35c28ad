package org.admm4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.admm4j.nn.compact.CompactModel;
import org.admm4j.nn.compact.CompactModelReader;
import org.admm4j.nn.compact.CompactExport;
import org.admm4j.nn.files.ModelFiles;
import org.admm4j.nn.io.ModelTensors;
import org.admm4j.onnx.OnnxExporter;
import org.admm4j.onnx.OnnxImporter;
import org.admm4j.onnx.OnnxModel;
import org.admm4j.nn.files.StoredModel;
import org.admm4j.nn.io.ModelMetadata;
import org.admm4j.nn.io.Tensor;
import org.admm4j.nn.spec.ModelSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code admm4j export}: converts a run's {@code model.safetensors} into the compact format through
 * {@code CompactExport} (units nothing reads stored as zeros, biases rounded only with {@code --bias-bits}),
 * then reads it back and checks every float against what was written.
 */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Convert a model into the compact format (model.a4jc, the default) or ONNX (model.onnx).")
final class ExportCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "A run folder holding model.safetensors, or a model file (.safetensors, .a4jc, .onnx).")
  Path model;

  /** The output formats. */
  enum Format {
    compact,
    onnx
  }

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "compact (model.a4jc, admm4j's pruned format) or onnx (model.onnx: IR 8, opset 13, for ONNX "
          + "Runtime and other peers); default ${DEFAULT-VALUE}.")
  Format format = Format.compact;

  @Option(names = "--out", paramLabel = "FILE",
      description = "The output file (default: model.a4jc or model.onnx beside the input).")
  Path out;

  @Option(names = "--force", description = "Replace an existing output file.")
  boolean force;

  @Option(names = "--bias-bits", paramLabel = "BITS",
      description = "Compact format: round the conv and linear biases to BITS-bit fixed point (2 to 24; error at "
          + "most max|bias| / (2^(BITS-1) - 1) per bias), for models whose weights are quantized; 0 (the default) "
          + "stores them exactly.")
  int biasBits;

  @Override
  public Integer call() throws IOException {
    Path in = Files.isDirectory(model) ? model.resolve("model.safetensors") : model;
    if (!Files.isRegularFile(in)) {
      throw new IOException(in + ": no such file");
    }
    Path target = out != null ? out
        : in.toAbsolutePath().getParent().resolve(format == Format.onnx ? "model.onnx" : "model.a4jc");
    if (Files.exists(target) && !force) {
      throw new IOException(target + " exists; pass --force to replace it");
    }
    if (format == Format.onnx) {
      return exportOnnx(in, target);
    }
    CompactExport.Options options;
    try {
      options = new CompactExport.Options(biasBits);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--bias-bits: " + e.getMessage());
    }
    if (ModelSource.isOnnx(in)) {
      StoredModel m = ModelSource.load(in);
      return writeCompact(in, target, m.model().spec(), ModelTensors.of(m.model()),
          ModelMetadata.of(m.model(), m.normalization(), Map.of("source", in.toString())), options);
    }
    // the compact file must rebuild its network alone: reading checks the tensors fit, and CompactExport records
    // the spec (or the zoo model's name when it is the zoo's)
    StoredModel stored = ModelFiles.read(in);
    return writeCompact(in, target, stored.model().spec(), ModelTensors.of(stored.model()), stored.metadata(),
        options);
  }

  /**
   * Writes {@code in}'s model as ONNX, then reads the file back through the importer: the same spec and
   * the same floats, bit for bit, or the export fails.
   */
  private int exportOnnx(Path in, Path target) throws IOException {
    StoredModel m = ModelSource.load(in);
    OnnxExporter.write(target, m.model(), m.normalization());
    OnnxModel back = OnnxImporter.read(target);
    if (!back.spec().equals(m.model().spec())) {
      throw new IOException(target + ": reads back as a different architecture: " + back.spec().toJson());
    }
    LinkedHashMap<String, Tensor> tensors = ModelTensors.of(m.model());
    check(target, tensors, back.tensors());
    long before = Files.size(in), after = Files.size(target);
    PrintWriter pw = spec.commandLine().getOut();
    pw.printf(Locale.ROOT, "wrote %s: ONNX IR %d, opset %d, %,d bytes (%s: %,d bytes); %d tensors read back exactly%s%n",
        target, OnnxExporter.IR_VERSION, OnnxExporter.OPSET, after, in, before, tensors.size(),
        m.normalization() == null ? "; no input normalisation recorded (the source has none)"
            : "; input normalisation " + m.normalization().toJson());
    pw.flush();
    return 0;
  }

  private static void check(Path target, Map<String, Tensor> written, Map<String, Tensor> read) throws IOException {
    for (Map.Entry<String, Tensor> e : written.entrySet()) {
      Tensor t = read.get(e.getKey());
      if (t == null || !Arrays.equals(t.shape(), e.getValue().shape())
          || !Arrays.equals(t.data(), e.getValue().data())) {
        throw new IOException(target + ": tensor '" + e.getKey() + "' does not read back as written");
      }
    }
  }

  private int writeCompact(Path in, Path target, ModelSpec architecture, LinkedHashMap<String, Tensor> tensors,
      Map<String, String> metadata, CompactExport.Options options) throws IOException {
    CompactExport.Written written = CompactExport.write(target, architecture, tensors, metadata, options);

    // read back: the export must give the floats it wrote, bit for bit
    CompactModel back = CompactModelReader.read(target);
    check(target, written.tensors(), back.tensors());
    long dense = Files.size(in), compact = Files.size(target);
    int zeroed = written.zeroedUnits().values().stream().mapToInt(Integer::intValue).sum();
    PrintWriter pw = spec.commandLine().getOut();
    pw.printf(Locale.ROOT, "wrote %s: %,d bytes, %.1f× smaller than %s (%,d bytes); %d tensors read back exactly; "
        + "%d units no weight reads stored as zeros%s%n", target, compact, (double) dense / compact, in, dense,
        tensors.size(), zeroed, options.biasBits() == 0 ? "" : "; biases rounded to " + options.biasBits()
        + "-bit fixed point");
    pw.flush();
    return 0;
  }
}
