package dev.sinkscope.app.gui.canvas;

import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.LayerSummary;
import java.util.List;

/**
 * Per-block curves for the layer slider's sparkline and the comparison charts (index block - 1).
 *
 * @param maxOverMedian patch-norm max / median
 * @param topSinkShare share of all attention received by the strongest sink token
 * @param sinkMassOnArtifacts share of received attention that lands on artifact patches
 * @param clsOnRegisters share of the CLS row on trained and test-time registers
 * @param artifactCount artifact patches by the chosen rule
 * @param emergenceBlock 1-based emergence block, or -1
 */
public record LayerProfile(
    double[] maxOverMedian,
    double[] topSinkShare,
    double[] sinkMassOnArtifacts,
    double[] clsOnRegisters,
    double[] artifactCount,
    int emergenceBlock) {

  public static LayerProfile of(AnalysisReport report) {
    List<LayerSummary> rows = report.summaries();
    int n = rows.size();
    double[] ratio = new double[n];
    double[] top = new double[n];
    double[] onArtifacts = new double[n];
    double[] clsRegisters = new double[n];
    double[] artifacts = new double[n];
    int tokens = report.layout().totalTokens();
    for (int i = 0; i < n; i++) {
      LayerSummary s = rows.get(i);
      ratio[i] = s.maxOverMedian();
      top[i] = s.topSinkRatio() / tokens;
      onArtifacts[i] = s.sinkMassOnArtifacts();
      clsRegisters[i] = s.clsCaptureOnRegisters();
      artifacts[i] = s.artifactCount();
    }
    return new LayerProfile(
        ratio,
        top,
        onArtifacts,
        clsRegisters,
        artifacts,
        report.emergence().found() ? report.emergence().block() : -1);
  }

  public int blocks() {
    return maxOverMedian.length;
  }
}
