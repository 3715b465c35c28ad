package org.admm4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.compact.CompactModels;
import org.admm4j.nn.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ExportCommandTest {

  @TempDir
  Path dir;

  private int run(StringWriter out, StringWriter err, String... args) {
    CommandLine cl = new CommandLine(new ExportCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    cl.setExecutionExceptionHandler((ex, c, r) -> {
      c.getErr().println(ex.getMessage());
      return 1;
    });
    return cl.execute(args);
  }

  @Test
  void convertsARunFolderAndRefusesToOverwrite() throws Exception {
    Model model = Models.create("lenet5", 5);
    Random random = new Random(345);
    for (Parameter p : model.parameters()) {
      if (p.isWeight()) {
        for (int i = 0; i < p.size(); i++) {
          if (random.nextDouble() > 0.025) {
            p.data()[i] = 0f;
          }
        }
      }
    }
    SafeTensors.saveModel(model, dir.resolve("model.safetensors"), Map.of());
    StringWriter out = new StringWriter(), err = new StringWriter();
    assertEquals(0, run(out, err, "--model", dir.toString()), err.toString());
    Path compact = dir.resolve("model.a4jc");
    assertTrue(Files.size(compact) * 25 <= Files.size(dir.resolve("model.safetensors")));
    Model back = Models.create("lenet5", 9);
    CompactModels.loadModel(back, compact);
    // the same floats but for the units no later weight reads, which are zeros; the same logits
    var expected = org.admm4j.nn.surgery.UnreadUnits.zero(model.spec(),
        org.admm4j.nn.io.ModelTensors.of(model)).tensors();
    for (Parameter p : model.tensors()) {
      assertArrayEquals(expected.get(p.name()).data(), back.parameter(p.name()).data(), p.name());
    }
    float[] x = new float[3 * 784];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(0.3 * i);
    }
    assertArrayEquals(model.predictLogits(x, 3), back.predictLogits(x, 3));
    assertTrue(out.toString().contains("smaller") && out.toString().contains("units no weight reads"), out.toString());

    StringWriter err2 = new StringWriter();
    assertEquals(1, run(new StringWriter(), err2, "--model", dir.toString()));
    assertTrue(err2.toString().contains("pass --force"), err2.toString());
    assertEquals(0, run(new StringWriter(), new StringWriter(), "--model", dir.toString(), "--force"));
  }

  @Test
  void biasBitsRoundTheBiasesAndAreChecked() throws Exception {
    Model model = Models.create("lenet-300-100", 2);
    SafeTensors.saveModel(model, dir.resolve("model.safetensors"), Map.of());
    StringWriter err = new StringWriter();
    assertEquals(2, run(new StringWriter(), err, "--model", dir.toString(), "--bias-bits", "1"));
    assertTrue(err.toString().contains("--bias-bits") && err.toString().contains("not 1"), err.toString());
    StringWriter out = new StringWriter();
    assertEquals(0, run(out, new StringWriter(), "--model", dir.toString(), "--bias-bits", "8"));
    assertTrue(out.toString().contains("8-bit fixed point"), out.toString());
    Model back = Models.create("lenet-300-100", 9);
    CompactModels.loadModel(back, dir.resolve("model.a4jc"));
    float[] exact = model.parameter("fc1.bias").data(), rounded = back.parameter("fc1.bias").data();
    float max = 0f;
    boolean changed = false;
    for (int i = 0; i < exact.length; i++) {
      max = Math.max(max, Math.abs(exact[i]));
      changed |= exact[i] != rounded[i];
    }
    assertTrue(changed, "8-bit biases differ from float32 ones");
    for (int i = 0; i < exact.length; i++) {
      assertTrue(Math.abs(exact[i] - rounded[i]) <= max / 127, i + ": " + exact[i] + " vs " + rounded[i]);
    }
  }

  @Test
  void aMissingInputIsNamed() {
    StringWriter err = new StringWriter();
    assertEquals(1, run(new StringWriter(), err, "--model", dir.resolve("none").toString()));
    assertTrue(err.toString().contains("no such file"), err.toString());
  }
}
