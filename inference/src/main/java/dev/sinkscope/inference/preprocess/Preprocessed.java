package dev.sinkscope.inference.preprocess;

import dev.sinkscope.inference.result.FloatTensor;

/**
 * The model input and how it maps onto the photo.
 *
 * @param pixelValues float32 {@code [1, 3, H, W]}, channels R, G, B, rows top to bottom
 * @param geometry where the {@code H x W} window lies in the decoded photo
 */
public record Preprocessed(FloatTensor pixelValues, PreprocessGeometry geometry) {}
