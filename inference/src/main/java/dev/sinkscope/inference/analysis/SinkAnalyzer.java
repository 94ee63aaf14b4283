package dev.sinkscope.inference.analysis;

import dev.sinkscope.inference.result.TokenKind;
import dev.sinkscope.inference.result.TokenLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.function.IntToDoubleFunction;
import java.util.stream.IntStream;

/** Sink scores, CLS capture, Gu et al. head fraction and norm–sink correlation (methods §3.1). */
public final class SinkAnalyzer {

  private SinkAnalyzer() {}

  /**
   * @param layout token layout of the pass
   * @param summaries per-block attention summaries for {@code options.querySet()}, any block order
   * @param allQuerySummaries per-block summaries with query set ALL for the Gu metric (may be the
   *     same list; null or empty leaves the Gu metric out)
   * @param norms per-block norm analyses (token norms and artifact patches), any block order
   * @param options sink settings
   */
  public static SinkAnalysis analyze(
      TokenLayout layout,
      List<LayerAttentionSummary> summaries,
      List<LayerAttentionSummary> allQuerySummaries,
      List<LayerNormAnalysis> norms,
      SinkOptions options) {
    if (summaries.isEmpty()) {
      throw new IllegalArgumentException("no attention summaries");
    }
    int t = layout.totalTokens();
    List<LayerAttentionSummary> ordered = new ArrayList<>(summaries);
    ordered.sort((a, b) -> Integer.compare(a.block(), b.block()));
    Map<Integer, LayerNormAnalysis> normsByBlock = new HashMap<>();
    norms.forEach(n -> normsByBlock.put(n.block(), n));
    int heads = ordered.get(0).heads();
    for (LayerAttentionSummary s : ordered) {
      if (s.tokens() != t || s.heads() != heads) {
        throw new IllegalArgumentException(
            "block "
                + s.block()
                + " summary is ["
                + s.heads()
                + ", "
                + s.tokens()
                + "], expected ["
                + heads
                + ", "
                + t
                + "]");
      }
      if (s.querySet() != options.querySet()) {
        throw new IllegalArgumentException(
            "block "
                + s.block()
                + " summary has query set "
                + s.querySet()
                + ", options ask for "
                + options.querySet());
      }
    }
    int[] selectedHeads =
        options.heads().length == 0 ? IntStream.range(0, heads).toArray() : options.heads();
    for (int h : selectedHeads) {
      if (h < 0 || h >= heads) {
        throw new IllegalArgumentException("head " + h + " outside 0.." + (heads - 1));
      }
    }
    int[] available = ordered.stream().mapToInt(LayerAttentionSummary::block).toArray();
    int[] selectedBlocks = options.blocks().length == 0 ? available : options.blocks();
    for (int b : selectedBlocks) {
      if (Arrays.stream(available).noneMatch(a -> a == b)) {
        throw new IllegalArgumentException("no attention summary for selected block " + b);
      }
    }

    // per-block head means over the selected heads
    Map<Integer, float[]> receivedByBlock = new HashMap<>(); // block -> [T]
    Map<Integer, float[]> clsByBlock = new HashMap<>(); // block -> [T] or absent
    for (LayerAttentionSummary s : ordered) {
      receivedByBlock.put(s.block(), headMean(s.received(), t, selectedHeads));
      if (s.clsRow() != null) {
        clsByBlock.put(s.block(), headMean(s.clsRow(), t, selectedHeads));
      }
    }

    // whole-pass score s_j and ratio ρ_j = T s_j
    float[] score = new float[t];
    double[] ratio = new double[t];
    for (int j = 0; j < t; j++) {
      double sum = 0;
      for (int b : selectedBlocks) {
        sum += receivedByBlock.get(b)[j];
      }
      score[j] = (float) (sum / selectedBlocks.length);
      ratio[j] = (double) t * score[j];
    }
    OutlierSplit flags = flagSinks(ratio, options);

    float[] guPercent = null;
    if (allQuerySummaries != null && !allQuerySummaries.isEmpty()) {
      guPercent =
          guPercent(allQuerySummaries, selectedBlocks, selectedHeads, options.guEpsilon(), t);
    }

    IntPredicate isRegister = j -> layout.kindOf(j) == TokenKind.REGISTER;
    IntPredicate isTestTime = j -> layout.kindOf(j) == TokenKind.TEST_TIME_REGISTER;
    IntPredicate isPatch = j -> layout.kindOf(j) == TokenKind.PATCH;
    double[] wholePassScore = RobustStatistics.toDouble(score);
    List<LayerSinkAnalysis> layers = new ArrayList<>();
    Map<Integer, LayerSinkAnalysis> layersByBlock = new HashMap<>();
    for (LayerAttentionSummary s : ordered) {
      int block = s.block();
      float[] received = receivedByBlock.get(block);
      float[] cls = clsByBlock.get(block);
      LayerNormAnalysis normAnalysis = normsByBlock.get(block);
      int[] artifactTokens =
          normAnalysis == null ? new int[0] : normAnalysis.artifacts().tokenIndices();
      IntPredicate isArtifact = j -> Arrays.binarySearch(artifactTokens, j) >= 0;
      int top = argMax(received);
      double[] tokenNorms =
          normAnalysis == null ? null : RobustStatistics.toDouble(normAnalysis.tokenNorms());
      LayerSinkAnalysis layer =
          new LayerSinkAnalysis(
              block,
              s.querySet(),
              heads,
              s.received().clone(),
              received,
              cls,
              share(received, isArtifact),
              share(received, isRegister),
              share(received, isTestTime),
              cls == null ? Double.NaN : share(cls, isArtifact),
              cls == null ? Double.NaN : share(cls, isRegister),
              cls == null ? Double.NaN : share(cls, isTestTime),
              cls == null ? Double.NaN : maxWhere(cls, isPatch),
              cls == null ? Double.NaN : maxWhere(cls, isTestTime),
              top,
              (double) t * received[top],
              tokenNorms == null
                  ? Double.NaN
                  : RobustStatistics.spearman(tokenNorms, RobustStatistics.toDouble(received)),
              tokenNorms == null
                  ? Double.NaN
                  : RobustStatistics.spearman(tokenNorms, wholePassScore));
      layers.add(layer);
      layersByBlock.put(block, layer);
    }

    List<SinkToken> topTokens =
        topTokens(layout, score, ratio, flags.outlierIndices(), guPercent, options.topK());
    SinkScores scores =
        new SinkScores(
            options.querySet(),
            selectedBlocks.clone(),
            selectedHeads.clone(),
            score,
            toFloat(ratio),
            flags.outlierIndices(),
            flags.threshold(),
            flags.fellBack(),
            flags.note(),
            topTokens,
            options.guEpsilon(),
            guPercent,
            meanOver(selectedBlocks, b -> layersByBlock.get(b).sinkMassOnArtifacts()),
            meanOver(selectedBlocks, b -> layersByBlock.get(b).clsCaptureOnArtifacts()),
            meanOver(selectedBlocks, b -> layersByBlock.get(b).clsCaptureOnRegisters()));
    return new SinkAnalysis(List.copyOf(layers), scores);
  }

