package dev.sinkscope.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.inference.hub.HubSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs the command line in-process against temporary hub and bundled-model folders. */
final class Cli {
  static final Path FIXTURES = Path.of("..", "testdata", "fixtures");
  static final Path PHOTOS =
      Path.of("..", "assets", "src", "main", "resources", "dev", "sinkscope", "assets", "images");

  /** Exit code and what went to stdout and stderr. */
  record Result(int code, String out, String err) {
    /**
     * Asserts exit code 2 and exactly one error line on stderr, the last one, starting like the
     * CLI's errors and containing {@code text} (progress lines may come before it).
     */
    void assertOneLineError(String command, String text) {
      assertEquals(2, code, "exit code; stderr: " + err);
      List<String> errors = err.lines().filter(l -> l.startsWith("sinkscope")).toList();
      assertEquals(1, errors.size(), "one error line on stderr, got: " + err);
      List<String> lines = err.lines().toList();
      String last = lines.get(lines.size() - 1);
      assertEquals(errors.get(0), last, "the error comes last");
      assertTrue(last.startsWith("sinkscope " + command + ": "), last);
      assertTrue(last.contains(text), "'" + text + "' in: " + last);
    }

    void assertOk() {
      assertEquals(0, code, "exit code; stderr: " + err + "\nstdout: " + out);
    }
  }

  private final CliContext context;

  Cli(CliContext context) {
    this.context = context;
  }

  /**
   * Offline hub with an empty cache under {@code dir}, bundled models extracted under {@code dir}.
   */
  static Cli offline(Path dir) {
    return new Cli(
        new CliContext(
            hubSettings(dir, URI.create("http://127.0.0.1:9"), true), dir.resolve("bundled")));
  }

  /** Hub at {@code endpoint} with its cache under {@code dir}. */
  static Cli online(Path dir, URI endpoint) {
    return new Cli(new CliContext(hubSettings(dir, endpoint, false), dir.resolve("bundled")));
  }

  /** Settings built as production builds them, from variables, pointed at {@code dir}. */
  static HubSettings hubSettings(Path dir, URI endpoint, boolean offline) {
    Map<String, String> env = new HashMap<>();
    env.put("HF_HOME", dir.resolve("hf-home").toString());
    env.put("HF_ENDPOINT", endpoint.toString());
    if (offline) {
      env.put("HF_HUB_OFFLINE", "1");
    }
    return HubSettings.from(env, Map.of("user.home", dir.resolve("home").toString()))
        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
        .withRetries(1, Duration.ofMillis(10));
  }

  static Path hubCache(Path dir) {
    return dir.resolve("hf-home").resolve("hub");
  }

  CliContext context() {
    return context;
  }

  Result run(Object... args) {
    List<String> list = new ArrayList<>();
    for (Object a : args) {
      list.add(a.toString());
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        SinkscopeCommand.execute(
            context,
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            list.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }
}
