package dev.sinkscope.inference.analysis;

import dev.sinkscope.inference.model.CheckpointLayout;
import dev.sinkscope.inference.model.MlpActivation;
import dev.sinkscope.inference.model.ModelFamily;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.model.Pooling;
import dev.sinkscope.inference.model.PositionInterpolation;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.LayerCapture;
import dev.sinkscope.inference.result.TokenLayout;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Builds synthetic forward results from plain arrays for analysis tests. */
final class SyntheticCaptures {

  private SyntheticCaptures() {}

  static ModelSpec spec(
      ModelFamily family,
      int hiddenSize,
      int numLayers,
      int numHeads,
      int patchSize,
      int registers) {
    return new ModelSpec(
        "synthetic " + family.displayName(),
        family,
        CheckpointLayout.HF_DINOV2,
        hiddenSize,
        numLayers,
        numHeads,
        4 * hiddenSize,
        patchSize,
        patchSize * 8,
        1e-6,
        MlpActivation.GELU,
        false,
        false,
        true,
        true,
        false,
        registers,
        true,
        PositionInterpolation.BICUBIC,
        true,
        Pooling.NONE);
  }

  static TokenLayout layout(boolean cls, int registers, int rows, int cols, int testTimeRegisters) {
    return new TokenLayout(cls, false, registers, rows, cols, testTimeRegisters);
  }

  /** Rows {@code [T, D]} with exactly the given L2 norms, in seeded random directions. */
  static FloatTensor hiddenWithNorms(double[] norms, int dims, long seed) {
    Random random = new Random(seed);
    float[] data = new float[norms.length * dims];
    for (int t = 0; t < norms.length; t++) {
      double[] direction = new double[dims];
      double length = 0;
      for (int d = 0; d < dims; d++) {
        direction[d] = random.nextGaussian();
        length += direction[d] * direction[d];
      }
      length = Math.sqrt(length);
      for (int d = 0; d < dims; d++) {
        data[t * dims + d] = (float) (norms[t] * direction[d] / length);
      }
    }
    return FloatTensor.of(data, norms.length, dims);
  }

  /** Attention {@code [H, T, T]} from per-head row-major {@code [T, T]} arrays. */
  static FloatTensor attention(double[][] perHead, int tokens) {
    float[] data = new float[perHead.length * tokens * tokens];
    for (int h = 0; h < perHead.length; h++) {
      for (int c = 0; c < tokens * tokens; c++) {
        data[h * tokens * tokens + c] = (float) perHead[h][c];
      }
    }
    return FloatTensor.of(data, perHead.length, tokens, tokens);
  }

  /**
   * Softmax-like attention {@code [H, T, T]}: every query puts {@code sinkShare} of its mass evenly
   * on the sink tokens and the rest evenly on all tokens.
   */
  static FloatTensor sinkAttention(int heads, int tokens, int[] sinks, double sinkShare) {
    float[] data = new float[heads * tokens * tokens];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < tokens; i++) {
        for (int j = 0; j < tokens; j++) {
          double v = (1 - sinkShare) / tokens;
          for (int s : sinks) {
            if (s == j) {
              v += sinkShare / sinks.length;
            }
          }
          data[(h * tokens + i) * tokens + j] = (float) v;
        }
      }
    }
    return FloatTensor.of(data, heads, tokens, tokens);
  }

  static LayerCapture capture(int block, FloatTensor hidden, FloatTensor attention) {
    return new LayerCapture(block, hidden, attention, null);
  }

  static ForwardResult result(ModelSpec spec, TokenLayout layout, List<LayerCapture> layers) {
    FloatTensor last = layers.get(layers.size() - 1).hidden();
    return new ForwardResult(spec, layout, null, null, layers, last, null, Map.of(), "cpu()");
  }

  /** n values ~ N(mean, sd²) from a seeded generator. */
  static double[] gaussian(int n, double mean, double sd, long seed) {
    Random random = new Random(seed);
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = mean + sd * random.nextGaussian();
    }
    return values;
  }
}
