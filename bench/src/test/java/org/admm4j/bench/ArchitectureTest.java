package org.admm4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Enforces the dependency rules of docs/ARCHITECTURE.md on the sources of every module, main and test:
 * the Vector API and the kernels' internal package stay in kernels, datasets and kernels stand alone,
 * nn never reaches up, admm holds no user-interface library, and nothing but bench sees bench.
 *
 * <p>bench sees every module (it may import {@code org.admm4j.kernels.internal} for A/B runs of the two
 * implementation sets). A module directory that does not exist is skipped.
 */
class ArchitectureTest {

  /** Every module, in dependency order; missing directories are skipped. */
  static final List<String> MODULES = List.of("kernels", "datasets", "nn", "onnx", "admm", "spark", "cli", "bench",
      "examples");

  private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(?:static\\s+)?([\\w.]+)\\s*(?:\\.\\s*\\*)?\\s*;");

  @Test
  void noModuleImportsAcrossAForbiddenArrow() throws IOException {
    Path root = repositoryRoot();
    List<String> violations = new ArrayList<>();
    int scanned = 0;
    for (String module : MODULES) {
      Path src = root.resolve(module).resolve("src");
      if (!Files.isDirectory(src)) {
        continue;
      }
      List<Path> files;
      try (Stream<Path> walk = Files.walk(src)) {
        files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
      }
      for (Path file : files) {
        String relative = root.relativize(file).toString().replace('\\', '/');
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        violations.addAll(violations(module, relative, lines));
        scanned++;
      }
    }
    assertTrue(scanned > 100, "only " + scanned + " source files found under " + root + ": wrong root?");
    if (!violations.isEmpty()) {
      fail(violations.size() + " forbidden import(s) (docs/ARCHITECTURE.md):\n" + String.join("\n", violations));
    }
  }

  @Test
  void everyRuleCatchesItsImport() {
    String[][] bad = {
      {"nn", "import jdk.incubator.vector.FloatVector;"},
      {"bench", "import jdk.incubator.vector.FloatVector;"},
      {"admm", "import org.admm4j.kernels.internal.KernelProvider;"},
      {"datasets", "import org.admm4j.nn.Model;"},
      {"datasets", "import static org.admm4j.kernels.Blas.gemm;"},
      {"kernels", "import org.admm4j.datasets.IdxReader;"},
      {"kernels", "import org.admm4j.nn.*;"},
      {"nn", "import org.admm4j.admm.AdmmSolver;"},
      {"nn", "import org.admm4j.cli.Main;"},
      {"admm", "import org.admm4j.cli.Main;"},
      {"admm", "import picocli.CommandLine;"},
      {"admm", "import org.jline.terminal.Terminal;"},
      {"admm", "import me.tongfei.progressbar.ProgressBar;"},
      {"nn", "import picocli.CommandLine;"},
      {"cli", "import org.admm4j.bench.SgemmBench;"},
      {"nn", "import org.admm4j.datasets.Dataset;"},
      {"cli", "import org.admm4j.examples.ServeModel;"},
      {"nn", "import org.admm4j.onnx.OnnxImporter;"},
      {"admm", "import org.admm4j.onnx.OnnxImporter;"},
      {"onnx", "import org.admm4j.admm.AdmmSolver;"},
      {"onnx", "import org.admm4j.datasets.Dataset;"},
      {"onnx", "import picocli.CommandLine;"},
      {"admm", "import org.apache.spark.SparkConf;"},
      {"cli", "import org.apache.spark.api.java.JavaSparkContext;"},
      {"nn", "import org.apache.hadoop.fs.FileSystem;"},
      {"admm", "import scala.Tuple2;"},
      {"nn", "import org.admm4j.spark.ConsensusAdmm;"},
      {"admm", "import org.admm4j.spark.SparkPruneRun;"},
      {"spark", "import picocli.CommandLine;"},
      {"spark", "import org.admm4j.cli.Main;"},
    };
    for (String[] c : bad) {
      List<String> found = violations(c[0], c[0] + "/src/main/java/X.java", List.of("package x;", c[1]));
      assertEquals(1, found.size(), () -> c[0] + ": " + c[1] + " not caught");
      assertTrue(found.get(0).startsWith(c[0] + "/src/main/java/X.java:2: "), found.get(0));
    }
    String[][] good = {
      {"kernels", "import jdk.incubator.vector.FloatVector;"},
      {"bench", "import org.admm4j.kernels.internal.KernelProvider;"},
      {"bench", "import org.admm4j.cli.Main;"},
      {"nn", "import org.admm4j.kernels.Blas;"},
      {"admm", "import org.admm4j.datasets.IdxReader;"},
      {"cli", "import picocli.CommandLine;"},
      {"datasets", "import org.admm4j.datasets.IdxReader;"},
      {"onnx", "import org.admm4j.nn.Model;"},
      {"cli", "import org.admm4j.onnx.OnnxImporter;"},
      {"examples", "import org.admm4j.onnx.OnnxExporter;"},
      {"spark", "import org.apache.spark.SparkConf;"},
      {"spark", "import org.apache.hadoop.fs.FileSystem;"},
      {"spark", "import org.admm4j.admm.AdmmSolver;"},
      {"cli", "import org.admm4j.spark.SparkPrune;"},
    };
    for (String[] c : good) {
      assertEquals(List.of(), violations(c[0], c[0] + "/src/main/java/X.java", List.of(c[1])), c[1]);
    }
  }

