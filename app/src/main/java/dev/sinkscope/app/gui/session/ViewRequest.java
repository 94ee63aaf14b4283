package dev.sinkscope.app.gui.session;

import dev.sinkscope.inference.analysis.AnalysisOptions;
import dev.sinkscope.inference.mitigation.MitigationStack;
import java.util.Objects;

/**
 * An immutable snapshot of everything the picture depends on that needs the model: taken on the FX
 * thread, computed on the inference thread. The newest request wins; older ones are cancelled.
 *
 * @param model the model to run
 * @param image the photo; null shows the model without running it
 * @param mitigations applied to the primary pass
 * @param analysis analysis settings (detection rule and thresholds)
 * @param compare what a second pass compares against
 * @param denoising shift/flip averaging of the primary pass's final features ({@link
 *     Denoising#OFF}: none)
 * @param wholeAnalysisFirst whether the view shown needs the whole analysis for its picture (sink
 *     scores, rollout, PCA, a comparison's metrics): then it is computed before the picture;
 *     otherwise only the part a patch-norm picture needs, and the rest right after it
 */
public record ViewRequest(
    ModelLocation model,
    ImageSource image,
    MitigationStack mitigations,
    AnalysisOptions analysis,
    CompareTarget compare,
    Denoising denoising,
    boolean wholeAnalysisFirst) {

  public ViewRequest {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(mitigations, "mitigations");
    Objects.requireNonNull(analysis, "analysis");
    Objects.requireNonNull(compare, "compare");
    Objects.requireNonNull(denoising, "denoising");
  }

  /** The rest of the analysis after the first picture. */
  public ViewRequest(
      ModelLocation model,
      ImageSource image,
      MitigationStack mitigations,
      AnalysisOptions analysis,
      CompareTarget compare,
      Denoising denoising) {
    this(model, image, mitigations, analysis, compare, denoising, false);
  }

  /** Without shift/flip denoising. */
  public ViewRequest(
      ModelLocation model,
      ImageSource image,
      MitigationStack mitigations,
      AnalysisOptions analysis,
      CompareTarget compare) {
    this(model, image, mitigations, analysis, compare, Denoising.OFF);
  }
}
