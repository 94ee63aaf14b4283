package dev.sinkscope.inference.pipeline;

import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.report.LayerMetrics;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.NumericalHealth;
import java.util.List;

/**
 * One analysed pass of the {@link InspectionPipeline}: the captured tensors, their numerical
 * health, the analysis (null when the pass is not finite: nothing may be drawn or measured from
 * it), and the attention read the same whether the pass kept maps or summaries.
 *
 * @param result what the pass captured
 * @param stack the mitigations it ran under
 * @param health first non-finite value, or {@link NumericalHealth#OK}
 * @param report analysis of {@code result}; null when {@code health} is not ok
 * @param attention rows, columns, CLS rows and received attention of any block, recomputed exactly
 *     where the pass dropped a map (on the thread that runs the model)
 */
public record Inspection(
    ForwardResult result,
    MitigationStack stack,
    NumericalHealth health,
    AnalysisReport report,
    CapturedAttention attention) {

  public boolean finite() {
    return health.ok();
  }

  /** The per-block metric rows (JSON / CSV columns); the pass must be finite. */
  public List<LayerMetrics> metrics() {
    if (report == null) {
      throw new IllegalStateException("no metrics: " + health.describe());
    }
    return LayerMetrics.of(report);
  }
}
