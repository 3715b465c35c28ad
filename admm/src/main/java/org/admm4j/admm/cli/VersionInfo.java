package org.admm4j.admm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version lines of {@code admm4j --version}, and the version and JDK strings reports record. */
public final class VersionInfo implements IVersionProvider {

  @Override
  public String[] getVersion() {
    return new String[] {"admm4j " + version(), "JDK " + jdk()};
  }

  /** This build's version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    try (InputStream in = VersionInfo.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version");
        if (v != null && !v.startsWith("$")) {
          return v;
        }
      }
    } catch (IOException e) {
      // fall through: the version is informative only
    }
    return "unknown";
  }

  /** The running JDK, e.g. {@code 17.0.15 (Debian, OpenJDK 64-Bit Server VM)}. */
  public static String jdk() {
    return System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
        + System.getProperty("java.vm.name") + ")";
  }
}
