package dev.sinkscope.app.report;

import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.PatchPca;
import dev.sinkscope.inference.analysis.QuerySet;
import dev.sinkscope.inference.analysis.RolloutMap;
import dev.sinkscope.inference.engine.ForwardHooks;
import dev.sinkscope.inference.pipeline.CapturedAttention;
import dev.sinkscope.inference.pipeline.InspectionPipeline;
import dev.sinkscope.inference.report.HeadSelection;
import dev.sinkscope.inference.report.Quantity;
import dev.sinkscope.inference.report.SelectedPatch;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.TokenLayout;
import dev.sinkscope.render.RgbGrid;
import dev.sinkscope.render.ScalarGrid;

/**
 * Per-patch values of one block of a forward pass, as grids for the renderer. Attention is read
 * through {@link CapturedAttention}, so a pass that kept summaries gives the same grids as one that
 * kept full maps (a selected patch's row or column recomputes its block when a model is given).
 */
public final class Grids {
  private Grids() {}

  /**
   * {@code quantity} at 1-based {@code block}, heads combined as {@code head} says (no rollout, no
   * PCA).
   */
  public static ScalarGrid of(
      Quantity quantity, ForwardResult result, int block, HeadSelection head) {
    return of(quantity, result, null, block, head, null);
  }

  /**
   * A scalar {@code quantity} at 1-based {@code block}, heads combined as {@code head} says.
   *
   * @param report the pass's analysis, for rollout (may be null for the other quantities)
   * @param patch the selected patch, for {@code attends-to} and {@code attended-by}
   */
  public static ScalarGrid of(
      Quantity quantity,
      ForwardResult result,
      AnalysisReport report,
      int block,
      HeadSelection head,
      SelectedPatch patch) {
    return of(
        quantity,
        new CapturedAttention(null, result, ForwardHooks.NONE),
        report,
        block,
        head,
        patch);
  }

  /**
   * As {@link #of(Quantity, ForwardResult, AnalysisReport, int, HeadSelection, SelectedPatch)},
   * reading attention through {@code attention} (which recomputes dropped maps when it has the
   * model).
   */
  public static ScalarGrid of(
      Quantity quantity,
      CapturedAttention attention,
      AnalysisReport report,
      int block,
      HeadSelection head,
      SelectedPatch patch) {
    ForwardResult result = attention.result();
    return switch (quantity) {
      case PATCH_NORM -> patchNorms(result, block);
      case ATTENTION_RECEIVED -> received(attention, block, head);
      case CLS_ATTENTION -> clsAttention(attention, block, head);
      case ROLLOUT -> rollout(report);
      case ATTENDS_TO -> attendsTo(attention, block, head, patch);
      case ATTENDED_BY -> attendedBy(attention, block, head, patch);
      case PCA_RGB ->
          throw new IllegalArgumentException(
              "PCA colours are not one value per patch; use Grids.pca");
    };
  }

  /**
   * The first three principal components of the patch features at 1-based {@code block}, as the app
   * computes them (block output, refit on the foreground, background zeroed).
   */
  public static RgbGrid pca(ForwardResult result, int block) {
    PatchPca pca = patchPca(result, block, new int[0]);
    return new RgbGrid(pca.gridRows(), pca.gridCols(), pca.rgb().clone());
  }

  /** The PCA of block {@code block}'s patch features, the window's: artifacts left out of fits. */
  public static PatchPca patchPca(ForwardResult result, int block, int[] artifacts) {
    if (result.layout().patchCount() < 2) {
      throw new IllegalArgumentException("PCA needs at least two patches");
    }
    return InspectionPipeline.blockPca(result, block, artifacts);
  }

  /** Rollout of head-mean attention through every block, CLS row (the analysis's rollout map). */
  static ScalarGrid rollout(AnalysisReport report) {
    RolloutMap rollout = report == null ? null : report.rollout();
    if (rollout == null) {
      throw new IllegalArgumentException(
          "no attention rollout for this pass (it needs a CLS token and the attention"
              + " of every block)");
    }
    return new ScalarGrid(rollout.gridRows(), rollout.gridCols(), rollout.raw().clone());
  }

  /** {@code A[h, sel, j]}: where the selected patch's attention goes, per patch j. */
  static ScalarGrid attendsTo(
      CapturedAttention attention, int block, HeadSelection head, SelectedPatch patch) {
    int query = tokenOf(attention.result().layout(), patch);
    float[][] perHead = new float[heads(attention, block)][];
    for (int h = 0; h < perHead.length; h++) {
      perHead[h] = attention.queryRow(block, h, query);
    }
    return patches(attention.result().layout(), combine(perHead, head));
  }

