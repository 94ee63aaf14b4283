package dev.sinkscope.inference.analysis;

import java.util.List;

/**
 * Massive activations of one block output.
 *
 * @param block 1-based block number
 * @param medianMagnitude median of {@code |X|} over all T·D entries
 * @param count entries passing both cuts
 * @param entries the passing entries, largest magnitude first, at most {@code maxListed}
 * @param top3 the three largest magnitudes of the block whether they pass or not, largest first
 */
public record LayerMassiveActivations(
    int block,
    double medianMagnitude,
    int count,
    List<MassiveActivation> entries,
    List<MassiveActivation> top3) {}
