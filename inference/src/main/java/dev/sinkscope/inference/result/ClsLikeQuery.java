package dev.sinkscope.inference.result;

/**
 * Which query stands for "CLS attention" in a pass, and where its attention row is. With a CLS
 * token it is token 0's row of every block's attention. A model without CLS that pools with a
 * learned probe (SigLIP's attention-pooling head) has the probe's attention over the last block's
 * normed tokens instead: one row, after the last block. Analysis and views ask this instead of
 * assuming token 0.
 */
public final class ClsLikeQuery {

  /** The kinds of CLS-like query. */
  public enum Kind {
    /** Token 0, the class token. */
    CLS_TOKEN,
    /** The attention-pooling head's learned probe, after the last block. */
    POOLING_PROBE,
    /** Neither: the model has no CLS token and no probe. */
    NONE
  }

  /** Name of the probe's attention {@code [1, H, 1, T]} in {@link ForwardResult#debug()}. */
  public static final String PROBE_ATTENTION = "debug.head_attention";

  private final ForwardResult result;
  private final Kind kind;

  ClsLikeQuery(ForwardResult result) {
    this.result = result;
    if (result.layout().hasCls()) {
      kind = Kind.CLS_TOKEN;
    } else if (result.spec() != null && result.spec().poolsWithProbe()) {
      kind = Kind.POOLING_PROBE;
    } else {
      kind = Kind.NONE;
    }
  }

  public Kind kind() {
    return kind;
  }

  public boolean exists() {
    return kind != Kind.NONE;
  }

  public boolean isProbe() {
    return kind == Kind.POOLING_PROBE;
  }

  /** What to call the map: "CLS attention" or "pooling-probe attention". */
  public String label() {
    return kind == Kind.POOLING_PROBE ? "pooling-probe attention" : "CLS attention";
  }

  /** What to call the query in metric names: "CLS" or "probe". */
  public String queryName() {
    return kind == Kind.POOLING_PROBE ? "probe" : "CLS";
  }

  /**
   * Sequence index of the query token in the blocks' attention, or -1 (the probe is not a token).
   */
  public int token() {
    return kind == Kind.CLS_TOKEN ? 0 : -1;
  }

  /** The block whose output the probe reads (the last one); for CLS every block has a row. */
  public int probeBlock() {
    return result.blocks();
  }

  /** Whether 1-based {@code block} has a row: every block for CLS, only the last for the probe. */
  public boolean availableAt(int block) {
    return switch (kind) {
      case CLS_TOKEN -> block >= 1 && block <= result.blocks();
      case POOLING_PROBE -> block == result.blocks() && result.debug().containsKey(PROBE_ATTENTION);
      case NONE -> false;
    };
  }

  /**
   * The query's attention {@code [H, T]} at 1-based {@code block}: CLS's row of the captured map,
   * or the probe's softmax at the last block; null where there is none (not captured, other block).
   */
  public float[] rows(int block) {
    if (!availableAt(block)) {
      return null;
    }
    if (kind == Kind.POOLING_PROBE) {
      return result.debug().get(PROBE_ATTENTION).data().clone(); // [1, H, 1, T] = [H, T]
    }
    FloatTensor attention = result.block(block).attention(); // [H, T, T]
    if (attention == null) {
      return null;
    }
    int heads = attention.dim(0);
    int t = attention.dim(1);
    float[] out = new float[heads * t];
    float[] a = attention.data();
    for (int h = 0; h < heads; h++) {
      System.arraycopy(a, h * t * t + token() * t, out, h * t, t);
    }
    return out;
  }
}
