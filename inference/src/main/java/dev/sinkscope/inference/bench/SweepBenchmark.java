package dev.sinkscope.inference.bench;

import dev.sinkscope.inference.analysis.AnalysisOptions;
import dev.sinkscope.inference.analysis.Analyzer;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.session.ModelSession;
import java.util.ArrayList;
import java.util.List;

/**
 * The work of an unmitigated {@code sweep} per batch: one batched pass with {@link
 * CaptureOptions#METRICS}, then the metrics analysis of every image. Image decoding is left out (it
 * does not depend on the batch size and is the same work for any engine).
 */
public final class SweepBenchmark {

  /**
   * @param batch images per pass
   * @param forwardCapture one batched pass with {@link CaptureOptions#METRICS}
   * @param withAnalysis the pass plus {@link Analyzer#analyze} of each image, metrics only (what
   *     {@code sweep} does)
   */
  public record Figures(int batch, Timing forwardCapture, Timing withAnalysis) {
    /** Images per second from the median of {@code t}. */
    public double imagesPerSecond(Timing t) {
      return batch * 1000.0 / t.medianMs();
    }
  }

  private SweepBenchmark() {}

  /** {@code batch} distinct seeded inputs of one size. */
  public static List<FloatTensor> images(int resolution, int batch, long seed) {
    List<FloatTensor> images = new ArrayList<>(batch);
    for (int k = 0; k < batch; k++) {
      images.add(RandomCheckpoints.pixels(resolution, seed + 7919L * k));
    }
    return images;
  }

  public static Figures run(ModelSession session, List<FloatTensor> images, int warmup, int runs) {
    AnalysisOptions options = AnalysisOptions.defaults().metricsOnly();
    Timing[] t =
        Timing.interleaved(
            warmup,
            runs,
            () -> pass(session, images),
            () -> pass(session, images).forEach(r -> Analyzer.analyze(r, options)));
    return new Figures(images.size(), t[0], t[1]);
  }

  private static List<ForwardResult> pass(ModelSession session, List<FloatTensor> images) {
    return session
        .forward()
        .runBatch(images, CaptureOptions.METRICS, CancellationToken.NONE, ProgressListener.NONE);
  }
}
