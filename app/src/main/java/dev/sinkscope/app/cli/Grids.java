package dev.sinkscope.app.cli;

import dev.sinkscope.inference.report.HeadSelection;
import dev.sinkscope.inference.report.Quantity;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.LayerCapture;
import dev.sinkscope.inference.result.TokenLayout;
import dev.sinkscope.render.ScalarGrid;

/** Per-patch values of one block of a forward pass, as grids for the renderer. */
final class Grids {
  private Grids() {}

  /** {@code quantity} at 1-based {@code block}, heads combined as {@code head} says. */
  static ScalarGrid of(Quantity quantity, ForwardResult result, int block, HeadSelection head) {
    return switch (quantity) {
      case PATCH_NORM -> patchNorms(result, block);
      case ATTENTION_RECEIVED -> received(result, block, head);
      case CLS_ATTENTION -> clsAttention(result, block, head);
    };
  }

  /** L2 norm of each patch token of the block output. */
  static ScalarGrid patchNorms(ForwardResult result, int block) {
    return patches(result.layout(), result.block(block).tokenNorms());
  }

  /** {@code r_j = (1/T) Σ_i A[h, i, j]} over all queries i, per patch j. */
  static ScalarGrid received(ForwardResult result, int block, HeadSelection head) {
    LayerCapture c = attentionOf(result, block);
    int t = c.tokens();
    float[][] perHead = new float[c.heads()][t];
    for (int h = 0; h < c.heads(); h++) {
      for (int i = 0; i < t; i++) {
        for (int j = 0; j < t; j++) {
          perHead[h][j] += c.attention(h, i, j);
        }
      }
      for (int j = 0; j < t; j++) {
        perHead[h][j] /= t;
      }
    }
    return patches(result.layout(), combine(perHead, head));
  }

  /** {@code A[h, CLS, j]} per patch j. */
  static ScalarGrid clsAttention(ForwardResult result, int block, HeadSelection head) {
    if (!result.layout().hasCls()) {
      throw new IllegalArgumentException("the model has no CLS token, so there is no CLS attention");
    }
    LayerCapture c = attentionOf(result, block);
    float[][] perHead = new float[c.heads()][c.tokens()];
    for (int h = 0; h < c.heads(); h++) {
      for (int j = 0; j < c.tokens(); j++) {
        perHead[h][j] = c.attention(h, 0, j);
      }
    }
    return patches(result.layout(), combine(perHead, head));
  }

  private static LayerCapture attentionOf(ForwardResult result, int block) {
    LayerCapture c = result.block(block);
    if (c.attention() == null) {
      throw new IllegalStateException("block " + block + ": attention maps were not captured");
    }
    return c;
  }

  private static float[] combine(float[][] perHead, HeadSelection head) {
    head.validate(perHead.length);
    int t = perHead[0].length;
    float[] out = new float[t];
    switch (head.mode()) {
      case SINGLE -> System.arraycopy(perHead[head.head()], 0, out, 0, t);
      case MAX -> {
        java.util.Arrays.fill(out, Float.NEGATIVE_INFINITY);
        for (float[] row : perHead) {
          for (int j = 0; j < t; j++) {
            out[j] = Math.max(out[j], row[j]);
          }
        }
      }
      case MEAN -> {
        for (float[] row : perHead) {
          for (int j = 0; j < t; j++) {
            out[j] += row[j];
          }
        }
        for (int j = 0; j < t; j++) {
          out[j] /= perHead.length;
        }
      }
      default -> throw new IllegalStateException();
    }
    return out;
  }

  /** The patch entries of a per-token vector (prefix and appended tokens left out). */
  static ScalarGrid patches(TokenLayout layout, float[] perToken) {
    float[] values = new float[layout.patchCount()];
    System.arraycopy(perToken, layout.firstPatchIndex(), values, 0, values.length);
    return new ScalarGrid(layout.gridRows(), layout.gridCols(), values);
  }
}
