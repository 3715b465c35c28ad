package org.admm4j.nn.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.admm4j.nn.Model;
import org.admm4j.nn.Parameter;
import org.junit.jupiter.api.Test;

class ModelSpecTest {

  private static ModelSpec spec(String input, int classes, String layers) {
    return SpecReader.parse("{\"name\": \"t\", \"input\": " + input + ", \"classes\": " + classes + ", \"layers\": ["
        + layers + "]}", "test");
  }

  private static long weights(Model m) {
    long n = 0;
    for (Parameter p : m.weights()) {
      n += p.size();
    }
    return n;
  }

  @Test
  void buildWithAWeightBudgetTakesExactlyTheWeightsItNeeds() {
    // conv 3x2x3x3 = 54, then 3x3x3 = 27 features into a linear of 2: 54 more
    ModelSpec s = spec("[2, 5, 5]", 2, "{\"type\": \"conv2d\", \"name\": \"c\", \"out_channels\": 3, \"kernel\": 3},"
        + " {\"type\": \"flatten\"}, {\"type\": \"linear\", \"name\": \"fc\", \"out_features\": 2}");
    assertEquals(108, weights(s.build(0, 108)));
    SpecException e = assertThrows(SpecException.class, () -> s.build(0, 107));
    assertTrue(e.getMessage().contains("layers[2] (linear 'fc')") && e.getMessage().contains("107"), e.getMessage());
    e = assertThrows(SpecException.class, () -> s.build(0, 53));
    assertTrue(e.getMessage().contains("layers[0] (conv2d 'c')"), e.getMessage());
  }

  @Test
  void aSpecOverItsBudgetIsRefusedBeforeItsLayersAllocate() {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    // 16384 x 16384 floats (1 GiB, twice with the gradient) and 2^20 x 2^20 x 2^20 x 2^20 (overflows a long)
    ModelSpec linear = spec("[16384]", 16384, "{\"type\": \"linear\", \"name\": \"fc\", \"out_features\": 16384}");
    ModelSpec conv = spec("[1048576, 1048576, 1048576]", 2, "{\"type\": \"conv2d\", \"name\": \"c\", "
        + "\"out_channels\": 1048576, \"kernel\": 1048576}, {\"type\": \"flatten\"}, "
        + "{\"type\": \"linear\", \"name\": \"fc\", \"out_features\": 2}");
    for (ModelSpec s : new ModelSpec[] {linear, conv}) {
      long before = threads.getThreadAllocatedBytes(tid);
      assertThrows(SpecException.class, () -> s.build(0, 1000));
      long allocated = threads.getThreadAllocatedBytes(tid) - before;
      assertTrue(allocated < 1 << 20, allocated + " bytes allocated");
    }
  }
}
