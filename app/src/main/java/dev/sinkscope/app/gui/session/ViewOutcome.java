package dev.sinkscope.app.gui.session;

/**
 * What one request produced, handed to the FX thread in one piece.
 *
 * @param generation the request's id; only the newest is ever applied
 * @param request the snapshot that produced it
 * @param model the primary model
 * @param image the photo, or null when the request had none
 * @param primary the (mitigated) pass, or null without an image
 * @param comparison the second pass of a comparison, or null
 * @param loadMillis time spent opening models and decoding in this request (0 when cached)
 * @param nonFinite why there is no pass although there is a photo: where a forward pass first
 *     produced NaN or infinity ({@code NumericalHealth#describe}, with the pass named); null when
 *     the passes are finite
 */
public record ViewOutcome(
    long generation,
    ViewRequest request,
    ModelInfo model,
    LoadedImage image,
    AnalyzedPass primary,
    AnalyzedPass comparison,
    double loadMillis,
    String nonFinite) {

  public ViewOutcome(
      long generation,
      ViewRequest request,
      ModelInfo model,
      LoadedImage image,
      AnalyzedPass primary,
      AnalyzedPass comparison,
      double loadMillis) {
    this(generation, request, model, image, primary, comparison, loadMillis, null);
  }

  public boolean hasPass() {
    return primary != null;
  }
}
