package dev.sinkscope.app.gui.canvas;

import dev.sinkscope.app.gui.session.AnalyzedPass;
import dev.sinkscope.app.report.StrongestSink;
import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.GridPosition;
import dev.sinkscope.inference.analysis.LayerNormAnalysis;
import dev.sinkscope.inference.analysis.LayerSinkAnalysis;
import dev.sinkscope.inference.analysis.PatchPca;
import dev.sinkscope.inference.analysis.RolloutMap;
import dev.sinkscope.inference.result.ClsLikeQuery;
import dev.sinkscope.inference.result.TokenKind;
import dev.sinkscope.inference.result.TokenLayout;
import dev.sinkscope.render.Marker;
import dev.sinkscope.render.RgbGrid;
import dev.sinkscope.render.ScalarGrid;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads every quantity the canvas can show out of a captured pass and its analysis. Nothing here
 * runs the model: scrubbing layers and heads is array slicing over host-side results.
 */
public final class LayerMaps {
  private LayerMaps() {}

  /**
   * The map of {@code quantity} at 1-based {@code block}, or null when the pass cannot provide it
   * (no CLS token, no selection, no attention captured, PCA skipped for a large model).
   *
   * @param selectedToken sequence index of the selected patch, or -1
   */
  public static LayerMap map(
      AnalyzedPass pass, Quantity quantity, int block, HeadChoice head, int selectedToken) {
    TokenLayout layout = pass.result().layout();
    int b = Math.max(1, Math.min(pass.blocks(), block));
    switch (quantity) {
      case PATCH_NORM:
        {
          float[] norms =
              showsFinalFeatures(pass, quantity, b)
                  ? pass.finalFeatures().tokenNorms()
                  : norms(pass.report(), b).tokenNorms();
          return scalar(quantity, b, HeadChoice.MEAN, layout, norms);
        }
      case ATTENTION_RECEIVED:
        {
          LayerSinkAnalysis sinks = sinkLayer(pass.report(), b);
          if (sinks == null) {
            return null;
          }
          return scalar(
              quantity,
              b,
              head,
              layout,
              combineHeads(
                  sinks.receivedPerHead(),
                  sinks.heads(),
                  layout.totalTokens(),
                  head,
                  sinks.received()));
        }
      case CLS_ATTENTION:
        {
          ClsLikeQuery query = pass.result().clsLikeQuery();
          if (query.isProbe()) {
            return probeMap(query, quantity, b, head, layout);
          }
          if (!query.exists()) {
            return null;
          }
          float[] values = attentionRow(pass, b, query.token(), head);
          return values == null ? null : scalar(quantity, b, head, layout, values);
        }
      case ROLLOUT:
        {
          RolloutMap rollout = pass.report().rollout();
          if (rollout == null) {
            return null;
          }
          ScalarGrid grid =
              new ScalarGrid(rollout.gridRows(), rollout.gridCols(), rollout.raw().clone());
          return new LayerMap(quantity, pass.blocks(), HeadChoice.MEAN, grid, null, null);
        }
      case PCA_RGB:
        {
          PatchPca pca = pca(pass, quantity, b);
          if (pca == null) {
            return null;
          }
          return new LayerMap(
              quantity,
              b,
              HeadChoice.MEAN,
              null,
              null,
              new RgbGrid(pca.gridRows(), pca.gridCols(), pca.rgb().clone()));
        }
      case ATTENDS_TO:
        {
          if (selectedToken < 0) {
            return null;
          }
          float[] values = attentionRow(pass, b, selectedToken, head);
          return values == null ? null : scalar(quantity, b, head, layout, values);
        }
      case ATTENDED_BY:
        {
          if (selectedToken < 0) {
            return null;
          }
          float[] values = attentionColumn(pass, b, selectedToken, head);
          return values == null ? null : scalar(quantity, b, head, layout, values);
        }
      default:
        throw new IllegalStateException("unhandled quantity " + quantity);
    }
  }

