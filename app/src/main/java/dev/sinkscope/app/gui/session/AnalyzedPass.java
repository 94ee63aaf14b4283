package dev.sinkscope.app.gui.session;

import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.PatchPca;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.pipeline.AttentionRows;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.render.PreprocessGeometry;
import java.util.List;

/**
 * One forward pass and its analysis, host-side only: everything layer scrubbing needs without
 * running the model again.
 *
 * @param label "after", "before", or a model name, for panel titles
 * @param model the model that ran
 * @param mitigations what was applied
 * @param result captured tensors
 * @param analysis analysis of {@code result}: the part the first picture needs at once, the rest
 *     computed after the picture, so it may still be pending ({@link StagedAnalysis#ready()};
 *     {@link #report()} is what is known now)
 * @param geometry how the patch grid lies on the display photo
 * @param pcaByBlock PCA-RGB of every block output (index block - 1); entries are null where the
 *     model was too large to fit the budget. Computed after the first picture, so it may still be
 *     pending ({@link PcaByBlock#ready()})
 * @param recomputedFromBlock first 0-based block the pass computed (0 = full pass, L = reused)
 * @param forwardMillis time spent in the forward pass
 * @param analysisMillis time spent in the analysis before the first picture (not what follows it:
 *     the rest of the analysis where the view did not need it, the per-block PCA)
 * @param finalFeatures what the last block's patch norm and PCA show while shift/flip denoising is
 *     on; null otherwise (then they show the block output, as every other block does)
 * @param attention rows and columns of single tokens: from kept maps or summaries, or recomputed on
 *     the inference thread for a selected patch when the pass kept summaries only
 */
public record AnalyzedPass(
    String label,
    ModelInfo model,
    MitigationStack mitigations,
    ForwardResult result,
    StagedAnalysis analysis,
    PreprocessGeometry geometry,
    PcaByBlock pcaByBlock,
    int recomputedFromBlock,
    double forwardMillis,
    double analysisMillis,
    FinalFeatures finalFeatures,
    AttentionRows attention) {

  public AnalyzedPass {
    java.util.Objects.requireNonNull(analysis, "analysis");
    java.util.Objects.requireNonNull(pcaByBlock, "pcaByBlock");
    if (attention == null) {
      attention = new AttentionRows(result);
    } else if (attention.result() != result) {
      throw new IllegalArgumentException("the attention rows belong to another pass");
    }
  }

  /** With the whole analysis known. */
  public AnalyzedPass(
      String label,
      ModelInfo model,
      MitigationStack mitigations,
      ForwardResult result,
      AnalysisReport report,
      PreprocessGeometry geometry,
      PcaByBlock pcaByBlock,
      int recomputedFromBlock,
      double forwardMillis,
      double analysisMillis,
      FinalFeatures finalFeatures,
      AttentionRows attention) {
    this(
        label,
        model,
        mitigations,
        result,
        StagedAnalysis.of(report),
        geometry,
        pcaByBlock,
        recomputedFromBlock,
        forwardMillis,
        analysisMillis,
        finalFeatures,
        attention);
  }

  public AnalyzedPass(
      String label,
      ModelInfo model,
      MitigationStack mitigations,
      ForwardResult result,
      AnalysisReport report,
      PreprocessGeometry geometry,
      List<PatchPca> pcaByBlock,
      int recomputedFromBlock,
      double forwardMillis,
      double analysisMillis,
      FinalFeatures finalFeatures) {
    this(
        label,
        model,
        mitigations,
        result,
        StagedAnalysis.of(report),
        geometry,
        PcaByBlock.of(pcaByBlock),
        recomputedFromBlock,
        forwardMillis,
        analysisMillis,
        finalFeatures,
        null);
  }

  /** Without final features (denoising off). */
  public AnalyzedPass(
      String label,
      ModelInfo model,
      MitigationStack mitigations,
      ForwardResult result,
      AnalysisReport report,
      PreprocessGeometry geometry,
      List<PatchPca> pcaByBlock,
      int recomputedFromBlock,
      double forwardMillis,
      double analysisMillis) {
    this(
        label,
        model,
        mitigations,
        result,
        StagedAnalysis.of(report),
        geometry,
        PcaByBlock.of(pcaByBlock),
        recomputedFromBlock,
        forwardMillis,
        analysisMillis,
        null,
        null);
  }

  public AnalyzedPass withFinalFeatures(FinalFeatures features) {
    return new AnalyzedPass(
        label,
        model,
        mitigations,
        result,
        analysis,
        geometry,
        pcaByBlock,
        recomputedFromBlock,
        forwardMillis,
        analysisMillis,
        features,
        attention);
  }

  /**
   * The analysis known now: the whole report once {@link StagedAnalysis#ready()}, else the part the
   * first picture needs (its sink metrics NaN or null and no massive activations, CLS maps, rollout
   * or PCA; a view says "computing" for those until the rest arrives).
   */
  public AnalysisReport report() {
    return analysis.now();
  }

  /** Whether the whole analysis is known (not just the first picture's part). */
  public boolean analysisReady() {
    return analysis.ready();
  }

  /** Whether the last block shows shift/flip-averaged final features. */
  public boolean denoised() {
    return finalFeatures != null && finalFeatures.averaged();
  }

  public int blocks() {
    return result.blocks();
  }

  public int heads() {
    return result.spec().numHeads();
  }
}
