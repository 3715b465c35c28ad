package org.admm4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PruneYourNetworkTest {

  @Test
  void prunesTheNetworkInCodeAndLearnsTheData() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      PruneYourNetwork.main(new String[] {"256"});
    } finally {
      System.setOut(old);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("ADMM 6:"), text);
    Matcher m = Pattern.compile("([0-9.]+)x fewer weights, test accuracy ([0-9.]+)% dense, ([0-9.]+)% pruned")
        .matcher(text);
    assertTrue(m.find(), text);
    assertTrue(Double.parseDouble(m.group(1)) > 3.5, text);
    // four classes: chance is 25%
    assertTrue(Double.parseDouble(m.group(3)) > 60, text);
  }
}
