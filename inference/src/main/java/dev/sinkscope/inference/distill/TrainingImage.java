package dev.sinkscope.inference.distill;

import dev.sinkscope.inference.result.FloatTensor;

/**
 * One student input: the photo resized so its short edge is the resolution (bicubic), a seeded
 * square crop along the long edge, rescaled and normalised as the model's preprocessing says.
 *
 * @param name file name
 * @param sha256 of the file's bytes
 * @param pixels {@code [1, 3, R, R]}
 * @param cropLeft left edge of the crop in the resized photo
 * @param cropTop top edge of the crop in the resized photo
 */
public record TrainingImage(
    String name, String sha256, FloatTensor pixels, int cropLeft, int cropTop) {}
