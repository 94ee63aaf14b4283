package dev.sinkscope.app.report;

import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.PatchPca;
import dev.sinkscope.inference.analysis.PcaFeatures;
import dev.sinkscope.inference.pipeline.InspectionPipeline;
import dev.sinkscope.render.LegendRenderer;
import dev.sinkscope.render.LegendStyle;
import dev.sinkscope.render.RgbGrid;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How PCA colours are shown: each component stretched over its 1st–99th percentile of the patches
 * that are not artifacts (a few high-norm artifacts otherwise take the whole min-max range and
 * leave every other patch nearly black), and a key that says which component each colour is, of
 * which features, and the range it spans. No toolkit.
 */
public final class PcaColours {
  /** The percentiles each component's colour spans. */
  public static final double LOW_PERCENTILE = 1;

  public static final double HIGH_PERCENTILE = 99;

  /** Width the key's notes wrap to, in pixels, when the rows are narrower. */
  public static final int KEY_WIDTH = 190;

  private PcaColours() {}

  /** {@code pca}'s colours stretched per component over all its patches. */
  public static RgbGrid.Stretch stretch(PatchPca pca) {
    return stretch(pca, new int[0]);
  }

  /**
   * {@code pca}'s colours stretched per component; the percentiles are taken over the patches that
   * are not artifacts (and over the foreground when the background was zeroed), so the artifacts
   * clamp to the end colours instead of setting the range.
   *
   * @param artifactPatches row-major indices of the artifact patches at the PCA's block
   */
  public static RgbGrid.Stretch stretch(PatchPca pca, int[] artifactPatches) {
    RgbGrid grid = new RgbGrid(pca.gridRows(), pca.gridCols(), pca.rgb().clone());
    return grid.stretchedPerChannel(LOW_PERCENTILE, HIGH_PERCENTILE, counted(pca, artifactPatches));
  }

  /**
   * The artifact patches (row-major) of 1-based {@code block} in {@code report}; none if unknown.
   */
  public static int[] artifacts(AnalysisReport report, int block) {
    return InspectionPipeline.artifactPatches(report, block);
  }

  /** Patches the percentiles are taken over, or null for all. */
  static boolean[] counted(PatchPca pca, int[] artifactPatches) {
    int n = pca.gridRows() * pca.gridCols();
    boolean zeroed = pca.backgroundZeroed() && pca.foregroundCount() > 0;
    if (!zeroed && artifactPatches.length == 0) {
      return null;
    }
    boolean[] counted = new boolean[n];
    for (int p = 0; p < n; p++) {
      counted[p] = !zeroed || pca.foreground()[p];
    }
    for (int p : artifactPatches) {
      if (p >= 0 && p < n) {
        counted[p] = false;
      }
    }
    int left = 0;
    for (boolean c : counted) {
      left += c ? 1 : 0;
    }
    return left >= 2 ? counted : null;
  }

  /** The key for {@code pca} shown with {@code stretch} ({@code artifactPatches} left out). */
  public static LegendRenderer.Legend key(
      PatchPca pca, RgbGrid.Stretch stretch, int[] artifactPatches, LegendStyle style) {
    return LegendRenderer.rgbKey(
        "PCA colours", channels(pca), notes(pca, stretch, artifactPatches), KEY_WIDTH, style);
  }

  /** "R = PC1, 41 % of variance", then G and B. */
  public static List<String> channels(PatchPca pca) {
    String[] colour = {"R", "G", "B"};
    List<String> rows = new ArrayList<>();
    for (int c = 0; c < 3; c++) {
      double share =
          pca.explainedVarianceRatio() != null && pca.explainedVarianceRatio().length > c
              ? pca.explainedVarianceRatio()[c]
              : Double.NaN;
      rows.add(
          colour[c]
              + " = PC"
              + (c + 1)
              + (Double.isFinite(share)
                  ? String.format(Locale.ROOT, ", %.0f %% of var.", 100 * share)
                  : ""));
    }
    return rows;
  }

  public static List<String> notes(PatchPca pca, RgbGrid.Stretch stretch, int[] artifactPatches) {
    List<String> notes = new ArrayList<>();
    String features =
        pca.features() == PcaFeatures.LAST_HIDDEN_STATE
            ? "the final features (last_hidden_state)"
            : "block " + pca.block() + "'s output";
    notes.add(
        "Principal components (var.: share of the variance) of the patch features of "
            + features
            + (pca.backgroundZeroed() ? "; background black" : "")
            + ". "
            + Character.toUpperCase(pca.note().charAt(0))
            + pca.note().substring(1)
            + ".");
    StringBuilder range =
        new StringBuilder(
            "Each colour spans its component's 1st–99th percentile over the patches"
                + (counted(pca, artifactPatches) != null && artifactPatches.length > 0
                    ? " that are not artifacts (artifacts clamp)"
                    : "")
                + ", that is, of its full range:");
    for (int c = 0; c < 3; c++) {
      range.append(
          String.format(
              Locale.ROOT,
              " PC%d %.0f–%.0f %%%s",
              c + 1,
              100 * stretch.lo()[c],
              100 * stretch.hi()[c],
              c < 2 ? "," : "."));
    }
    notes.add(range.toString());
    return notes;
  }
}
