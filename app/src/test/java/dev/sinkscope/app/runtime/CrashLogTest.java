package dev.sinkscope.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrashLogTest {
  private Thread.UncaughtExceptionHandler previous;

  @AfterEach
  void restoreHandler() {
    Thread.setDefaultUncaughtExceptionHandler(previous);
    System.clearProperty("sinkscope.log.dir");
  }

  @Test
  void anUncaughtExceptionIsLoggedWithItsStackTraceAndTheUserGetsOneLineNamingTheLog(
      @TempDir Path dir) throws Exception {
    previous = Thread.getDefaultUncaughtExceptionHandler();
    System.setProperty("sinkscope.log.dir", dir.toString());
    List<String> told = new CopyOnWriteArrayList<>();
    CrashLog.install((line, error) -> told.add(line));

    Thread failing =
        new Thread(
            () -> {
              throw new IllegalStateException("planted failure 4711");
            },
            "crash-log-test");
    failing.start();
    failing.join();

    assertEquals(1, told.size());
    String line = told.get(0);
    assertTrue(line.contains("planted failure 4711"), line);
    assertTrue(line.contains(CrashLog.currentFile().toString()), line);
    assertTrue(!line.contains("\n"), "one line: " + line);

    String log = Files.readString(dir.resolve("sinkscope-0.log"));
    assertTrue(log.contains("crash-log-test"), log);
    assertTrue(log.contains("java.lang.IllegalStateException: planted failure 4711"), log);
    assertTrue(
        log.contains("at dev.sinkscope.app.runtime.CrashLogTest"), "stack trace written: " + log);
  }
}
