package org.admm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvalCommandTest {

  @TempDir
  Path dir;

  @Test
  void writesEveryFieldForAPrunedRun() throws Exception {
    Model model = Models.create("lenet5", 3);
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
    Path json = dir.resolve("eval.json");
    StringWriter out = new StringWriter(), err = new StringWriter();
    CommandLine cl = new CommandLine(new EvalCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("--model", dir.toString(), "--json", json.toString(), "--dataset", "synthetic",
        "--seconds", "0.2", "--threads", "2");
    assertEquals(0, code, err.toString());
    JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    for (String field : new String[] {"accuracy", "dense_latency_ms", "sparse_latency_ms",
        "dense_images_per_second", "sparse_images_per_second", "compact_bytes", "dense_bytes"}) {
      assertTrue(o.has(field), "missing " + field + " in " + o);
    }
    double accuracy = o.get("accuracy").getAsDouble();
    assertTrue(accuracy >= 0 && accuracy <= 100, "accuracy " + accuracy);
    assertTrue(o.get("sparse_latency_ms").getAsDouble() > 0 && o.get("dense_images_per_second").getAsDouble() > 0);
    assertTrue(o.get("same_predictions").getAsInt() >= 0.99 * o.get("test_images").getAsInt(), o.toString());
    long dense = o.get("dense_bytes").getAsLong(), compact = o.get("compact_bytes").getAsLong();
    assertTrue(dense >= 4L * 431_080, "dense " + dense);
    assertTrue(compact * 25 <= dense, "compact " + compact + " vs dense " + dense);
    assertTrue(out.toString().contains("sparse path"), out.toString());
  }

  @Test
  void aMissingModelIsOneClearLine() {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new EvalCommand());
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setExecutionExceptionHandler((ex, c, r) -> {
      c.getErr().println(ex.getMessage());
      return 1;
    });
    assertEquals(1, cl.execute("--model", dir.resolve("nothing").toString()));
    assertTrue(err.toString().contains("no such folder or file"), err.toString());
  }
}
