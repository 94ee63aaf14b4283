package dev.sinkscope.inference.mitigation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.sinkscope.inference.engine.ForwardHooks;
import dev.sinkscope.inference.engine.PassContext;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.result.TokenLayout;

/**
 * Multiplies chosen heads' outputs by a constant gate g in [0, 1] before the output projection: a
 * head-ablation knob. Trained gated attention needs trained gate weights, which standard ViT
 * checkpoints do not have; this is not that method.
 */
public record HeadGate(float gate, BlockRange blocks, HeadSet heads) implements Mitigation {

  public HeadGate {
    if (!(gate >= 0 && gate <= 1)) {
      throw new IllegalArgumentException("head gate must be in [0, 1], got " + gate);
    }
  }

  @Override
  public String spec() {
    return "gate:value=" + gate + ",layers=" + blocks + (heads.all() ? "" : ",heads=" + heads);
  }

  @Override
  public Provenance provenance() {
    return Provenance.INFERENCE_TIME_SUBSTITUTION;
  }

  @Override
  public String description() {
    return "Constant head gate g = "
        + gate
        + " on heads "
        + heads
        + " of blocks "
        + blocks
        + ": a head-ablation knob (inference-time substitution), not trained gated attention.";
  }

  @Override
  public void validate(ModelSpec model) {
    blocks.validate(model, "head gate");
    heads.mask(model.numHeads());
  }

  @Override
  public int firstAffectedBlock(ModelSpec model) {
    return blocks.first();
  }

  @Override
  public ForwardHooks hooks(ModelSpec model) {
    float[] mask = heads.mask(model.numHeads());
    float[] gates = new float[mask.length];
    for (int h = 0; h < mask.length; h++) {
      gates[h] = mask[h] > 0 ? gate : 1f;
    }
    return new ForwardHooks() {
      @Override
      public NDArray headOutputs(
          int block, NDArray headOutputs, TokenLayout layout, PassContext context) {
        if (!blocks.contains(block)) {
          return headOutputs;
        }
        // [1, H, T, dh] * [1, H, 1, 1]
        return headOutputs.mul(
            headOutputs.getManager().create(gates, new Shape(1, gates.length, 1, 1)));
      }

      @Override
      public int firstAffectedBlock() {
        return blocks.first();
      }
    };
  }
}
