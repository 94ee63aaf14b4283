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
    return compute(tokens, layout, features, block, refitOnForeground, zeroBackground, new int[0]);
  }

  /**
   * As {@link #compute(FloatTensor, TokenLayout, PcaFeatures, int, boolean, boolean)} with the
   * {@code excluded} patches (high-norm artifacts) left out of every fit, of the orientation count
   * and of the foreground [proposal]: otherwise their variance takes the first component, the
   * "foreground" becomes the artifacts and the zeroed background leaves the picture black
   * everywhere else. Excluded patches are projected and coloured like the others, never zeroed.
   *
   * @param excluded row-major patch indices; empty: the plain recipe
   */
  public static PatchPca compute(
      FloatTensor tokens,
      TokenLayout layout,
      PcaFeatures features,
      int block,
      boolean refitOnForeground,
      boolean zeroBackground,
      int[] excluded) {
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
    boolean[] left = new boolean[patches];
    for (int p : excluded) {
      if (p >= 0 && p < patches) {
        left[p] = true;
      }
    }
    int[] fitted = java.util.stream.IntStream.range(0, patches).filter(p -> !left[p]).toArray();
    boolean excluding = fitted.length < patches && fitted.length > COMPONENTS;
    if (!excluding) {
      Arrays.fill(left, false);
    }
    int k = Math.min(COMPONENTS, Math.min(patches, dims));
    PcaFit all =
        PrincipalComponents.fit(patchFeatures, patches, dims, excluding ? fitted : null, k);
    double[] allProjections = all.project(patchFeatures, patches); // [h·w, k]

    // orientation: the positive (foreground) side must be the smaller one; ties keep the canonical
    // sign
    int positive = 0;
    int negative = 0;
    for (int p = 0; p < patches; p++) {
      if (left[p]) {
        continue;
      }
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
      foreground[p] = !left[p] && allProjections[p * k] > 0;
      foregroundCount += foreground[p] ? 1 : 0;
    }

    PcaFit colourFit = all;
    double[] colourProjections = allProjections;
    String note =
        excluding
            ? "PCA on the "
                + fitted.length
                + " patches that are not artifacts ("
                + (patches - fitted.length)
                + " left out)"
            : "PCA on all " + patches + " patches";
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
        note += "; colours from a PCA refitted on " + foregroundCount + " foreground patches";
      } else {
        note +=
            "; refit skipped: only "
                + foregroundCount
                + " foreground patches; colours from the first PCA";
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
        if (!foreground[p] && !left[p]) {
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
