package dev.sinkscope.inference.pipeline;

import dev.sinkscope.inference.analysis.LayerAttentionSummary;
import dev.sinkscope.inference.analysis.QuerySet;
import dev.sinkscope.inference.engine.ForwardHooks;
import dev.sinkscope.inference.engine.VitForward;
import dev.sinkscope.inference.result.AttentionSummary;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.LayerCapture;
import java.util.Arrays;

/**
 * The attention of one pass, wherever it lives: full maps when the pass kept them, else the
 * device-made {@link AttentionSummary summaries} for CLS rows, received attention and row sums (no
 * inference), and any other row or column recomputed on demand from the kept residual stream
 * ({@link VitForward#recomputeAttention}). The last recomputed block is cached, so moving between
 * heads and queries of one block costs one recompute.
 *
 * <p>Vectors are {@code [T]} copies; blocks are 1-based, heads 0-based. Not thread-safe; on-demand
 * rows run the model, so call them on the inference thread.
 */
public final class CapturedAttention {
  private final VitForward forward;
  private final ForwardResult result;
  private final ForwardHooks hooks;
  private final AttentionSummary[] summaries;
  private int cachedBlock = -1;
  private FloatTensor cachedMap; // [H, T, T]
  private int recomputations;

  /**
   * @param forward the pass that made {@code result}; may be null when only kept data is read (no
   *     on-demand rows)
   * @param hooks the hooks {@code result} was computed with
   */
  public CapturedAttention(VitForward forward, ForwardResult result, ForwardHooks hooks) {
    this.forward = forward;
    this.result = result;
    this.hooks = hooks;
    this.summaries = new AttentionSummary[result.blocks() + 1];
  }

  public ForwardResult result() {
    return result;
  }

  /** Whether {@code block}'s full map is on the host (rows and columns need no inference). */
  public boolean hasFullMap(int block) {
    return result.block(block).attention() != null;
  }

  /** CLS query row of one head, no inference. */
  public float[] clsRow(int block, int head) {
    float[] row = summary(block).clsRow();
    if (row == null) {
      throw new IllegalStateException("the model has no CLS token");
    }
    return slice(row, head);
  }

  /** Received attention of one head for a query set, no inference. */
  public float[] received(int block, int head, QuerySet querySet) {
    return slice(LayerAttentionSummary.fromSummary(summary(block), querySet).received(), head);
  }

  /** Row sums of one head (1 under softmax), no inference. */
  public float[] rowSums(int block, int head) {
    return slice(summary(block).rowSums(), head);
  }

  /**
   * Where query {@code query} looks: {@code A[head, query, :]}; recomputes the block if its map was
   * dropped.
   */
  public float[] queryRow(int block, int head, int query) {
    FloatTensor map = map(block);
    int t = map.dim(1);
    int from = (head * t + query) * t;
    return Arrays.copyOfRange(map.data(), from, from + t);
  }

  /**
   * Who looks at key {@code key}: {@code A[head, :, key]}; recomputes the block if its map was
   * dropped.
   */
  public float[] keyColumn(int block, int head, int key) {
    FloatTensor map = map(block);
    int t = map.dim(1);
    float[] column = new float[t];
    float[] a = map.data();
    for (int i = 0; i < t; i++) {
      column[i] = a[(head * t + i) * t + key];
    }
    return column;
  }

  /** The full map {@code [H, T, T]} of {@code block}: kept, cached, or recomputed now. */
  public FloatTensor map(int block) {
    LayerCapture capture = result.block(block);
    if (capture.attention() != null) {
      return capture.attention();
    }
    if (cachedBlock != block) {
      if (forward == null) {
        throw new IllegalStateException(
            "block " + block + " has no full map and no model to recompute it");
      }
      cachedMap = null; // lets the previous block's map go before the next is made
      cachedMap = forward.recomputeAttention(result, hooks, block);
      cachedBlock = block;
      recomputations++;
    }
    return cachedMap;
  }

  /** How many blocks were recomputed so far. */
  public int recomputations() {
    return recomputations;
  }

  /** Whether {@code block} kept any attention (full map or summary). */
  public boolean hasAttention(int block) {
    return result.block(block).hasAttention();
  }

  /** Whether rows and columns of dropped maps can be recomputed here. */
  public boolean canRecompute() {
    return forward != null;
  }

  /** Heads of the pass. */
  public int heads() {
    return result.spec().numHeads();
  }

  /** The summary of {@code block}, from the kept map or the device. */
  public AttentionSummary summary(int block) {
    if (summaries[block] == null) {
      summaries[block] =
          AttentionSummary.of(result, block)
              .orElseThrow(
                  () ->
                      new IllegalStateException("block " + block + ": the pass kept no attention"));
    }
    return summaries[block];
  }

  private float[] slice(float[] perHead, int head) {
    int t = result.layout().totalTokens();
    return Arrays.copyOfRange(perHead, head * t, (head + 1) * t);
  }
}
