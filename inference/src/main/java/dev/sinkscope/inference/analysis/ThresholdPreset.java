package dev.sinkscope.inference.analysis;

import dev.sinkscope.inference.model.ModelFamily;
import dev.sinkscope.inference.model.ModelSpec;

/**
 * A published rule-A threshold for one model geometry.
 *
 * @param name short label, e.g. "DINOv2 ViT-g/14"
 * @param family model family
 * @param hiddenSize D
 * @param numLayers L
 * @param patchSize P
 * @param referenceBlock 1-based block the threshold was set for; the analysis applies τ at every
 *     block and reports this one for orientation
 * @param threshold τ in norm units (strict {@code n > τ})
 * @param source where the number comes from
 */
public record ThresholdPreset(
    String name,
    ModelFamily family,
    int hiddenSize,
    int numLayers,
    int patchSize,
    int referenceBlock,
    double threshold,
    String source) {

  /**
   * Geometry match; registers do not change the norm scale of the backbone, so they are not part of
   * the key.
   */
  public boolean matches(ModelSpec spec) {
    return spec.family() == family
        && spec.hiddenSize() == hiddenSize
        && spec.numLayers() == numLayers
        && spec.patchSize() == patchSize;
  }
}
