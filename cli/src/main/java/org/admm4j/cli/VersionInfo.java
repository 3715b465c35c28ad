package org.admm4j.cli;

import org.admm4j.admm.AdmmVersion;
import picocli.CommandLine.IVersionProvider;

/** The version lines of {@code admm4j --version}, and the JDK string the CLI prints. */
public final class VersionInfo implements IVersionProvider {

  @Override
  public String[] getVersion() {
    return new String[] {"admm4j " + version(), "JDK " + jdk()};
  }

  /** This build's version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    return AdmmVersion.get();
  }

  /** The running JDK, e.g. {@code 17.0.15 (Debian, OpenJDK 64-Bit Server VM)}. */
  public static String jdk() {
    return System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
        + System.getProperty("java.vm.name") + ")";
  }
}
