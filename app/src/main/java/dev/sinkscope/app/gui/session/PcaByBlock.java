package dev.sinkscope.app.gui.session;

import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.PatchPca;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.pipeline.InspectionPipeline;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.work.HeavyWork;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The PCA colours of every block of one pass ({@link InspectionPipeline#pcaByBlock}), computed
 * after the first picture: the first picture shows patch norms and does not need them. Until they
 * are computed only the last block may be known (when the whole analysis is, and its PCA is the
 * same fit). The fits need the whole analysis (its artifacts and last-block PCA), which {@link
 * #compute} completes first where it is still pending. Thread safe: the inference lane fills it
 * right after the picture; an export off the UI thread computes it itself, or waits for the lane's
 * computation, through {@link #compute}.
 */
public final class PcaByBlock {
  private final ForwardResult result;
  private final StagedAnalysis analysis;
  private volatile List<PatchPca> all;

  private PcaByBlock(ForwardResult result, StagedAnalysis analysis, List<PatchPca> all) {
    this.result = result;
    this.analysis = analysis;
    this.all = all == null ? null : Collections.unmodifiableList(new ArrayList<>(all));
  }

  /** Not computed yet: {@link #compute} fits them from {@code result} and its {@code report}. */
  public static PcaByBlock pending(ForwardResult result, AnalysisReport report) {
    return pending(result, StagedAnalysis.of(report));
  }

  /**
   * Not computed yet: {@link #compute} fits them from {@code result} and its {@code analysis},
   * completing the analysis first where it is still pending.
   */
  public static PcaByBlock pending(ForwardResult result, StagedAnalysis analysis) {
    return new PcaByBlock(result, analysis, null);
  }

  /** Already computed (one entry per block, block 1 first; null where a block has none). */
  public static PcaByBlock of(List<PatchPca> pcaByBlock) {
    return new PcaByBlock(null, null, pcaByBlock);
  }

  /** The last block's PCA where it needs no fit of its own and the whole analysis is known. */
  private PatchPca lastBlock() {
    return analysis != null && analysis.ready()
        ? InspectionPipeline.lastBlockPcaWithoutFit(result, analysis.now())
        : null;
  }

  /** Whether every block's PCA is known. */
  public boolean ready() {
    return all != null;
  }

  /**
   * The PCA of 0-based block {@code index} (block - 1) if known now, else null; never computes.
   * Null also where the block has none (see {@link #ready()} to tell the two apart).
   */
  public PatchPca get(int index) {
    List<PatchPca> known = all;
    if (known != null) {
      return index >= 0 && index < known.size() ? known.get(index) : null;
    }
    return result != null && index == result.blocks() - 1 ? lastBlock() : null;
  }

  /** Whether {@link #get} knows 0-based block {@code index} now. */
  public boolean known(int index) {
    return all != null || (result != null && index == result.blocks() - 1 && lastBlock() != null);
  }

  /** Every block's PCA once known, else null. */
  public List<PatchPca> all() {
    return all;
  }

  /**
   * Every block's PCA, computed here if nobody has yet (waits while another thread computes it).
   * Heavy: never on the UI thread.
   *
   * @throws java.util.concurrent.CancellationException when {@code cancel} says so; then it stays
   *     pending
   */
  public synchronized List<PatchPca> compute(CancellationToken cancel) {
    List<PatchPca> known = all;
    if (known == null) {
      HeavyWork.starts(HeavyWork.Kind.ANALYSIS);
      known =
          Collections.unmodifiableList(
              new ArrayList<>(InspectionPipeline.pcaByBlock(result, analysis.complete(), cancel)));
      all = known;
    }
    return known;
  }
}
