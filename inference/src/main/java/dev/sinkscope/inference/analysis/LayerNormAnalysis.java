package dev.sinkscope.inference.analysis;

import java.util.List;

/**
 * Norms and artifacts of one block output.
 *
 * @param block 1-based block number
 * @param tokenNorms {@code [T]} L2 norm of every token in sequence order (pre-final-norm residual
 *     stream)
 * @param patchNorms statistics over the patch tokens only
 * @param nonPatchTokens norms of CLS, distillation, registers and test-time registers
 * @param artifacts result of the rule chosen in {@link DetectionOptions#rule()}
 * @param allRules results of rules A, B, C, D in that order
 * @param bimodal rule D details (histogram cut, class means), for the histogram view
 */
public record LayerNormAnalysis(
    int block,
    float[] tokenNorms,
    PatchNormStats patchNorms,
    List<TokenNorm> nonPatchTokens,
    ArtifactDetection artifacts,
    List<ArtifactDetection> allRules,
    BimodalSplit bimodal) {}
