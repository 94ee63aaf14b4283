package dev.sinkscope.app.report;

import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.ArtifactDetection;
import dev.sinkscope.inference.analysis.GridPosition;
import dev.sinkscope.inference.analysis.LayerNormAnalysis;
import dev.sinkscope.render.Marker;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the pictures of one block mark and say: artifact patches, sink patches, a one-line caption.
 */
public final class BlockView {
  /** More artifacts than this are counted in the caption but not ringed one by one. */
  public static final int MAX_ARTIFACT_MARKERS = 64;

  private BlockView() {}

  /**
   * The block's ringed sink patches ({@link StrongestSink#sinkMarkers}, as the window rings them),
   * then its artifact patches; the compositor draws the sink rings inside the artifact rings.
   */
  public static List<Marker> markers(AnalysisReport report, int block) {
    List<Marker> markers = new ArrayList<>(StrongestSink.sinkMarkers(report, block));
    ArtifactDetection artifacts = normsOf(report, block).artifacts();
    if (artifacts.count() <= MAX_ARTIFACT_MARKERS) {
      for (GridPosition p : artifacts.positions()) {
        markers.add(Marker.artifact(p.row(), p.col(), 0));
      }
    }
    return markers;
  }

  /**
   * E.g. "coffee.png: 9 artifact patches (bimodal split, norm > 61.2); strongest sink: TTR 1,
   * 217.5× uniform; ring 1: patch (6, 13), 21.40× uniform". The strongest sink is the one the
   * window's inspector names ({@link StrongestSink}); ring 1 is named where it is another token.
   */
  public static String caption(String imageName, AnalysisReport report, int block) {
    ArtifactDetection a = normsOf(report, block).artifacts();
    StringBuilder b = new StringBuilder(imageName).append(": ");
    b.append(a.count()).append(a.count() == 1 ? " artifact patch" : " artifact patches");
    b.append(" (").append(ruleName(a.appliedRule().name()));
    if (Double.isFinite(a.threshold())) {
      b.append(", norm > ").append(StrongestSink.number(a.threshold()));
    }
    b.append(')');
    StrongestSink top = StrongestSink.at(report, block);
    if (top != null) {
      b.append("; strongest sink: ").append(top.describe(report.layout()));
      List<Integer> rings = StrongestSink.sinkPatches(report, block);
      if (!rings.isEmpty() && rings.get(0) != top.token()) {
        int ring = rings.get(0);
        double ratio = ratioAt(report, block, ring);
        b.append("; ring 1: ").append(new StrongestSink(ring, ratio).describe(report.layout()));
      }
    }
    return b.toString();
  }

  private static double ratioAt(AnalysisReport report, int block, int token) {
    for (var s : report.sinkLayers()) {
      if (s.block() == block) {
        return (double) s.received().length * s.received()[token];
      }
    }
    return Double.NaN;
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