  /**
   * Sink flags: rule C on {@code log ρ}; when the MAD of {@code log ρ} is 0 (e.g. uniform
   * attention), rule B on {@code ρ} itself. The threshold is reported in {@code ρ} units and is
   * never below 1: a token that receives no more than uniform attention is not a sink, however
   * tight the spread of the others.
   */
  public static OutlierSplit flagSinks(double[] ratio, SinkOptions options) {
    OutlierSplit split = flagSinksUnfloored(ratio, options);
    if (split.threshold() >= 1) {
      return split;
    }
    int[] kept =
        java.util.Arrays.stream(split.outlierIndices()).filter(j -> ratio[j] > 1).toArray();
    DetectionVerdict verdict = kept.length > 0 ? split.verdict() : DetectionVerdict.NO_ARTIFACTS;
    return new OutlierSplit(
        split.requestedRule(),
        split.appliedRule(),
        verdict,
        1.0,
        kept,
        split.fellBack(),
        split.note() + "; threshold raised to uniform (ρ = 1)");
  }

  private static OutlierSplit flagSinksUnfloored(double[] ratio, SinkOptions options) {
    double[] logs = new double[ratio.length];
    for (int j = 0; j < ratio.length; j++) {
      logs[j] = Math.log(Math.max(ratio[j], 1e-30));
    }
    double median = RobustStatistics.median(logs);
    double mad = RobustStatistics.medianAbsoluteDeviation(logs, median);
    if (mad > 0) {
      OutlierSplit c =
          NormOutlierDetector.robustZ(logs, options.flagZThreshold(), options.flagFallbackFactor());
      return new OutlierSplit(
          c.requestedRule(),
          c.appliedRule(),
          c.verdict(),
          Math.exp(c.threshold()),
          c.outlierIndices(),
          false,
          "on log sink ratio: " + c.note());
    }
    OutlierSplit b = NormOutlierDetector.medianRatio(ratio, options.flagFallbackFactor());
    return new OutlierSplit(
        DetectionRule.ROBUST_Z,
        DetectionRule.MEDIAN_RATIO,
        b.verdict(),
        b.threshold(),
        b.outlierIndices(),
        true,
        "MAD of log sink ratio = 0, fell back to rule B on the ratio: " + b.note());
  }

