package org.admm4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.admm4j.nn.InputNormalization;
import org.admm4j.nn.Model;
import org.admm4j.nn.Sequential;
import org.admm4j.nn.files.ModelFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeModelTest {

  @TempDir
  Path dir;

  @Test
  void servesAResidualNetworkFromItsFileAlone() throws Exception {
    Model net = Sequential.builder(3, 16, 16).name("tiny-resnet")
        .conv2d("conv1", 8, 3, 1, 1, false).batchNorm("bn1").relu()
        .residual("block1", b -> b.conv2d("conv1", 8, 3, 1, 1, false).batchNorm("bn1").relu()
            .conv2d("conv2", 8, 3, 1, 1, false).batchNorm("bn2"))
        .relu().globalAvgPool().flatten().linear("fc", 5)
        .build(1);
    Path file = dir.resolve("model.a4jc");
    ModelFiles.write(file, ModelFiles.Format.COMPACT, net,
        new InputNormalization(new float[] {0.5f, 0.4f, 0.3f}, new float[] {0.2f, 0.2f, 0.2f}), Map.of());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      ServeModel.main(new String[] {file.toString(), "3"});
    } finally {
      System.setOut(old);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.startsWith("tiny-resnet: predictions per class ["), text);
    int total = 0;
    for (String n : text.substring(text.indexOf('[') + 1, text.indexOf(']')).split(",\\s*")) {
      total += Integer.parseInt(n);
    }
    assertTrue(total == 64, text);
  }
}
