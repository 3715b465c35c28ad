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
import org.admm4j.nn.compact.CompactModelWriter;
import org.admm4j.nn.files.ModelFiles;
import org.admm4j.nn.files.StoredModel;
import org.admm4j.nn.io.ModelMetadata;
import org.admm4j.nn.io.SafeTensors;
import org.admm4j.nn.io.SafeTensorsFile;
import org.admm4j.nn.io.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code admm4j export}: converts a run's {@code model.safetensors} into the compact format (values plus
 * one-byte relative indices, CRC-checked), then reads it back and checks every float.
 */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Convert a pruned model.safetensors into the compact format (model.a4jc).")
final class ExportCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "A run folder holding model.safetensors, or a .safetensors file.")
  Path model;

  @Option(names = "--out", paramLabel = "FILE", description = "The compact file (default: model.a4jc beside the input).")
  Path out;

  @Option(names = "--force", description = "Replace an existing output file.")
  boolean force;

  @Override
  public Integer call() throws IOException {
    Path in = Files.isDirectory(model) ? model.resolve("model.safetensors") : model;
    if (!Files.isRegularFile(in)) {
      throw new IOException(in + ": no such file");
    }
    Path target = out != null ? out : in.toAbsolutePath().getParent().resolve("model.a4jc");
    if (Files.exists(target) && !force) {
      throw new IOException(target + " exists; pass --force to replace it");
    }
    SafeTensorsFile f = SafeTensors.read(in);
    LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>(f.tensors());
    Map<String, String> metadata = new LinkedHashMap<>(f.metadata());
    // the compact file must rebuild its network alone: check the tensors fit, and record the spec of a
    // file that names a built-in model only
    StoredModel stored = ModelFiles.read(in);
    metadata.putIfAbsent(ModelMetadata.SPEC, stored.model().spec().toJson());
    CompactModelWriter.write(target, tensors, metadata);

    // read back: the export must give the same floats, bit for bit
    CompactModel back = CompactModelReader.read(target);
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      Tensor t = back.tensors().get(e.getKey());
      if (t == null || !Arrays.equals(t.shape(), e.getValue().shape())
          || !Arrays.equals(t.data(), e.getValue().data())) {
        throw new IOException(target + ": tensor '" + e.getKey() + "' does not read back as written");
      }
    }
    long dense = Files.size(in), compact = Files.size(target);
    PrintWriter pw = spec.commandLine().getOut();
    pw.printf(Locale.ROOT, "wrote %s: %,d bytes, %.1f× smaller than %s (%,d bytes); %d tensors read back exactly%n",
        target, compact, (double) dense / compact, in, dense, tensors.size());
    pw.flush();
    return 0;
  }
}