  /**
   * Gu et al.: per token, percent of (block, head) pairs whose received attention (query set ALL,
   * denominator T) exceeds ε.
   */
  public static float[] guPercent(
      List<LayerAttentionSummary> allQuerySummaries,
      int[] blocks,
      int[] heads,
      double epsilon,
      int tokens) {
    Map<Integer, LayerAttentionSummary> byBlock = new HashMap<>();
    for (LayerAttentionSummary s : allQuerySummaries) {
      if (s.querySet() != QuerySet.ALL) {
        throw new IllegalArgumentException(
            "the Gu metric needs query set ALL, block " + s.block() + " has " + s.querySet());
      }
      byBlock.put(s.block(), s);
    }
    int[] counts = new int[tokens];
    int pairs = 0;
    for (int b : blocks) {
      LayerAttentionSummary s = byBlock.get(b);
      if (s == null) {
        throw new IllegalArgumentException("no ALL-query summary for block " + b);
      }
      for (int h : heads) {
        pairs++;
        for (int j = 0; j < tokens; j++) {
          if (s.received(h, j) > epsilon) {
            counts[j]++;
          }
        }
      }
    }
    float[] percent = new float[tokens];
    for (int j = 0; j < tokens; j++) {
      percent[j] = pairs == 0 ? Float.NaN : (float) (100.0 * counts[j] / pairs);
    }
    return percent;
  }

  /** Mean over the selected heads of a {@code [H, T]} array, giving {@code [T]}. */
  static float[] headMean(float[] perHead, int tokens, int[] heads) {
    float[] mean = new float[tokens];
    for (int j = 0; j < tokens; j++) {
      double sum = 0;
      for (int h : heads) {
        sum += perHead[h * tokens + j];
      }
      mean[j] = (float) (sum / heads.length);
    }
    return mean;
  }

  /**
   * Share of the total of {@code values} that falls on tokens passing {@code where}; NaN for a zero
   * total.
   */
  static double share(float[] values, IntPredicate where) {
    double total = 0;
    double part = 0;
    for (int j = 0; j < values.length; j++) {
      total += values[j];
      if (where.test(j)) {
        part += values[j];
      }
    }
    return total == 0 ? Double.NaN : part / total;
  }

  private static double maxWhere(float[] values, IntPredicate where) {
    double max = Double.NaN;
    for (int j = 0; j < values.length; j++) {
      if (where.test(j) && (Double.isNaN(max) || values[j] > max)) {
        max = values[j];
      }
    }
    return max;
  }

  private static int argMax(float[] values) {
    int best = 0;
    for (int j = 1; j < values.length; j++) {
      if (values[j] > values[best]) {
        best = j;
      }
    }
    return best;
  }

  private static List<SinkToken> topTokens(
      TokenLayout layout, float[] score, double[] ratio, int[] flagged, float[] guPercent, int k) {
    Integer[] order = IntStream.range(0, score.length).boxed().toArray(Integer[]::new);
    // largest first; ties keep sequence order
    Arrays.sort(order, (a, b) -> Float.compare(score[b], score[a]));
    List<SinkToken> top = new ArrayList<>();
    for (int i = 0; i < Math.min(k, order.length); i++) {
      int j = order[i];
      boolean isPatch = layout.kindOf(j) == TokenKind.PATCH;
      int patch = j - layout.firstPatchIndex();
      top.add(
          new SinkToken(
              j,
              layout.kindOf(j),
              isPatch ? patch / layout.gridCols() : -1,
              isPatch ? patch % layout.gridCols() : -1,
              score[j],
              ratio[j],
              Arrays.binarySearch(flagged, j) >= 0,
              guPercent == null ? Double.NaN : guPercent[j]));
    }
    return List.copyOf(top);
  }

  private static double meanOver(int[] blocks, IntToDoubleFunction value) {
    double sum = 0;
    for (int b : blocks) {
      sum += value.applyAsDouble(b);
    }
    return blocks.length == 0 ? Double.NaN : sum / blocks.length;
  }

  private static float[] toFloat(double[] values) {
    float[] narrow = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      narrow[i] = (float) values[i];
    }
    return narrow;
  }
}
