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
    for (Parameter p : model.tensors()) {
      assertArrayEquals(p.data(), back.parameter(p.name()).data(), p.name());
    }
    assertTrue(out.toString().contains("smaller"), out.toString());

    StringWriter err2 = new StringWriter();
    assertEquals(1, run(new StringWriter(), err2, "--model", dir.toString()));
    assertTrue(err2.toString().contains("pass --force"), err2.toString());
    assertEquals(0, run(new StringWriter(), new StringWriter(), "--model", dir.toString(), "--force"));
  }

  @Test
  void aMissingInputIsNamed() {
    StringWriter err = new StringWriter();
    assertEquals(1, run(new StringWriter(), err, "--model", dir.resolve("none").toString()));
    assertTrue(err.toString().contains("no such file"), err.toString());
  }
}
