package dev.sinkscope.app.report;

import dev.sinkscope.inference.analysis.PatchPca;
import dev.sinkscope.inference.analysis.PcaFeatures;
import dev.sinkscope.render.LegendRenderer;
import dev.sinkscope.render.LegendStyle;
import dev.sinkscope.render.RgbGrid;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How PCA colours are shown: each component stretched over its 1st–99th percentile of the patches
 * (a few high-norm artifacts otherwise take the whole min-max range and leave every other patch
 * nearly black), and a key that says which component each colour is, of which features, and the
 * range it spans. No toolkit.
 */
public final class PcaColours {
  /** The percentiles each component's colour spans. */
  public static final double LOW_PERCENTILE = 1;

  public static final double HIGH_PERCENTILE = 99;

  /** Width the key's notes wrap to, in pixels, when the rows are narrower. */
  public static final int KEY_WIDTH = 230;

  private PcaColours() {}

  /**
   * {@code pca}'s colours stretched per component; the percentiles are taken over the foreground
   * when the background was zeroed.
   */
  public static RgbGrid.Stretch stretch(PatchPca pca) {
    RgbGrid grid = new RgbGrid(pca.gridRows(), pca.gridCols(), pca.rgb().clone());
    boolean[] counted =
        pca.backgroundZeroed() && pca.foregroundCount() > 0 ? pca.foreground() : null;
    return grid.stretchedPerChannel(LOW_PERCENTILE, HIGH_PERCENTILE, counted);
  }

  /** The key for {@code pca} shown with {@code stretch}. */
  public static LegendRenderer.Legend key(
      PatchPca pca, RgbGrid.Stretch stretch, LegendStyle style) {
    return LegendRenderer.rgbKey(
        "PCA colours", channels(pca), notes(pca, stretch), KEY_WIDTH, style);
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
                  ? String.format(Locale.ROOT, ", %.0f %% of variance", 100 * share)
                  : ""));
    }
    return rows;
  }

  public static List<String> notes(PatchPca pca, RgbGrid.Stretch stretch) {
    List<String> notes = new ArrayList<>();
    String features =
        pca.features() == PcaFeatures.LAST_HIDDEN_STATE
            ? "the final features (last_hidden_state)"
            : "block " + pca.block() + "'s output";
    notes.add(
        "Principal components of the patch features of "
            + features
            + (pca.refitOnForeground()
                ? ", fitted on the " + pca.foregroundCount() + " foreground patches"
                : "")
            + (pca.backgroundZeroed() ? "; background patches black" : "")
            + ".");
    StringBuilder range =
        new StringBuilder(
            "Each colour spans its component's 1st–99th percentile over the patches;"
                + " beyond is clamped. Of each component's full range:");
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
