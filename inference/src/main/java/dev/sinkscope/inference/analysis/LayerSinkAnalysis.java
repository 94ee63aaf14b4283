package dev.sinkscope.inference.analysis;

/**
 * Sink and CLS-capture metrics of one block. Head means use the heads selected in {@link
 * SinkOptions}. Shares are fractions of the total mass of the row or vector they come from; NaN
 * when the input is missing (no CLS, no test-time register).
 *
 * @param block 1-based block number
 * @param querySet query rows behind the received attention
 * @param heads H
 * @param receivedPerHead {@code [H, T]} received attention per head
 * @param received {@code [T]} head-mean received attention (the per-layer sink score)
 * @param clsCapture {@code [T]} {@code c_j = mean_h A[h, 0, j]}; null without CLS
 * @param sinkMassOnArtifacts share of {@code received} on this block's artifact patches
 * @param sinkMassOnRegisters share of {@code received} on trained registers
 * @param sinkMassOnTestTimeRegisters share of {@code received} on test-time registers
 * @param clsCaptureOnArtifacts share of the CLS row on this block's artifact patches
 * @param clsCaptureOnRegisters share of the CLS row on trained registers
 * @param clsCaptureOnTestTimeRegisters share of the CLS row on test-time registers
 * @param maxClsOnPatches largest {@code c_j} over patches
 * @param maxClsOnTestTimeRegisters largest {@code c_j} over test-time registers (NaN when none)
 * @param topSinkToken token with the largest {@code received}
 * @param topSinkRatio its {@code T · received}
 * @param spearmanNormVsLayerSink Spearman over all tokens between this block's norms and {@code
 *     received}
 * @param spearmanNormVsSink Spearman over all tokens between this block's norms and the whole-pass
 *     score
 */
public record LayerSinkAnalysis(
    int block,
    QuerySet querySet,
    int heads,
    float[] receivedPerHead,
    float[] received,
    float[] clsCapture,
    double sinkMassOnArtifacts,
    double sinkMassOnRegisters,
    double sinkMassOnTestTimeRegisters,
    double clsCaptureOnArtifacts,
    double clsCaptureOnRegisters,
    double clsCaptureOnTestTimeRegisters,
    double maxClsOnPatches,
    double maxClsOnTestTimeRegisters,
    int topSinkToken,
    double topSinkRatio,
    double spearmanNormVsLayerSink,
    double spearmanNormVsSink) {}
