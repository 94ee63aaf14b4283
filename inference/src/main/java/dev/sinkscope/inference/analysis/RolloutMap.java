package dev.sinkscope.inference.analysis;

/**
 * Rollout relevance of the patches for the CLS token. All T tokens, registers included, take part
 * in the matrix products; only the patch columns of the CLS row are mapped.
 *
 * @param mode variant used
 * @param fusion head fusion used (MEAN in paper mode)
 * @param discardRatio discard ratio used (0 in paper mode)
 * @param blocks number of blocks rolled out (1..blocks)
 * @param gridRows h
 * @param gridCols w
 * @param raw {@code [h·w]} CLS row of R over the patch columns
 * @param normalized {@code [h·w]} {@code raw / max(raw)} (vit-explain's mask)
 * @param nonPatchMass share of the CLS row of R on CLS, distillation, registers and test-time
 *     registers
 */
public record RolloutMap(
    RolloutMode mode,
    HeadFusion fusion,
    double discardRatio,
    int blocks,
    int gridRows,
    int gridCols,
    float[] raw,
    float[] normalized,
    double nonPatchMass) {}
