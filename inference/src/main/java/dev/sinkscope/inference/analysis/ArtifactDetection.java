package dev.sinkscope.inference.analysis;

import java.util.List;

/**
 * One detection rule applied to the patch norms of one block.
 *
 * @param requestedRule rule asked for
 * @param appliedRule rule that decided (differs only when rule C fell back to B)
 * @param verdict outcome
 * @param threshold cut in norm units (strict {@code >}); NaN when the rule had none or rule D found
 *     no accepted split
 * @param count number of artifact patches
 * @param fraction {@code count / patchCount}
 * @param patchIndices row-major patch indices {@code row * gridCols + col}, ascending
 * @param tokenIndices the same patches as sequence positions
 * @param positions the same patches as grid cells
 * @param fellBack true when rule C fell back to rule B because MAD = 0
 * @param note short explanation, e.g. "MAD = 0, fell back to rule B: ..."
 */
public record ArtifactDetection(
    DetectionRule requestedRule,
    DetectionRule appliedRule,
    DetectionVerdict verdict,
    double threshold,
    int count,
    double fraction,
    int[] patchIndices,
    int[] tokenIndices,
    List<GridPosition> positions,
    boolean fellBack,
    String note) {}