  /** The PCA the {@code quantity} map of {@code pass} at block {@code b} shows, or null. */
  public static PatchPca pca(AnalyzedPass pass, Quantity quantity, int b) {
    return showsFinalFeatures(pass, quantity, b)
        ? pass.finalFeatures().pca()
        : b - 1 < pass.pcaByBlock().size() ? pass.pcaByBlock().get(b - 1) : null;
  }

  /**
   * Whether the map of {@code quantity} at {@code block} comes from the pass's final features
   * (shift/flip denoising on): the patch norm and PCA of the last block. Every other map is the
   * single pass's.
   */
  public static boolean showsFinalFeatures(AnalyzedPass pass, Quantity quantity, int block) {
    return pass.finalFeatures() != null
        && block >= pass.blocks()
        && (quantity == Quantity.PATCH_NORM || quantity == Quantity.PCA_RGB);
  }

  // ---- models without CLS: the pooling probe stands in for CLS (see ClsLikeQuery)

  /** The pooling probe's attention at {@code block} (only the last block has it), or null. */
  private static LayerMap probeMap(
      ClsLikeQuery query, Quantity quantity, int block, HeadChoice head, TokenLayout layout) {
    float[] rows = query.rows(block); // [H, T]
    if (rows == null) {
      return null;
    }
    int t = layout.totalTokens();
    return scalar(
        quantity, block, head, layout, combineHeads(rows, rows.length / t, t, head, null));
  }

  /**
   * What to call {@code quantity} for this pass: "Pooling-probe attention" for the CLS-attention
   * view of a model without CLS that pools with a probe; otherwise the quantity's own label.
   */
  public static String label(AnalyzedPass pass, Quantity quantity) {
    if (quantity == Quantity.CLS_ATTENTION
        && pass != null
        && pass.result().clsLikeQuery().isProbe()) {
      return "Pooling-probe attention";
    }
    return quantity.label();
  }

  /**
   * The quantity's symbol for this pass: {@code A[probe, j]} / {@code R[probe, j]} for a model
   * whose CLS-like query is the probe.
   */
  public static String symbol(AnalyzedPass pass, Quantity quantity) {
    return pass != null && pass.result().clsLikeQuery().isProbe()
        ? quantity.symbol().replace("CLS", "probe")
        : quantity.symbol();
  }

  /**
   * "CLS capture" or, for a model without CLS (whose CLS-like row is the pooling probe),
   * "Pooling-probe capture".
   */
  public static String captureMetricName(TokenLayout layout) {
    return layout.hasCls() ? "CLS capture" : "Pooling-probe capture";
  }

  /**
   * Every block's map of {@code quantity} (for a scale shared across layers and the layer strip).
   */
  public static List<LayerMap> allBlocks(
      AnalyzedPass pass, Quantity quantity, HeadChoice head, int selectedToken) {
    List<LayerMap> maps = new ArrayList<>();
    for (int b = 1; b <= pass.blocks(); b++) {
      maps.add(map(pass, quantity, b, head, selectedToken));
    }
    return maps;
  }

  /** The norm analysis of 1-based {@code block}. */
  public static LayerNormAnalysis norms(AnalysisReport report, int block) {
    for (LayerNormAnalysis n : report.norms()) {
      if (n.block() == block) {
        return n;
      }
    }
    throw new IllegalArgumentException("no norm analysis for block " + block);
  }

  /** The sink analysis of 1-based {@code block}, or null without attention there. */
  public static LayerSinkAnalysis sinkLayer(AnalysisReport report, int block) {
    if (report.sinkLayers() == null) {
      return null;
    }
    for (LayerSinkAnalysis s : report.sinkLayers()) {
      if (s.block() == block) {
        return s;
      }
    }
    return null;
  }

  /** Artifacts found at {@code block} by the chosen rule, and the patches acting as sinks there. */
  public static List<Marker> markers(
      AnalyzedPass pass, int block, boolean artifacts, boolean sinks) {
    List<Marker> markers = new ArrayList<>();
    TokenLayout layout = pass.result().layout();
    if (artifacts) {
      for (GridPosition p : norms(pass.report(), block).artifacts().positions()) {
        markers.add(new Marker(Marker.Kind.ARTIFACT, p.row(), p.col(), 0));
      }
    }
    if (sinks) {
      markers.addAll(StrongestSink.sinkMarkers(pass.report(), block));
    }
    return markers;
  }

