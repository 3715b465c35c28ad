package org.admm4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.admm4j.admm.config.ConfigException;
import org.admm4j.admm.pipeline.RunException;
import org.admm4j.datasets.DatasetException;
import org.admm4j.nn.io.FileWriteException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code admm4j} command line. Exit codes: 0 success, 1 the run failed (a one-line message says why),
 * 2 bad usage. No stack traces unless the environment variable {@code ADMM4J_DEBUG} is set.
 */
@Command(name = "admm4j", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
    description = "Systematic DNN weight pruning with ADMM, in pure Java.",
    subcommands = {PruneCommand.class, TrainCommand.class, EvalCommand.class, ExportCommand.class, InfoCommand.class, TuneCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

  /** Exit code of a run that failed for a reason its message gives. */
  public static final int EXIT_FAILED = 1;
  /** Exit code of a command line picocli rejects. */
  public static final int EXIT_USAGE = 2;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("admm4j: missing command; try 'admm4j prune' or 'admm4j --help'");
    spec.commandLine().usage(spec.commandLine().getErr());
    return EXIT_USAGE;
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int code = execute(out, err, args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs the command line {@code args}, printing to {@code out} and {@code err}; returns the exit code. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    return execute(FileSystems.getDefault(), out, err, args);
  }

  /**
   * As {@link #execute(PrintWriter, PrintWriter, String...)}, with every path option read as a path of
   * {@code fs}: a test hands in a file system that injects faults (a full disk, a read-only folder).
   */
  public static int execute(FileSystem fs, PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.registerConverter(Path.class, fs::getPath);
    cl.registerConverter(RunFolderOption.class, text -> RunFolderOption.parse(text, fs));
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler((ex, arguments) -> {
      CommandLine c = ex.getCommandLine();
      c.getErr().println("admm4j: " + ex.getMessage());
      c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for the options.");
      c.getErr().flush();
      return EXIT_USAGE;
    });
    cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
      c.getErr().println("admm4j: " + describe(ex));
      if (System.getenv("ADMM4J_DEBUG") != null) {
        ex.printStackTrace(c.getErr());
      }
      c.getErr().flush();
      return EXIT_FAILED;
    });
    return cl.execute(args);
  }

  /** One line for a failure: the message of an expected error, the type and message of a bug. */
  static String describe(Throwable ex) {
    if (ex instanceof FileSystemException f) {
      return describe(f);
    }
    if (ex instanceof FileWriteException) {
      return ex.getMessage(); // the file and the reason already
    }
    if (ex instanceof ConfigException || ex instanceof DatasetException || ex instanceof RunException
        || ex instanceof IOException || ex instanceof org.admm4j.nn.spec.SpecException) {
      String m = ex.getMessage();
      return ex instanceof IOException ? "I/O error: " + m : m;
    }
    if (ex instanceof OutOfMemoryError) {
      return "out of memory; give the JVM more heap, e.g. ADMM4J_JAVA_OPTS=-Xmx4g";
    }
    return "unexpected error " + ex.getClass().getSimpleName() + ": " + ex.getMessage()
        + " (set ADMM4J_DEBUG=1 for the stack trace)";
  }

  /** A file-system failure as "cannot access FILE: reason", the reason in words where the JDK gives none. */
  private static String describe(FileSystemException f) {
    String reason = f.getReason();
    if (reason == null) {
      reason = f instanceof NoSuchFileException ? "no such file or folder"
          : f instanceof AccessDeniedException ? "permission denied"
          : f instanceof FileAlreadyExistsException ? "already exists"
          : f instanceof NotDirectoryException ? "not a folder" : f.getClass().getSimpleName();
    }
    return "cannot access " + f.getFile() + (f.getOtherFile() != null ? " (to " + f.getOtherFile() + ")" : "")
        + ": " + reason;
  }
}
