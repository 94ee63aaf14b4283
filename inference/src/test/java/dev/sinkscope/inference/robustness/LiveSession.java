package dev.sinkscope.inference.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import dev.sinkscope.inference.session.ModelSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A valid model opened before the hostile cases run. After each failure it must still give the same
 * answer with the same native arrays: a failed load may not disturb what is already loaded.
 */
final class LiveSession implements AutoCloseable {
  private final ModelSession session;
  private final FloatTensor pixels;
  private final ForwardResult first;
  private final int arrays;

  private LiveSession(ModelSession session, FloatTensor pixels) {
    this.session = session;
    this.pixels = pixels;
    this.first = run();
    this.arrays = session.managedArrayCount();
  }

  static LiveSession open() throws Exception {
    return new LiveSession(
        ModelSession.open(Corpus.FIXTURES.resolve("vit-hf"), "cpu"), fixturePixels());
  }

  /** The vit-hf fixture's input, {@code [1, 3, 64, 64]}. */
  static FloatTensor fixturePixels() throws IOException {
    try (SafetensorsFile in =
        SafetensorsFile.open(Corpus.FIXTURES.resolve("vit-hf").resolve("input.safetensors"))) {
      return new FloatTensor(in.info("pixel_values").intShape(), in.readFloats("pixel_values"));
    }
  }

  ModelSession session() {
    return session;
  }

  FloatTensor pixels() {
    return pixels;
  }

  ForwardResult firstResult() {
    return first;
  }

  ForwardResult run() {
    return session.run(
        pixels, CaptureOptions.DEFAULT, CancellationToken.NONE, ProgressListener.NONE);
  }

  void assertStillWorks() {
    ForwardResult now = run();
    assertEquals(
        first.lastHiddenState(), now.lastHiddenState(), "the open session gives the same answer");
    assertEquals(
        first.block(first.blocks()).attention(),
        now.block(now.blocks()).attention(),
        "the open session gives the same attention");
    assertEquals(
        arrays, session.managedArrayCount(), "the open session holds the same native arrays");
  }

  /**
   * Files under {@code dir} this JVM still holds open, read from {@code /proc/self/fd}; empty where
   * the platform has no such listing. Counting all descriptors instead would be flaky: the JVM
   * opens and closes its own in the background.
   */
  static List<Path> openFilesUnder(Path dir) throws IOException {
    Path fds = Path.of("/proc/self/fd");
    if (!Files.isDirectory(fds)) {
      return List.of();
    }
    Path root = dir.toRealPath();
    List<Path> open = new ArrayList<>();
    try (Stream<Path> s = Files.list(fds)) {
      for (Path fd : s.toList()) {
        try {
          Path target = Files.readSymbolicLink(fd);
          if (target.startsWith(root)) {
            open.add(target);
          }
        } catch (IOException | UnsupportedOperationException closedMeanwhile) {
          // the descriptor went away between listing and reading
        }
      }
    }
    return open;
  }

  static void assertNothingOpenUnder(Path dir) throws IOException {
    assertEquals(List.of(), openFilesUnder(dir), "no file handle left open");
  }

  @Override
  public void close() throws IOException {
    session.close();
  }
}
