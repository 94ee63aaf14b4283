package dev.sinkscope.inference.pipeline;

import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.result.AttentionSummary;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.LayerCapture;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where one token looks and who looks at it, per block and head, for any pass: read from the kept
 * full maps, from the summaries (the CLS query row), or from rows and columns {@link #fill filled}
 * by an exact recompute of each dropped block (ADR 0010). Host-side and thread-safe, so the window
 * can read it on its own thread while the inference thread fills it.
 *
 * <p>Vectors are {@code [H, T]}; blocks are 1-based.
 */
public final class AttentionRows {
  private final ForwardResult result;
  private final Map<Long, float[]> queryRows = new ConcurrentHashMap<>();
  private final Map<Long, float[]> keyColumns = new ConcurrentHashMap<>();

  public AttentionRows(ForwardResult result) {
    this.result = result;
  }

  public ForwardResult result() {
    return result;
  }

  /**
   * {@code A[:, token, :]} of {@code block} ({@code [H, T]}): from the kept map, the CLS row of the
   * summary, or a filled recompute; null when it needs a recompute that has not run yet.
   */
  public float[] queryRows(int block, int token) {
    LayerCapture capture = result.block(block);
    if (capture.attention() != null) {
      return rowsOf(capture.attention(), token);
    }
    AttentionSummary summary = capture.summary();
    if (token == 0 && summary != null && summary.clsRow() != null && result.layout().hasCls()) {
      return summary.clsRow();
    }
    return queryRows.get(key(block, token));
  }

  /**
   * {@code A[:, :, token]} of {@code block} ({@code [H, T]}); null when it needs a recompute not
   * run yet.
   */
  public float[] keyColumns(int block, int token) {
    LayerCapture capture = result.block(block);
    if (capture.attention() != null) {
      return columnsOf(capture.attention(), token);
    }
    return keyColumns.get(key(block, token));
  }

  /**
   * Whether the rows and columns of {@code token} can be read at every block without a recompute.
   */
  public boolean ready(int token) {
    for (int b = 1; b <= result.blocks(); b++) {
      if (result.block(b).hasAttention()
          && (queryRows(b, token) == null || keyColumns(b, token) == null)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Recomputes every block that dropped its map and keeps {@code token}'s rows and columns (one
   * block's full map in memory at a time). Runs the model: call it on the inference thread.
   *
   * @param source the pass's attention with the model and hooks that made it
   */
  public void fill(
      CapturedAttention source, int token, CancellationToken cancel, ProgressListener progress) {
    if (source.result() != result) {
      throw new IllegalArgumentException("the attention source belongs to another pass");
    }
    int blocks = result.blocks();
    for (int b = 1; b <= blocks; b++) {
      cancel.throwIfCancelled();
      LayerCapture capture = result.block(b);
      if (capture.attention() == null
          && capture.hasAttention()
          && (queryRows.get(key(b, token)) == null || keyColumns.get(key(b, token)) == null)) {
        FloatTensor map = source.map(b); // [H, T, T]
        queryRows.put(key(b, token), rowsOf(map, token));
        keyColumns.put(key(b, token), columnsOf(map, token));
      }
      progress.blocksDone(b, blocks);
    }
  }

  private static float[] rowsOf(FloatTensor map, int query) {
    int heads = map.dim(0);
    int t = map.dim(1);
    float[] a = map.data();
    float[] rows = new float[heads * t];
    for (int h = 0; h < heads; h++) {
      System.arraycopy(a, (h * t + query) * t, rows, h * t, t);
    }
    return rows;
  }

  private static float[] columnsOf(FloatTensor map, int key) {
    int heads = map.dim(0);
    int t = map.dim(1);
    float[] a = map.data();
    float[] columns = new float[heads * t];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < t; i++) {
        columns[h * t + i] = a[(h * t + i) * t + key];
      }
    }
    return columns;
  }

  private static long key(int block, int token) {
    return ((long) block << 32) | (token & 0xFFFFFFFFL);
  }
}
