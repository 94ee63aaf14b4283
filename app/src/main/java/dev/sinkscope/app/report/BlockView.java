package dev.sinkscope.app.report;

import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.ArtifactDetection;
import dev.sinkscope.inference.analysis.GridPosition;
import dev.sinkscope.inference.analysis.LayerNormAnalysis;
import dev.sinkscope.inference.analysis.SinkToken;
import dev.sinkscope.inference.result.TokenKind;
import dev.sinkscope.render.Marker;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the pictures of one block mark and say: artifact patches, sink patches, a one-line caption. */
public final class BlockView {
  /** More artifacts than this are counted in the caption but not ringed one by one. */
  public static final int MAX_ARTIFACT_MARKERS = 64;
  public static final int MAX_SINK_MARKERS = 5;
  /** A marked sink receives at least this multiple of the uniform share of attention (rho = T x score). */
  public static final double MIN_SINK_RATIO = 2.0;

  private BlockView() {}

  /**
   * Sinks first (the whole-pass flagged patch sinks with rho of at least {@link #MIN_SINK_RATIO},
   * strongest first, numbered), then the block's
   * artifact patches, so where both sit the red artifact ring shows around the yellow sink ring.
   */
  public static List<Marker> markers(AnalysisReport report, int block) {
    List<Marker> markers = new ArrayList<>();
    if (report.sinks() != null) {
      int rank = 0;
      for (SinkToken s : report.sinks().top()) {
        if (s.flagged() && s.kind() == TokenKind.PATCH && s.ratio() >= MIN_SINK_RATIO && rank < MAX_SINK_MARKERS) {
          markers.add(Marker.sink(s.row(), s.col(), ++rank));
        }
      }
    }
    ArtifactDetection artifacts = normsOf(report, block).artifacts();
    if (artifacts.count() <= MAX_ARTIFACT_MARKERS) {
      for (GridPosition p : artifacts.positions()) {
        markers.add(Marker.artifact(p.row(), p.col(), 0));
      }
    }
    return markers;
  }

  /** E.g. "coffee.png: 9 artifact patches (bimodal split, norm > 61.2); strongest sink: patch (7, 13), rho 21.4". */
  public static String caption(String imageName, AnalysisReport report, int block) {
    ArtifactDetection a = normsOf(report, block).artifacts();
    StringBuilder b = new StringBuilder(imageName).append(": ");
    b.append(a.count()).append(a.count() == 1 ? " artifact patch" : " artifact patches");
    b.append(" (").append(ruleName(a.appliedRule().name()));
    if (Double.isFinite(a.threshold())) {
      b.append(String.format(Locale.ROOT, ", norm > %.4g", a.threshold()));
    }
    b.append(')');
    if (report.sinks() != null && !report.sinks().top().isEmpty()) {
      SinkToken s = report.sinks().top().get(0);
      b.append("; strongest sink: ").append(s.kind() == TokenKind.PATCH
          ? "patch (" + s.row() + ", " + s.col() + ")" : s.kind().name().toLowerCase(Locale.ROOT).replace('_', '-')
          + " token " + s.token());
      b.append(String.format(Locale.ROOT, ", rho %.3g", s.ratio()));
    }
    return b.toString();
  }

  public static LayerNormAnalysis normsOf(AnalysisReport report, int block) {
    for (LayerNormAnalysis n : report.norms()) {
      if (n.block() == block) {
        return n;
      }
    }
    throw new IllegalArgumentException("block " + block + " was not analysed");
  }

  public static String ruleName(String rule) {
    return rule.toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
