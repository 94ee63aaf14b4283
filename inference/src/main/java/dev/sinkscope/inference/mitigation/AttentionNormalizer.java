package dev.sinkscope.inference.mitigation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.sinkscope.inference.engine.ForwardHooks;
import dev.sinkscope.inference.engine.PassContext;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.result.TokenLayout;
import java.util.Locale;

/**
 * Replaces the softmax row normalisation of the attention logits in chosen blocks and heads
 * (methods §4). The logits are unchanged; only how a row becomes weights changes. A softmax-trained
 * model never saw these, so they are probes: rows no longer need to sum to 1, and the row sums are
 * part of what to read.
 *
 * @param kind the normaliser
 * @param parameter sigmoid: bias b ({@code NaN} = −ln n, n = number of keys); virtual sink: β;
 *     clipped softmax: γ
 * @param zeta clipped softmax ζ (ignored otherwise)
 */
public record AttentionNormalizer(
    Kind kind, double parameter, double zeta, BlockRange blocks, HeadSet heads)
    implements Mitigation {

  /** Available normalisers. */
  public enum Kind {
    /** σ(s + b), no normalisation (Ramapuram et al.). */
    SIGMOID,
    /** e^s / (1 + Σ e^s) (Miller's softmax-off-by-one). */
    SOFTMAX1,
    /** e^s / (e^β + Σ e^s): a virtual key of logit β and value 0. */
    VIRTUAL_SINK,
    /** clip((ζ − γ)·softmax(s) + γ, 0, 1) (Bondarenko et al.). */
    CLIPPED_SOFTMAX;

    public String spec() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public AttentionNormalizer {
    if (kind == Kind.CLIPPED_SOFTMAX && (zeta < 1 || parameter > 0)) {
      throw new IllegalArgumentException("clipped softmax needs zeta >= 1 and gamma <= 0");
    }
  }

  public static AttentionNormalizer sigmoid(BlockRange blocks) {
    return new AttentionNormalizer(Kind.SIGMOID, Double.NaN, 1, blocks, HeadSet.ALL);
  }

  public static AttentionNormalizer softmax1(BlockRange blocks) {
    return new AttentionNormalizer(Kind.SOFTMAX1, 0, 1, blocks, HeadSet.ALL);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AttentionNormalizer a
        && kind == a.kind
        && Double.compare(parameter, a.parameter) == 0
        && Double.compare(zeta, a.zeta) == 0
        && blocks.equals(a.blocks)
        && heads.equals(a.heads);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(kind, parameter, zeta, blocks, heads);
  }

  @Override
  public String spec() {
    StringBuilder s = new StringBuilder("attn:kind=").append(kind.spec());
    switch (kind) {
      case SIGMOID -> {
        if (!Double.isNaN(parameter)) {
          s.append(",bias=").append(parameter);
        }
      }
      case VIRTUAL_SINK -> s.append(",beta=").append(parameter);
      case CLIPPED_SOFTMAX -> s.append(",gamma=").append(parameter).append(",zeta=").append(zeta);
      default -> {}
    }
    s.append(",layers=").append(blocks);
    if (!heads.all()) {
      s.append(",heads=").append(heads);
    }
    return s.toString();
  }

  @Override
  public Provenance provenance() {
    return Provenance.INFERENCE_TIME_SUBSTITUTION;
  }

  @Override
  public String description() {
    String what =
        switch (kind) {
          // the bias written with its own sign: σ(s − ln n), σ(s − 2.0), σ(s + 0.5)
          case SIGMOID ->
              "sigmoid attention σ(s "
                  + (Double.isNaN(parameter)
                      ? "− ln n"
                      : (parameter < 0 ? "− " + (-parameter) : "+ " + parameter))
                  + ")";
          case SOFTMAX1 -> "softmax1 (softmax off by one)";
          case VIRTUAL_SINK -> "virtual sink with logit β = " + parameter;
          case CLIPPED_SOFTMAX -> "clipped softmax (γ = " + parameter + ", ζ = " + zeta + ")";
        };
    return "Attention normaliser: "
        + what
        + " in blocks "
        + blocks
        + ", heads "
        + heads
        + ". Inference-time substitution: the weights were trained with softmax, so this is a probe "
        + "(rows no longer sum to 1; read the row sums), not the trained method.";
  }

  @Override
  public void validate(ModelSpec model) {
    blocks.validate(model, "attention normaliser");
    heads.mask(model.numHeads());
  }

  @Override
  public int firstAffectedBlock(ModelSpec model) {
    return blocks.first();
  }

  @Override
  public ForwardHooks hooks(ModelSpec model) {
    float[] headMask = heads.mask(model.numHeads());
    AttentionNormalizer config = this;
    return new ForwardHooks() {
      @Override
      public NDArray normalizeAttention(
          int block, NDArray logits, TokenLayout layout, PassContext context) {
        if (!blocks.contains(block)) {
          return null;
        }
        NDArray probs = config.normalize(logits);
        if (heads.all()) {
          return probs;
        }
        NDArray mask = logits.getManager().create(headMask, new Shape(1, headMask.length, 1, 1));
        NDArray softmax = logits.softmax(-1);
        return softmax.add(probs.sub(softmax).mul(mask)); // selected heads swapped, others softmax
      }

      @Override
      public int firstAffectedBlock() {
        return blocks.first();
      }
    };
  }

  /** Applies the normaliser to logits {@code [..., n]} along the last axis. */
  public NDArray normalize(NDArray logits) {
    long n = logits.getShape().get(logits.getShape().dimension() - 1);
    return switch (kind) {
      case SIGMOID ->
          Activation.sigmoid(
              logits.add((float) (Double.isNaN(parameter) ? -Math.log(n) : parameter)));
      case SOFTMAX1 -> withVirtualKey(logits, 0f);
      case VIRTUAL_SINK -> withVirtualKey(logits, (float) parameter);
      case CLIPPED_SOFTMAX ->
          logits.softmax(-1).mul((float) (zeta - parameter)).add((float) parameter).clip(0f, 1f);
    };
  }

  /** e^{s_i} / (e^β + Σ_j e^{s_j}), stabilised by m = max(β, max_j s_j). */
  private static NDArray withVirtualKey(NDArray logits, float beta) {
    NDArray m = logits.max(new int[] {-1}, true).maximum(beta); // [..., 1]
    NDArray e = logits.sub(m).exp(); // [..., n]
    NDArray denominator = e.sum(new int[] {-1}, true).add(m.neg().add(beta).exp()); // [..., 1]
    return e.div(denominator);
  }
}
