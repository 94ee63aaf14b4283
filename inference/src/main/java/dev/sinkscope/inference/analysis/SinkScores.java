package dev.sinkscope.inference.analysis;

import java.util.List;

/**
 * Whole-pass sink scores: means over the selected blocks and heads.
 *
 * @param querySet query rows behind the received attention
 * @param blocks 1-based blocks averaged
 * @param heads 0-based heads averaged
 * @param score {@code [T]} sink score {@code s_j}
 * @param ratio {@code [T]} normalised sink ratio {@code ρ_j = T · s_j}
 * @param flaggedTokens tokens flagged as sinks (rule C on {@code log ρ}), ascending
 * @param flagThresholdRatio the flag cut in {@code ρ} units
 * @param flagFellBack true when the MAD of {@code log ρ} was 0 and rule B on {@code ρ} decided
 * @param flagNote explanation of the flag cut
 * @param top the {@code topK} tokens by score, largest first
 * @param guEpsilon ε of the Gu et al. metric
 * @param guPercent {@code [T]} percent of selected (block, head) pairs with {@code r_j > ε} under
 *     query set ALL (denominator T); null when no ALL-query received attention was available
 * @param sinkMassOnArtifacts mean over the selected blocks of the per-block share on artifact
 *     patches
 * @param clsCaptureOnArtifacts mean over the selected blocks of the per-block CLS share on
 *     artifacts
 * @param clsCaptureOnRegisters mean over the selected blocks of the per-block CLS share on
 *     registers
 */
public record SinkScores(
    QuerySet querySet,
    int[] blocks,
    int[] heads,
    float[] score,
    float[] ratio,
    int[] flaggedTokens,
    double flagThresholdRatio,
    boolean flagFellBack,
    String flagNote,
    List<SinkToken> top,
    double guEpsilon,
    float[] guPercent,
    double sinkMassOnArtifacts,
    double clsCaptureOnArtifacts,
    double clsCaptureOnRegisters) {}
