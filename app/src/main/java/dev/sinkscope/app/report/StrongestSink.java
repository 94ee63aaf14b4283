package dev.sinkscope.app.report;

import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.LayerSinkAnalysis;
import dev.sinkscope.inference.analysis.LayerSummary;
import dev.sinkscope.inference.analysis.SinkScores;
import dev.sinkscope.inference.result.TokenKind;
import dev.sinkscope.inference.result.TokenLayout;
import dev.sinkscope.render.Marker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The one definition of "the strongest sink" and of the ringed sink patches at a block, shared by
 * the window (inspector, canvas rings) and {@code report} (captions, rings): the token that
 * receives the most attention at that block, written as its ratio to the uniform share (T x
 * received).
 *
 * @param token sequence index of the token
 * @param ratio T x the attention it receives (1 = uniform)
 */
public record StrongestSink(int token, double ratio) {
  /** At most this many sink rings per block: the strongest ones. */
  public static final int MAX_SINK_MARKERS = 8;

  /** A ringed sink receives at least this many times the uniform share. */
  public static final double MIN_SINK_RATIO = 2.0;

  /** Only the strongest few rings carry a rank number. */
  public static final int RANKED_SINK_MARKERS = 3;

  /** The strongest sink at 1-based {@code block}, or null where the block has no attention. */
  public static StrongestSink at(AnalysisReport report, int block) {
    for (LayerSummary s : report.summaries()) {
      if (s.block() == block) {
        return s.topSinkToken() < 0 ? null : new StrongestSink(s.topSinkToken(), s.topSinkRatio());
      }
    }
    return null;
  }

  /** E.g. "TTR 1, 217.5× uniform" or "patch (6, 13), 21.40× uniform". */
  public String describe(TokenLayout layout) {
    return tokenName(layout, token) + ", " + number(ratio) + "× uniform";
  }

  /**
   * Display name of a token: "CLS", "reg 1", "TTR 1", "patch (row, col)" (row and column from 0).
   */
  public static String tokenName(TokenLayout layout, int token) {
    TokenKind kind = layout.kindOf(token);
    return switch (kind) {
      case CLS -> "CLS";
      case DISTILLATION -> "dist";
      case REGISTER -> "reg " + (token - layout.firstRegisterIndex() + 1);
      case TEST_TIME_REGISTER -> "TTR " + (token - layout.firstTestTimeRegisterIndex() + 1);
      default -> {
        int patch = token - layout.firstPatchIndex();
        yield patchName(patch / layout.gridCols(), patch % layout.gridCols());
      }
    };
  }

  /**
   * The one way a patch is written: "patch (row, col)", both counted from 0 as in exported JSON.
   */
  public static String patchName(int row, int col) {
    return "patch (" + row + ", " + col + ")";
  }

  /**
   * The ringed sink patches at {@code block}: patches whose T x received passes both the whole-pass
   * sink flag cut and {@link #MIN_SINK_RATIO}; strongest first, at most {@link #MAX_SINK_MARKERS}.
   */
  public static List<Integer> sinkPatches(AnalysisReport report, int block) {
    SinkScores scores = report.sinks();
    LayerSinkAnalysis layer = null;
    if (report.sinkLayers() != null) {
      for (LayerSinkAnalysis s : report.sinkLayers()) {
        if (s.block() == block) {
          layer = s;
        }
      }
    }
    if (scores == null || layer == null) {
      return List.of();
    }
    double cut =
        Math.max(
            MIN_SINK_RATIO,
            Double.isFinite(scores.flagThresholdRatio())
                ? scores.flagThresholdRatio()
                : MIN_SINK_RATIO);
    TokenLayout layout = report.layout();
    float[] received = layer.received();
    int t = received.length;
    List<Integer> tokens = new ArrayList<>();
    for (int j = layout.firstPatchIndex();
        j < layout.firstPatchIndex() + layout.patchCount();
        j++) {
      if (t * received[j] > cut) {
        tokens.add(j);
      }
    }
    tokens.sort(Comparator.comparingDouble((Integer j) -> received[j]).reversed());
    return tokens.size() > MAX_SINK_MARKERS
        ? List.copyOf(tokens.subList(0, MAX_SINK_MARKERS))
        : tokens;
  }

  /** Rings for {@link #sinkPatches}, the strongest {@link #RANKED_SINK_MARKERS} numbered from 1. */
  public static List<Marker> sinkMarkers(AnalysisReport report, int block) {
    TokenLayout layout = report.layout();
    List<Marker> markers = new ArrayList<>();
    int rank = 0;
    for (int token : sinkPatches(report, block)) {
      int patch = token - layout.firstPatchIndex();
      rank++;
      markers.add(
          Marker.sink(
              patch / layout.gridCols(),
              patch % layout.gridCols(),
              rank <= RANKED_SINK_MARKERS ? rank : 0));
    }
    return markers;
  }

  /**
   * About four significant digits, no exponent for ordinary magnitudes; "–" for NaN (the window's
   * style).
   */
  public static String number(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "∞" : "-∞";
    }
    double a = Math.abs(v);
    if (a == 0) {
      return "0";
    }
    if (v == Math.rint(v) && a < 1e5) {
      return String.format(Locale.ROOT, "%d", (long) v);
    }
    if (a >= 1e5 || a < 1e-3) {
      return String.format(Locale.ROOT, "%.3g", v);
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (a >= 1) {
      return String.format(Locale.ROOT, "%.3f", v);
    }
    return String.format(Locale.ROOT, "%.4f", v);
  }
}
