package dev.sinkscope.app.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import java.util.logging.FileHandler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The application log a user can attach to a bug report: every uncaught exception, on any thread
 * (the JavaFX thread included, which hands event-handler failures to the thread's handler), is
 * written with its stack trace to {@code sinkscope-0.log} in {@link #directory()}, and the user is
 * told in one line. java.util.logging's rotating file handler keeps at most three files of 1 MB.
 */
public final class CrashLog {
  private static final Logger LOG = Logger.getLogger("dev.sinkscope");
  private static final int FILE_LIMIT_BYTES = 1 << 20;
  private static final int FILE_COUNT = 3;
  private static FileHandler handler;

  private CrashLog() {}

  /**
   * {@code -Dsinkscope.log.dir}, else {@code $XDG_CACHE_HOME/sinkscope/logs}, else {@code
   * ~/.cache/sinkscope/logs}.
   */
  public static Path directory() {
    String configured = System.getProperty("sinkscope.log.dir");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path cache =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return cache.resolve("sinkscope").resolve("logs");
  }

  /** The file the newest entries go to. */
  public static Path currentFile() {
    return directory().resolve("sinkscope-0.log");
  }

  /**
   * Routes uncaught exceptions to the log and to {@code notifyUser} (called on the failing thread
   * with one line that names the log file, and the exception). Safe to call more than once; a log
   * that cannot be opened (read-only home) leaves the notification working.
   */
  public static synchronized void install(BiConsumer<String, Throwable> notifyUser) {
    openFile();
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, error) -> {
          record(thread, error);
          try {
            notifyUser.accept(oneLine(thread, error), error);
          } catch (RuntimeException ignored) {
            // Telling the user failed too (e.g. the toolkit is gone); the log has it.
          }
        });
  }

  /** Writes {@code error} with its stack trace to the log (and to stderr). */
  public static void record(Thread thread, Throwable error) {
    LogRecord entry =
        new LogRecord(Level.SEVERE, "Uncaught exception on thread " + thread.getName());
    entry.setThrown(error);
    entry.setLoggerName(LOG.getName());
    LOG.log(entry);
    FileHandler file = handler;
    if (file != null) {
      file.flush();
    }
  }

  /** What the user reads: what failed, and where the details are. */
  static String oneLine(Thread thread, Throwable error) {
    String what =
        error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    return "Unexpected error ("
        + what
        + "). The details are in "
        + currentFile()
        + "; please attach that file to a bug report.";
  }

  private static void openFile() {
    if (handler != null) {
      return;
    }
    try {
      Files.createDirectories(directory());
      String pattern =
          directory()
              .resolve("sinkscope-%g.log")
              .toString()
              .replace("%", "%%")
              .replace("%%g", "%g");
      FileHandler file = new FileHandler(pattern, FILE_LIMIT_BYTES, FILE_COUNT, true);
      file.setFormatter(new SimpleFormatter());
      LOG.addHandler(file);
      handler = file;
    } catch (IOException | SecurityException e) {
      System.err.println(
          "sinkscope: cannot write the log in " + directory() + ": " + e.getMessage());
    }
  }
}