  /** The forbidden imports of one file, each as {@code path:line: import — rule}. */
  static List<String> violations(String module, String path, List<String> lines) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = IMPORT.matcher(lines.get(i));
      if (!m.find()) {
        continue;
      }
      String imported = m.group(1);
      String rule = rule(module, imported);
      if (rule != null) {
        out.add(path + ":" + (i + 1) + ": import " + imported + " — " + rule);
      }
    }
    return out;
  }

  private static String rule(String module, String imported) {
    if (!module.equals("kernels") && within(imported, "jdk.incubator.vector")) {
      return "the Vector API stays inside kernels";
    }
    if (!module.equals("kernels") && !module.equals("bench") && within(imported, "org.admm4j.kernels.internal")) {
      return "call the kernels' public facades, not org.admm4j.kernels.internal";
    }
    if (!module.equals("bench") && within(imported, "org.admm4j.bench")) {
      return "nothing depends on bench";
    }
    if (!module.equals("cli") && !module.equals("bench") && within(imported, "org.admm4j.cli")) {
      return "nothing but bench depends on cli";
    }
    if (!module.equals("examples") && within(imported, "org.admm4j.examples")) {
      return "nothing depends on examples";
    }
    if (!List.of("onnx", "cli", "bench", "examples").contains(module) && within(imported, "org.admm4j.onnx")) {
      return "only cli, bench and examples use onnx";
    }
    if (!module.equals("spark") && (within(imported, "org.apache.spark") || within(imported, "org.apache.hadoop")
        || within(imported, "scala"))) {
      return "only spark uses Spark, Hadoop and Scala (provided by the cluster)";
    }
    if (!List.of("spark", "cli", "bench", "examples").contains(module) && within(imported, "org.admm4j.spark")) {
      return "only cli, bench and examples use spark";
    }
    switch (module) {
      case "kernels":
        for (String up : List.of("nn", "admm", "cli", "datasets", "bench")) {
          if (within(imported, "org.admm4j." + up)) {
            return "kernels depends on no other module";
          }
        }
        return null;
      case "datasets":
        if (within(imported, "org.admm4j") && !within(imported, "org.admm4j.datasets")) {
          return "datasets depends on no other module";
        }
        return null;
      case "nn":
        if (within(imported, "org.admm4j.admm") || within(imported, "org.admm4j.datasets")) {
          return "nn depends on kernels only";
        }
        return uiLibrary(imported) ? "user-interface libraries belong to cli" : null;
      case "onnx":
        if (within(imported, "org.admm4j.admm") || within(imported, "org.admm4j.datasets")) {
          return "onnx depends on nn and kernels only";
        }
        return uiLibrary(imported) ? "user-interface libraries belong to cli" : null;
      case "admm":
      case "spark":
        return uiLibrary(imported) ? "user-interface libraries belong to cli" : null;
      default:
        return null;
    }
  }

  /** picocli, JLine and progressbar: the command line's libraries. */
  private static boolean uiLibrary(String imported) {
    return within(imported, "picocli") || within(imported, "org.jline") || within(imported, "me.tongfei");
  }

  /** Whether {@code name} is {@code pkg} or inside it (a whole-segment prefix, not a string prefix). */
  private static boolean within(String name, String pkg) {
    return name.equals(pkg) || name.startsWith(pkg + ".");
  }

  /** Walks up from the working directory to the pom.xml that lists the kernels module. */
  static Path repositoryRoot() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      Path pom = d.resolve("pom.xml");
      try {
        if (Files.isRegularFile(pom) && Files.readString(pom).contains("<module>kernels</module>")) {
          return d;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no pom.xml listing <module>kernels</module> above " + dir);
  }
}