  /** At most this many sink markers per block: the strongest ones. */
  public static final int MAX_SINK_MARKERS = StrongestSink.MAX_SINK_MARKERS;

  /** A marked sink receives at least this many times the uniform share. */
  public static final double MIN_SINK_RATIO = StrongestSink.MIN_SINK_RATIO;

  /** The ringed sink patches at {@code block} ({@link StrongestSink#sinkPatches}). */
  public static List<Integer> sinkPatches(AnalyzedPass pass, int block) {
    return StrongestSink.sinkPatches(pass.report(), block);
  }

  /** Rank of patch token {@code token} by norm among the patches at {@code block}: 1 = largest. */
  public static int normRank(AnalyzedPass pass, int block, int token) {
    TokenLayout layout = pass.result().layout();
    float[] norms = norms(pass.report(), block).tokenNorms();
    float mine = norms[token];
    int rank = 1;
    for (int j = layout.firstPatchIndex();
        j < layout.firstPatchIndex() + layout.patchCount();
        j++) {
      if (norms[j] > mine) {
        rank++;
      }
    }
    return rank;
  }

  /** Display name of a non-patch token: "CLS", "reg 1", "TTR 1". */
  public static String tokenName(TokenLayout layout, int token) {
    return StrongestSink.tokenName(layout, token);
  }

  /** Sequence indices of every token that is not a patch (CLS, registers, test-time registers). */
  public static int[] nonPatchTokens(TokenLayout layout) {
    int[] out = new int[layout.totalTokens() - layout.patchCount()];
    int k = 0;
    for (int t = 0; t < layout.totalTokens(); t++) {
      if (layout.kindOf(t) != TokenKind.PATCH) {
        out[k++] = t;
      }
    }
    return out;
  }

  private static LayerMap scalar(
      Quantity quantity, int block, HeadChoice head, TokenLayout layout, float[] tokens) {
    float[] patches =
        Arrays.copyOfRange(
            tokens, layout.firstPatchIndex(), layout.firstPatchIndex() + layout.patchCount());
    return new LayerMap(
        quantity,
        block,
        head,
        new ScalarGrid(layout.gridRows(), layout.gridCols(), patches),
        tokens,
        null);
  }

  /** {@code [T]} from per-head rows {@code [H, T]}: the given mean, the maximum, or one row. */
  static float[] combineHeads(
      float[] perHead, int heads, int tokens, HeadChoice head, float[] mean) {
    switch (head.mode()) {
      case MEAN:
        if (mean != null) {
          return mean;
        }
        float[] sum = new float[tokens];
        for (int h = 0; h < heads; h++) {
          for (int j = 0; j < tokens; j++) {
            sum[j] += perHead[h * tokens + j] / heads;
          }
        }
        return sum;
      case MAX:
        float[] max = new float[tokens];
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
        for (int h = 0; h < heads; h++) {
          for (int j = 0; j < tokens; j++) {
            max[j] = Math.max(max[j], perHead[h * tokens + j]);
          }
        }
        return max;
      default:
        return Arrays.copyOfRange(perHead, head.head() * tokens, (head.head() + 1) * tokens);
    }
  }

  /**
   * Attention of query {@code query} on every key at {@code block}, heads combined: from the kept
   * map, the summary's CLS row, or the exact recompute for the selected patch; null while that has
   * not run.
   */
  static float[] attentionRow(AnalyzedPass pass, int block, int query, HeadChoice head) {
    float[] rows = pass.attention().queryRows(block, query); // [H, T]
    return rows == null
        ? null
        : combineHeads(rows, pass.heads(), pass.result().layout().totalTokens(), head, null);
  }

  /**
   * Attention every query pays to key {@code key} at {@code block}, heads combined; null while not
   * recomputed.
   */
  static float[] attentionColumn(AnalyzedPass pass, int block, int key, HeadChoice head) {
    float[] columns = pass.attention().keyColumns(block, key); // [H, T]
    return columns == null
        ? null
        : combineHeads(columns, pass.heads(), pass.result().layout().totalTokens(), head, null);
  }
}
