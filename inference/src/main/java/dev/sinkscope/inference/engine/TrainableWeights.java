package dev.sinkscope.inference.engine;

import ai.djl.ndarray.NDArray;
import dev.sinkscope.inference.model.CanonicalWeights;
import dev.sinkscope.inference.model.PositionInterpolation;
import java.util.Map;

/**
 * Weights that stand in for a model's own in {@link VitForward#trainingPass}: arrays under {@link
 * CanonicalWeights} names in their canonical shapes (unfolded: no query scale, no layer scale
 * folded in), which may carry gradients, plus register tokens appended after the model's own. A
 * block is replaced as a whole: when any of its parts is given, all must be.
 *
 * @param canonical canonical name to array; the arrays stay owned by the caller
 * @param extraRegisters {@code [1, R, D]} registers after the model's own (no position embedding),
 *     or null
 * @param interpolation how a given {@link CanonicalWeights#POSITION} table is resized for other
 *     grids
 */
public record TrainableWeights(
    Map<String, NDArray> canonical, NDArray extraRegisters, PositionInterpolation interpolation) {

  public TrainableWeights {
    canonical = Map.copyOf(canonical);
  }

  /** The registers appended by these weights. */
  public int extraRegisterCount() {
    return extraRegisters == null ? 0 : Math.toIntExact(extraRegisters.getShape().get(1));
  }

  NDArray get(String name) {
    return canonical.get(name);
  }

  /** Whether any part of block {@code index} is replaced. */
  boolean replacesBlock(int index) {
    String prefix = CanonicalWeights.blockPrefix(index);
    return canonical.keySet().stream().anyMatch(k -> k.startsWith(prefix));
  }
}