  /** {@code A[h, i, sel]}: how much each patch i attends to the selected patch. */
  static ScalarGrid attendedBy(
      CapturedAttention attention, int block, HeadSelection head, SelectedPatch patch) {
    int key = tokenOf(attention.result().layout(), patch);
    float[][] perHead = new float[heads(attention, block)][];
    for (int h = 0; h < perHead.length; h++) {
      perHead[h] = attention.keyColumn(block, h, key);
    }
    return patches(attention.result().layout(), combine(perHead, head));
  }

  private static int tokenOf(TokenLayout layout, SelectedPatch patch) {
    if (patch == null) {
      throw new IllegalArgumentException("this quantity needs a selected patch (view.patch)");
    }
    patch.validate(layout.gridRows(), layout.gridCols());
    return layout.patchToken(patch.row(), patch.col());
  }

  /** L2 norm of each patch token of the block output. */
  static ScalarGrid patchNorms(ForwardResult result, int block) {
    return patches(result.layout(), result.block(block).tokenNorms());
  }

  /** {@code r_j = (1/T) Σ_i A[h, i, j]} over all queries i, per patch j. */
  static ScalarGrid received(CapturedAttention attention, int block, HeadSelection head) {
    float[][] perHead = new float[heads(attention, block)][];
    for (int h = 0; h < perHead.length; h++) {
      perHead[h] = attention.received(block, h, QuerySet.ALL);
    }
    return patches(attention.result().layout(), combine(perHead, head));
  }

  /**
   * {@code A[h, CLS, j]} per patch j; for a model without CLS, the pooling probe's attention (last
   * block only).
   */
  static ScalarGrid clsAttention(CapturedAttention attention, int block, HeadSelection head) {
    ForwardResult result = attention.result();
    var query = result.clsLikeQuery();
    if (query.isProbe()) {
      float[] rows = query.rows(block); // [H, T]
      if (rows == null) {
        throw new IllegalArgumentException(
            "the model has no CLS token; its pooling-probe attention exists only "
                + "after the last block ("
                + query.probeBlock()
                + "), not at block "
                + block);
      }
      int t = result.layout().totalTokens();
      float[][] perHead = new float[rows.length / t][t];
      for (int h = 0; h < perHead.length; h++) {
        System.arraycopy(rows, h * t, perHead[h], 0, t);
      }
      return patches(result.layout(), combine(perHead, head));
    }
    if (!query.exists()) {
      throw new IllegalArgumentException(
          "the model has no CLS token, so there is no CLS attention");
    }
    float[][] perHead = new float[heads(attention, block)][];
    for (int h = 0; h < perHead.length; h++) {
      perHead[h] = attention.clsRow(block, h);
    }
    return patches(attention.result().layout(), combine(perHead, head));
  }

  private static int heads(CapturedAttention attention, int block) {
    if (!attention.hasAttention(block)) {
      throw new IllegalStateException("block " + block + ": attention was not captured");
    }
    return attention.result().block(block).heads();
  }

  private static float[] combine(float[][] perHead, HeadSelection head) {
    head.validate(perHead.length);
    int t = perHead[0].length;
    float[] out = new float[t];
    switch (head.mode()) {
      case SINGLE -> System.arraycopy(perHead[head.head()], 0, out, 0, t);
      case MAX -> {
        java.util.Arrays.fill(out, Float.NEGATIVE_INFINITY);
        for (float[] row : perHead) {
          for (int j = 0; j < t; j++) {
            out[j] = Math.max(out[j], row[j]);
          }
        }
      }
      case MEAN -> {
        for (float[] row : perHead) {
          for (int j = 0; j < t; j++) {
            out[j] += row[j];
          }
        }
        for (int j = 0; j < t; j++) {
          out[j] /= perHead.length;
        }
      }
      default -> throw new IllegalStateException();
    }
    return out;
  }

  /** The patch entries of a per-token vector (prefix and appended tokens left out). */
  public static ScalarGrid patches(TokenLayout layout, float[] perToken) {
    float[] values = new float[layout.patchCount()];
    System.arraycopy(perToken, layout.firstPatchIndex(), values, 0, values.length);
    return new ScalarGrid(layout.gridRows(), layout.gridCols(), values);
  }
}
