package dev.sinkscope.inference.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.sinkscope.inference.result.AttentionSummary;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.TokenLayout;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * What one block keeps of its attention while its query rows are computed band by band (ADR 0025):
 * each band's probabilities {@code [B, H, R, T]} are copied to the host maps ({@link
 * AttentionCapture#FULL}) or reduced on the device ({@link AttentionCapture#SUMMARY}) while they
 * are still in the cache, then freed. Maps are copied as they are; the summaries' sums are grouped
 * by band (and patch rows apart), equal to whole-matrix reductions up to float rounding.
 */
final class BandedAttentionKeeper {
  private final AttentionCapture mode;
  private final boolean headMean;
  private final int block;
  private final TokenLayout layout;
  private final int batch;
  private final int heads;
  private final int tokens;
  private final NDManager blockScope;

  /** FULL: per image the map {@code [H, T, T]}, filled band by band. */
  private final float[][] maps;

  /** SUMMARY: device arrays in the block's scope. */
  private NDArray columnSums; // [B, H, T]

  private NDArray patchColumnSums; // [B, H, T]
  private final NDList diagonals = new NDList(); // bands of [B, H, R]
  private final NDList rowSums = new NDList(); // bands of [B, H, R]
  private final NDList headMeans = new NDList(); // bands of [B, R, T]
  private NDArray clsRow; // [B, H, T]

  /**
   * @param mode {@link AttentionCapture#FULL}, {@link AttentionCapture#SUMMARY} or {@link
   *     AttentionCapture#NONE}
   * @param block 1-based block number the summaries carry
   * @param blockScope where the reductions that outlive a band are kept
   */
  BandedAttentionKeeper(
      AttentionCapture mode,
      boolean headMean,
      int block,
      TokenLayout layout,
      int batch,
      int heads,
      NDManager blockScope) {
    this.mode = mode;
    this.headMean = headMean;
    this.block = block;
    this.layout = layout;
    this.batch = batch;
    this.heads = heads;
    this.tokens = layout.totalTokens();
    this.blockScope = blockScope;
    this.maps =
        mode == AttentionCapture.FULL ? new float[batch][heads * tokens * tokens] : new float[0][];
  }

  /** Takes the probabilities {@code [B, H, R, T]} (float32) of query rows {@code first ..}. */
  void add(NDArray probs, int first) {
    switch (mode) {
      case FULL -> copyToMaps(probs, first);
      case SUMMARY -> reduce(probs, first);
      default -> {}
    }
  }

  private void copyToMaps(NDArray probs, int first) {
    int rows = (int) probs.getShape().get(2);
    NDArray cpu =
        probs.getDevice().equals(Device.cpu()) ? probs : probs.toDevice(Device.cpu(), false);
    FloatBuffer band = cpu.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    int bandHead = rows * tokens;
    for (int n = 0; n < batch; n++) {
      for (int h = 0; h < heads; h++) {
        band.position((n * heads + h) * bandHead);
        band.get(maps[n], h * tokens * tokens + first * tokens, bandHead);
      }
    }
  }

  private void reduce(NDArray probs, int first) {
    int rows = (int) probs.getShape().get(2);
    int last = first + rows; // exclusive
    // the column sums over all rows are the patch rows' plus the few others': one pass, not two
    int patchFrom = Math.max(first, layout.firstPatchIndex());
    int patchTo = Math.min(last, layout.firstPatchIndex() + layout.patchCount());
    NDArray bandColumns;
    if (patchFrom < patchTo) {
      NDArray patchBand = rows(probs, patchFrom - first, patchTo - first, rows).sum(new int[] {2});
      patchColumnSums = accumulate(patchColumnSums, patchBand); // [B, H, T]
      bandColumns = patchBand;
      if (patchFrom > first) {
        bandColumns = bandColumns.add(rows(probs, 0, patchFrom - first, rows).sum(new int[] {2}));
      }
      if (patchTo < last) {
        bandColumns = bandColumns.add(rows(probs, patchTo - first, rows, rows).sum(new int[] {2}));
      }
    } else {
      bandColumns = probs.sum(new int[] {2});
    }
    columnSums = accumulate(columnSums, bandColumns); // [B, H, T]
    // row j of the band holds the diagonal at column first + j: flat index first + j (T + 1)
    diagonals.add(
        keep(
            probs
                .reshape(batch, heads, (long) rows * tokens)
                .get(":, :, " + first + "::" + (tokens + 1)))); // [B, H, R]
    if (first == 0) {
      clsRow =
          keep(layout.hasCls() ? probs.get(":, :, 0, :") : probs.get(":, :, 0, :").zerosLike());
    }
    rowSums.add(keep(probs.sum(new int[] {3}))); // [B, H, R]
    if (headMean) {
      headMeans.add(keep(probs.mean(new int[] {1}))); // [B, R, T]
    }
  }

  /** Rows {@code from ..< to} of a band {@code [B, H, R, T]} (the band itself when all). */
  private static NDArray rows(NDArray band, int from, int to, int rows) {
    return from == 0 && to == rows ? band : band.get(":, :, " + from + ":" + to + ", :");
  }

  private NDArray accumulate(NDArray total, NDArray band) {
    return keep(total == null ? band : total.add(band));
  }

  private NDArray keep(NDArray a) {
    a.attach(blockScope);
    return a;
  }

  /** Image {@code n}'s full map {@code [H, T, T]} (FULL only). */
  FloatTensor map(int n) {
    return new FloatTensor(new int[] {heads, tokens, tokens}, maps[n]);
  }

  /** Every image's summary (SUMMARY only), in one transfer of the five vectors per block. */
  AttentionSummary[] summaries() {
    NDArray patches = patchColumnSums == null ? columnSums.zerosLike() : patchColumnSums;
    NDArray stacked =
        NDArrays.stack(
            new NDList(
                columnSums,
                patches,
                concat(diagonals, 2),
                clsRow,
                concat(rowSums, 2)), // [5, B, H, T]
            0);
    float[] packed = VitForward.toHost(stacked);
    float[] means = headMean ? VitForward.toHost(concat(headMeans, 1)) : null; // [B, T, T]
    int n = heads * tokens;
    int perPart = batch * n;
    AttentionSummary[] out = new AttentionSummary[batch];
    for (int image = 0; image < batch; image++) {
      int at = image * n;
      out[image] =
          new AttentionSummary(
              block,
              layout,
              heads,
              Arrays.copyOfRange(packed, at, at + n),
              Arrays.copyOfRange(packed, perPart + at, perPart + at + n),
              Arrays.copyOfRange(packed, 2 * perPart + at, 2 * perPart + at + n),
              layout.hasCls()
                  ? Arrays.copyOfRange(packed, 3 * perPart + at, 3 * perPart + at + n)
                  : null,
              Arrays.copyOfRange(packed, 4 * perPart + at, 4 * perPart + at + n),
              means == null
                  ? null
                  : Arrays.copyOfRange(
                      means, image * tokens * tokens, (image + 1) * tokens * tokens));
    }
    return out;
  }

  private static NDArray concat(NDList bands, int axis) {
    return bands.size() == 1 ? bands.get(0) : NDArrays.concat(bands, axis);
  }
}
