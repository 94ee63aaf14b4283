package dev.sinkscope.app.gui.session;

import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.Analyzer;
import dev.sinkscope.inference.result.ForwardResult;
import java.util.List;
import java.util.Objects;

/**
 * The analysis of one pass in two parts: what the first picture needs ({@link
 * Analyzer#firstPicture}: norms, artifact detection, emergence), known at once, and the rest (sink
 * scores, massive activations, CLS maps, rollout, the last block's PCA), computed after the picture
 * on the inference lane ({@link Analyzer#complete}). Thread safe: an export off the UI thread
 * computes the rest itself, or waits for the lane's computation, through {@link #complete()}.
 */
public final class StagedAnalysis {
  private final ForwardResult result;
  private final AnalysisReport first;
  private volatile AnalysisReport whole;

  private StagedAnalysis(ForwardResult result, AnalysisReport first, AnalysisReport whole) {
    this.result = result;
    this.first = first;
    this.whole = whole;
  }

  /** Already complete. */
  public static StagedAnalysis of(AnalysisReport complete) {
    Objects.requireNonNull(complete, "complete");
    return new StagedAnalysis(null, complete, complete);
  }

  /** Only {@code first} ({@link Analyzer#firstPicture} of {@code result}) is known. */
  public static StagedAnalysis pending(ForwardResult result, AnalysisReport first) {
    return new StagedAnalysis(
        Objects.requireNonNull(result, "result"), Objects.requireNonNull(first, "first"), null);
  }

  /** Whether the whole analysis is known. */
  public boolean ready() {
    return whole != null;
  }

  /**
   * The whole report once known, else the first part (sink metrics NaN or null, no massive
   * activations, CLS maps, rollout or PCA: see {@link #ready()} before showing those).
   */
  public AnalysisReport now() {
    AnalysisReport known = whole;
    return known != null ? known : first;
  }

  /**
   * The whole report, computed here if nobody has yet (waits while another thread computes it).
   * Heavy: never on the UI thread.
   */
  public synchronized AnalysisReport complete() {
    AnalysisReport known = whole;
    if (known == null) {
      known = Analyzer.complete(first, result, List.of());
      whole = known;
    }
    return known;
  }
}
