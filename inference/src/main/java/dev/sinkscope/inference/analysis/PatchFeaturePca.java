package dev.sinkscope.inference.analysis;

import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.TokenLayout;
import java.util.Arrays;

/**
 * The DINOv2 PCA view (methods §6): PCA over all patches, foreground = positive side of the first
 * component oriented to hold fewer than half of the patches [proposal], optional refit on the
 * foreground, three components min–max scaled to RGB over all patches, background optionally black.
 */
public final class PatchFeaturePca {

  static final int COMPONENTS = 3;

  /** Fewer foreground patches than this cannot support a three-component refit. */
  private static final int MIN_REFIT_PATCHES = COMPONENTS + 1;

  private PatchFeaturePca() {}

  /**
   * @param tokens {@code [T, D]} block output or last hidden state
   * @param layout token layout; only patch rows are used
   */
  public static PatchPca compute(
      FloatTensor tokens,
      TokenLayout layout,
      PcaFeatures features,
      int block,
      boolean refitOnForeground,
      boolean zeroBackground) {
    if (tokens.rank() != 2 || tokens.dim(0) != layout.totalTokens()) {
      throw new IllegalArgumentException(
          "tokens must be [T, D] with T = " + layout.totalTokens() + ", got " + tokens);
    }
    int dims = tokens.dim(1);
    int patches = layout.patchCount();
    float[] patchFeatures =
        Arrays.copyOfRange(
            tokens.data(),
            layout.firstPatchIndex() * dims,
            (layout.firstPatchIndex() + patches) * dims); // [h·w, D]
    int k = Math.min(COMPONENTS, Math.min(patches, dims));
    PcaFit all = PrincipalComponents.fit(patchFeatures, patches, dims, null, k);
    double[] allProjections = all.project(patchFeatures, patches); // [h·w, k]

    // orientation: the positive (foreground) side must be the smaller one; ties keep the canonical
    // sign
    int positive = 0;
    int negative = 0;
    for (int p = 0; p < patches; p++) {
      double v = allProjections[p * k];
      positive += v > 0 ? 1 : 0;
      negative += v < 0 ? 1 : 0;
    }
    boolean flipped = positive > negative;
    if (flipped) {
      all.flipAxis(0);
      for (int p = 0; p < patches; p++) {
        allProjections[p * k] = -allProjections[p * k];
      }
    }
    boolean[] foreground = new boolean[patches];
    float[] firstComponent = new float[patches];
    int foregroundCount = 0;
    for (int p = 0; p < patches; p++) {
      firstComponent[p] = (float) allProjections[p * k];
      foreground[p] = allProjections[p * k] > 0;
      foregroundCount += foreground[p] ? 1 : 0;
    }

    PcaFit colourFit = all;
    double[] colourProjections = allProjections;
    String note = "PCA on all " + patches + " patches";
    boolean refitted = false;
    if (refitOnForeground) {
      if (foregroundCount >= MIN_REFIT_PATCHES) {
        int[] rows = new int[foregroundCount];
        for (int p = 0, i = 0; p < patches; p++) {
          if (foreground[p]) {
            rows[i++] = p;
          }
        }
        colourFit = PrincipalComponents.fit(patchFeatures, patches, dims, rows, k);
        colourProjections = colourFit.project(patchFeatures, patches);
        refitted = true;
        note = "colours from a PCA refitted on " + foregroundCount + " foreground patches";
      } else {
        note =
            "refit skipped: only "
                + foregroundCount
                + " foreground patches; colours from the all-patch PCA";
      }
    }

    float[] rgb = new float[patches * COMPONENTS]; // [h·w, 3]
    for (int c = 0; c < k; c++) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int p = 0; p < patches; p++) {
        min = Math.min(min, colourProjections[p * k + c]);
        max = Math.max(max, colourProjections[p * k + c]);
      }
      double range = max - min;
      for (int p = 0; p < patches; p++) {
        rgb[p * COMPONENTS + c] =
            range > 0 ? (float) ((colourProjections[p * k + c] - min) / range) : 0f;
      }
    }
    if (zeroBackground) {
      for (int p = 0; p < patches; p++) {
        if (!foreground[p]) {
          Arrays.fill(rgb, p * COMPONENTS, (p + 1) * COMPONENTS, 0f);
        }
      }
    }
    return new PatchPca(
        features,
        block,
        layout.gridRows(),
        layout.gridCols(),
        rgb,
        foreground,
        firstComponent,
        foregroundCount,
        (double) foregroundCount / patches,
        flipped,
        refitted,
        zeroBackground,
        Arrays.copyOf(colourFit.eigenvalues(), COMPONENTS),
        Arrays.copyOf(colourFit.explainedVarianceRatio(), COMPONENTS),
        all.converged() && colourFit.converged(),
        note);
  }
}
