package dev.sinkscope.inference.mitigation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.sinkscope.inference.engine.ForwardHooks;
import dev.sinkscope.inference.engine.PassContext;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.result.TokenLayout;

/**
 * Runs a model with trained registers without them (Darcet et al. ablation): the register tokens
 * are dropped before block 0, so one can see where the high norms go when they have no register to
 * live in.
 */
public record RegisterAblation() implements Mitigation {

  @Override
  public String spec() {
    return "no-registers";
  }

  @Override
  public Provenance provenance() {
    return Provenance.EXACT;
  }

  @Override
  public String description() {
    return "Trained registers off: drops the model's register tokens before block 0 (exact ablation; "
        + "the model was trained with them, so expect artifacts to return to patch tokens).";
  }

  @Override
  public void validate(ModelSpec model) {
    if (model.registers() == 0) {
      throw new IllegalArgumentException(
          "no-registers: " + model.name() + " has no trained registers");
    }
  }

  @Override
  public int firstAffectedBlock(ModelSpec model) {
    return 0;
  }

  @Override
  public ForwardHooks hooks(ModelSpec model) {
    return new ForwardHooks() {
      @Override
      public TokenLayout layoutAfterEmbeddings(TokenLayout layout) {
        return layout.withoutRegisters();
      }

      @Override
      public NDArray afterEmbeddings(NDArray tokens, TokenLayout layout, PassContext context) {
        int first = layout.firstRegisterIndex(); // [1, T, D]: keep [0, first) and [first + R, T)
        int after = first + layout.registers();
        NDList parts = new NDList();
        if (first > 0) {
          parts.add(tokens.get(":, :" + first + ", :"));
        }
        parts.add(tokens.get(":, " + after + ":, :"));
        return parts.size() == 1 ? parts.singletonOrThrow() : NDArrays.concat(parts, 1);
      }

      @Override
      public int firstAffectedBlock() {
        return 0;
      }
    };
  }
}
