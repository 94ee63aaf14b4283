package dev.sinkscope.inference.analysis;

/**
 * One row of the per-block table in the GUI and CLI. NaN marks a metric whose input was not
 * captured (attention maps, CLS token).
 *
 * @param block 1-based block number
 * @param patchNormMin smallest patch norm
 * @param patchNormMedian median patch norm
 * @param patchNormMax largest patch norm
 * @param maxOverMedian {@code patchNormMax / patchNormMedian}
 * @param rule the detection rule chosen in the options
 * @param appliedRule the rule that decided (B when C fell back)
 * @param verdict its verdict
 * @param artifactThreshold its cut in norm units
 * @param artifactCount artifact patches
 * @param artifactFraction artifact patches / all patches
 * @param sinkMassOnArtifacts share of the head-mean received attention on the artifact patches
 * @param clsCaptureOnArtifacts share of the head-mean CLS row on the artifact patches
 * @param clsCaptureOnRegisters share of the head-mean CLS row on trained and test-time registers
 * @param topSinkToken token receiving the most attention (-1 without attention)
 * @param topSinkRatio its {@code T · received}
 * @param massiveActivationCount entries passing the massive-activation cuts
 */
public record LayerSummary(
    int block,
    double patchNormMin,
    double patchNormMedian,
    double patchNormMax,
    double maxOverMedian,
    DetectionRule rule,
    DetectionRule appliedRule,
    DetectionVerdict verdict,
    double artifactThreshold,
    int artifactCount,
    double artifactFraction,
    double sinkMassOnArtifacts,
    double clsCaptureOnArtifacts,
    double clsCaptureOnRegisters,
    int topSinkToken,
    double topSinkRatio,
    int massiveActivationCount) {}
