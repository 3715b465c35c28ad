package org.admm4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's Java examples are copies of the lines between {@code // README:start} and
 * {@code // README:end} in the example sources: each block in the README follows a line
 * {@code <!-- example: examples/src/main/java/.../X.java -->}, and every example source has one.
 */
class ReadmeExamplesTest {

  private static final Pattern MARKER = Pattern.compile("<!-- example: (\\S+) -->\\s*\\n```java\\n(.*?)```",
      Pattern.DOTALL);

  static Path root() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isRegularFile(p.resolve("examples/pom.xml"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  /** The marked lines of an example source, dedented by their common indentation. */
  static String excerpt(Path source) throws IOException {
    List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
    int start = -1, end = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals("// README:start")) {
        start = i + 1;
      } else if (lines.get(i).strip().equals("// README:end")) {
        end = i;
      }
    }
    assertTrue(start >= 0 && end > start, source + " has no // README:start ... // README:end region");
    List<String> region = new ArrayList<>(lines.subList(start, end));
    int indent = region.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
        .min().orElse(0);
    StringBuilder sb = new StringBuilder();
    for (String l : region) {
      sb.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
    }
    return sb.toString();
  }

  @Test
  void readmeBlocksMatchTheCompiledExamples() throws IOException {
    Path root = root();
    String readme = Files.readString(root.resolve("README.md"), StandardCharsets.UTF_8);
    Matcher m = MARKER.matcher(readme);
    List<String> shown = new ArrayList<>();
    while (m.find()) {
      Path source = root.resolve(m.group(1));
      assertTrue(Files.isRegularFile(source), "README names " + m.group(1) + ", which does not exist");
      assertEquals(excerpt(source), m.group(2), "README's copy of " + m.group(1) + " differs from the source");
      shown.add(m.group(1));
    }
    try (var files = Files.list(root.resolve("examples/src/main/java/org/admm4j/examples"))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String rel = root.relativize(f).toString().replace('\\', '/');
        assertTrue(shown.contains(rel), "README shows no copy of " + rel);
      }
    }
    assertFalse(shown.isEmpty(), "README shows no example");
  }
}
