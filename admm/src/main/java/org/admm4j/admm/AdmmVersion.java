package org.admm4j.admm;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** This build's version (from the {@code version.properties} Maven fills in), for reports and {@code --version}. */
public final class AdmmVersion {

  private AdmmVersion() {}

  /** E.g. {@code 0.1.0-SNAPSHOT}; {@code unknown} when the resource is missing. */
  public static String get() {
    try (InputStream in = AdmmVersion.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version");
        if (v != null && !v.startsWith("$")) {
          return v;
        }
      }
    } catch (IOException e) {
      // the version is informative only
    }
    return "unknown";
  }
}
