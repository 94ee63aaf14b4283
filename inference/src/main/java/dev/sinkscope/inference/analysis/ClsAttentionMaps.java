package dev.sinkscope.inference.analysis;

/**
 * CLS attention of one block over the patch grid, per head and head-averaged. Columns of CLS,
 * distillation, registers and test-time registers are left out before anything else, so the mass
 * threshold is computed over patches only.
 *
 * @param block 1-based block number
 * @param heads H
 * @param gridRows h
 * @param gridCols w
 * @param perHead {@code [H, h·w]} {@code A[h, CLS, patch]}, row-major grid
 * @param headMean {@code [h·w]} mean over heads
 * @param keptPerHead {@code [H, h·w]} DINO mass threshold per head
 * @param keptMass the mass share kept
 * @param min smallest value over all heads (for one colour scale per layer)
 * @param max largest value over all heads
 * @param patchMassPerHead {@code [H]} share of each head's CLS row that lands on patches
 */
public record ClsAttentionMaps(
    int block,
    int heads,
    int gridRows,
    int gridCols,
    float[] perHead,
    float[] headMean,
    boolean[] keptPerHead,
    double keptMass,
    double min,
    double max,
    float[] patchMassPerHead) {}
