package dev.sinkscope.app.gui.lessons;

import dev.sinkscope.app.gui.canvas.LayerMaps;
import dev.sinkscope.app.gui.session.AnalyzedPass;
import dev.sinkscope.app.gui.session.ViewOutcome;
import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.LayerSummary;
import dev.sinkscope.inference.result.LayerCapture;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The numbers a lesson's placeholders stand for, read from the run on screen. Per-block values are
 * at the step's block; {@code before…}/{@code after…} come from the comparison (left and right
 * pass) and are "n/a" without one. Names are listed in {@link #NAMES}.
 */
public final class LessonValues {
  /** Every placeholder a lesson may use. */
  public static final List<String> NAMES =
      List.of(
          "model",
          "photo",
          "blocks",
          "block",
          "tokens",
          "patches",
          "uniformShare",
          "emergenceBlock",
          "artifactCount",
          "maxOverMedian",
          "patchNormMedian",
          "patchNormMax",
          "sinkMass",
          "clsCaptureArtifacts",
          "clsCaptureRegisters",
          "topSink",
          "topSinkRatio",
          "massiveActivations",
          "rowSumMin",
          "rowSumMean",
          "rowSumMax",
          "firstMaxOverMedian",
          "lastArtifactCount",
          "lastMaxOverMedian",
          "mitigations",
          "leftLabel",
          "rightLabel",
          "beforeArtifactCount",
          "afterArtifactCount",
          "beforeMaxOverMedian",
          "afterMaxOverMedian",
          "beforeSinkMass",
          "afterSinkMass",
          "beforeClsCaptureRegisters",
          "afterClsCaptureRegisters",
          "beforeRowSumMean",
          "afterRowSumMean",
          "beforeEmergenceBlock",
          "afterEmergenceBlock");

  public static final String NOT_AVAILABLE = "n/a";

  /** What a value reads while the rest of the analysis is computed after the picture. */
  public static final String COMPUTING = "computing…";

  /** The values that come from the part of the analysis computed after the first picture. */
  private static final List<String> LATER =
      List.of(
          "sinkMass",
          "clsCaptureArtifacts",
          "clsCaptureRegisters",
          "topSink",
          "topSinkRatio",
          "massiveActivations",
          "rowSumMin",
          "rowSumMean",
          "rowSumMax");

  private static final List<String> LATER_PAIRED =
      List.of(
          "beforeSinkMass",
          "afterSinkMass",
          "beforeClsCaptureRegisters",
          "afterClsCaptureRegisters",
          "beforeRowSumMean",
          "afterRowSumMean");

  private LessonValues() {}

  /** The values for a run; {@code block} is 1-based (clamped to the model). */
  public static Map<String, String> of(
      ViewOutcome outcome, AnalyzedPass left, AnalyzedPass right, int block) {
    Map<String, String> v = new LinkedHashMap<>();
    NAMES.forEach(n -> v.put(n, NOT_AVAILABLE));
    if (outcome == null || outcome.primary() == null) {
      return v;
    }
    AnalyzedPass pass = outcome.primary();
    AnalysisReport report = pass.report();
    int b = Math.max(1, Math.min(pass.blocks(), block));
    LayerSummary s = report.summaries().get(b - 1);
    var layout = pass.result().layout();
    v.put("model", pass.model().displayName());
    v.put("photo", outcome.image() == null ? NOT_AVAILABLE : outcome.image().displayName());
    v.put("blocks", Integer.toString(pass.blocks()));
    v.put("block", Integer.toString(b));
    v.put("tokens", Integer.toString(layout.totalTokens()));
    v.put("patches", Integer.toString(layout.patchCount()));
    v.put("uniformShare", percent(1.0 / layout.totalTokens()));
    v.put("emergenceBlock", emergence(report));
    v.put("artifactCount", Integer.toString(s.artifactCount()));
    v.put("maxOverMedian", number(s.maxOverMedian()));
    v.put("patchNormMedian", number(s.patchNormMedian()));
    v.put("patchNormMax", number(s.patchNormMax()));
    v.put("sinkMass", percent(s.sinkMassOnArtifacts()));
    v.put("clsCaptureArtifacts", percent(s.clsCaptureOnArtifacts()));
    v.put("clsCaptureRegisters", percent(s.clsCaptureOnRegisters()));
    if (s.topSinkToken() >= 0) {
      v.put("topSink", LayerMaps.tokenName(layout, s.topSinkToken()));
      v.put("topSinkRatio", number(s.topSinkRatio()));
    }
    v.put("massiveActivations", Integer.toString(s.massiveActivationCount()));
    double[] rows = rowSums(pass, b);
    if (rows != null) {
      v.put("rowSumMin", number(rows[0]));
      v.put("rowSumMean", number(rows[1]));
      v.put("rowSumMax", number(rows[2]));
    }
    v.put("firstMaxOverMedian", number(report.summaries().get(0).maxOverMedian()));
    LayerSummary last = report.summaries().get(pass.blocks() - 1);
    v.put("lastArtifactCount", Integer.toString(last.artifactCount()));
    v.put("lastMaxOverMedian", number(last.maxOverMedian()));
    v.put(
        "mitigations",
        pass.mitigations().isEmpty()
            ? "none"
            : String.join(
                ", ", pass.mitigations().mitigations().stream().map(m -> m.spec()).toList()));
    if (left != null && right != null) {
      LayerSummary l = left.report().summaries().get(Math.min(b, left.blocks()) - 1);
      LayerSummary r = right.report().summaries().get(Math.min(b, right.blocks()) - 1);
      v.put("leftLabel", left.label());
      v.put("rightLabel", right.label());
      v.put("beforeArtifactCount", Integer.toString(l.artifactCount()));
      v.put("afterArtifactCount", Integer.toString(r.artifactCount()));
      v.put("beforeMaxOverMedian", number(l.maxOverMedian()));
      v.put("afterMaxOverMedian", number(r.maxOverMedian()));
      v.put("beforeSinkMass", percent(l.sinkMassOnArtifacts()));
      v.put("afterSinkMass", percent(r.sinkMassOnArtifacts()));
      v.put("beforeClsCaptureRegisters", percent(l.clsCaptureOnRegisters()));
      v.put("afterClsCaptureRegisters", percent(r.clsCaptureOnRegisters()));
      double[] lr = rowSums(left, Math.min(b, left.blocks()));
      double[] rr = rowSums(right, Math.min(b, right.blocks()));
      v.put("beforeRowSumMean", lr == null ? NOT_AVAILABLE : number(lr[1]));
      v.put("afterRowSumMean", rr == null ? NOT_AVAILABLE : number(rr[1]));
      v.put("beforeEmergenceBlock", emergence(left.report()));
      v.put("afterEmergenceBlock", emergence(right.report()));
      if (!left.analysisReady() || !right.analysisReady()) {
        LATER_PAIRED.forEach(n -> v.put(n, COMPUTING));
      }
    }
    if (!pass.analysisReady()) {
      // the rest of the analysis follows the picture (a lesson asks for it first; this is a run
      // made before the lesson opened)
      LATER.forEach(n -> v.put(n, COMPUTING));
    }
    return v;
  }

  private static String emergence(AnalysisReport report) {
    return report.emergence().found() ? Integer.toString(report.emergence().block()) : "none";
  }

  /**
   * Min, mean and max of the attention row sums of a block over all heads and queries (1 under
   * softmax), or null when the block's maps were not kept. Attention {@code [H, T, T]}, rows =
   * queries.
   */
  static double[] rowSums(AnalyzedPass pass, int block) {
    LayerCapture c = pass.result().layers().get(block - 1);
    if (c.attention() == null) {
      return null;
    }
    int t = c.tokens();
    float[] a = c.attention().data();
    int rows = a.length / t;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    double total = 0;
    for (int r = 0; r < rows; r++) {
      double sum = 0;
      for (int k = 0; k < t; k++) {
        sum += a[r * t + k];
      }
      lo = Math.min(lo, sum);
      hi = Math.max(hi, sum);
      total += sum;
    }
    return new double[] {lo, total / rows, hi};
  }

  /** Three significant digits, never an exponent for ordinary sizes. */
  static String number(double x) {
    if (Double.isNaN(x)) {
      return NOT_AVAILABLE;
    }
    if (x == Math.rint(x) && Math.abs(x) < 1e5) {
      return Long.toString((long) x);
    }
    double a = Math.abs(x);
    String s =
        a >= 100
            ? String.format(Locale.ROOT, "%.0f", x)
            : a >= 10
                ? String.format(Locale.ROOT, "%.1f", x)
                : a >= 0.01
                    ? String.format(Locale.ROOT, "%.3g", x)
                    : String.format(Locale.ROOT, "%.2g", x);
    // "1.00" reads as 1: a row sum of exactly one is the point of the softmax step
    return s.contains(".") && !s.contains("e") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  static String percent(double share) {
    return Double.isNaN(share) ? NOT_AVAILABLE : String.format(Locale.ROOT, "%.1f %%", 100 * share);
  }
}
