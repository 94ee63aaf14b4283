package dev.sinkscope.inference.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import dev.sinkscope.inference.session.ModelSession;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Path;

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
    Path dir = Corpus.FIXTURES.resolve("vit-hf");
    FloatTensor pixels;
    try (SafetensorsFile in = SafetensorsFile.open(dir.resolve("input.safetensors"))) {
      pixels = new FloatTensor(in.info("pixel_values").intShape(), in.readFloats("pixel_values"));
    }
    return new LiveSession(ModelSession.open(dir, "cpu"), pixels);
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
    return session.run(pixels, CaptureOptions.DEFAULT, CancellationToken.NONE, ProgressListener.NONE);
  }

  void assertStillWorks() {
    ForwardResult now = run();
    assertEquals(first.lastHiddenState(), now.lastHiddenState(), "the open session gives the same answer");
    assertEquals(first.block(first.blocks()).attention(), now.block(now.blocks()).attention(),
        "the open session gives the same attention");
    assertEquals(arrays, session.managedArrayCount(), "the open session holds the same native arrays");
  }

  /** Open file descriptors of this JVM, or -1 where the platform does not say. */
  static long openFileDescriptors() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof UnixOperatingSystemMXBean unix ? unix.getOpenFileDescriptorCount() : -1;
  }

  @Override
  public void close() throws IOException {
    session.close();
  }
}
