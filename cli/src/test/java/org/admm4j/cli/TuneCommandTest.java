package org.admm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.admm4j.kernels.Kernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TuneCommandTest {

  @TempDir
  Path dir;

  @Test
  void tuneWritesTheChoiceForThisMachine() throws Exception {
    assumeTrue(Kernels.vectorBitSize() > 0, "the plain-Java kernels have nothing to tune");
    String before = System.getProperty("admm4j.tuning.dir");
    System.setProperty("admm4j.tuning.dir", dir.toString());
    try {
      MainTest.Run r = MainTest.run("tune", "--rounds", "1");
      assertEquals(0, r.code(), r.err() + r.out());
      assertTrue(r.out().contains("<- chosen"), r.out());
      try (var files = Files.list(dir)) {
        Path f = files.findFirst().orElseThrow();
        String text = Files.readString(f);
        assertTrue(text.contains("kc=") && text.contains("mc=") && text.contains("geomean"), text);
      }
    } finally {
      if (before == null) {
        System.clearProperty("admm4j.tuning.dir");
      } else {
        System.setProperty("admm4j.tuning.dir", before);
      }
    }
    MainTest.Run bad = MainTest.run("tune", "--rounds", "0");
    assertEquals(Main.EXIT_USAGE, bad.code(), bad.err());
  }
}
