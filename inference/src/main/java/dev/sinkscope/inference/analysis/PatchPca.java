package dev.sinkscope.inference.analysis;

/**
 * Patch features projected on three principal components and scaled to colours.
 *
 * @param features feature source
 * @param block 1-based block for BLOCK_OUTPUT, 0 for LAST_HIDDEN_STATE
 * @param gridRows h
 * @param gridCols w
 * @param rgb {@code [h·w, 3]} components 1–3 min–max scaled over all patches to [0, 1], background
 *     zeroed when {@code backgroundZeroed}
 * @param foreground {@code [h·w]} patches on the positive side of the oriented first component
 * @param firstComponent {@code [h·w]} projection on the oriented first component of the all-patch
 *     PCA
 * @param foregroundCount number of foreground patches
 * @param foregroundFraction {@code foregroundCount / (h·w)}
 * @param firstComponentFlipped whether the orientation rule reversed the first component
 * @param refitOnForeground whether the colour components come from a PCA on the foreground patches
 * @param backgroundZeroed whether background patches were set to 0
 * @param eigenvalues {@code [3]} variances of the colour components
 * @param explainedVarianceRatio {@code [3]} their share of the total variance of the fitted patches
 * @param converged whether the eigen solver converged for every fit
 * @param note what was done, e.g. why a refit was skipped
 */
public record PatchPca(
    PcaFeatures features,
    int block,
    int gridRows,
    int gridCols,
    float[] rgb,
    boolean[] foreground,
    float[] firstComponent,
    int foregroundCount,
    double foregroundFraction,
    boolean firstComponentFlipped,
    boolean refitOnForeground,
    boolean backgroundZeroed,
    double[] eigenvalues,
    double[] explainedVarianceRatio,
    boolean converged,
    String note) {}
