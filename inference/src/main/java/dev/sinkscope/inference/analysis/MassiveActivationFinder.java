package dev.sinkscope.inference.analysis;

import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.TokenLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/** Finds massive activations (Sun et al.) in a block output {@code [T, D]}. */
public final class MassiveActivationFinder {

  private static final Comparator<MassiveActivation> LARGEST_FIRST =
      Comparator.comparingDouble(MassiveActivation::magnitude)
          .reversed()
          .thenComparingInt(MassiveActivation::token)
          .thenComparingInt(MassiveActivation::dim);

  private MassiveActivationFinder() {}

  public static LayerMassiveActivations find(
      int block, FloatTensor hidden, TokenLayout layout, MassiveActivationOptions options) {
    if (hidden.rank() != 2 || hidden.dim(0) != layout.totalTokens()) {
      throw new IllegalArgumentException(
          "hidden must be [T, D] with T = " + layout.totalTokens() + ", got " + hidden);
    }
    int dims = hidden.dim(1);
    float[] x = hidden.data(); // [T, D]
    float[] magnitudes = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      magnitudes[i] = Math.abs(x[i]);
    }
    double median = RobustStatistics.median(magnitudes);
    double cut = Math.max(options.minMagnitude(), options.minMedianRatio() * median);
    // bounded min-heap on magnitude so that a lowered cut cannot list millions of entries
    PriorityQueue<MassiveActivation> kept = new PriorityQueue<>(LARGEST_FIRST.reversed());
    int count = 0;
    // indices of the three largest magnitudes, largest first; -1 = empty slot
    int[] top = {-1, -1, -1};
    for (int i = 0; i < x.length; i++) {
      float m = magnitudes[i];
      if (m > cut) {
        count++;
        if (options.maxListed() > 0) {
          kept.add(entry(i, x, dims, median, layout));
          if (kept.size() > options.maxListed()) {
            kept.poll();
          }
        }
      }
      for (int slot = 0; slot < top.length; slot++) {
        if (top[slot] < 0 || m > magnitudes[top[slot]]) {
          System.arraycopy(top, slot, top, slot + 1, top.length - slot - 1);
          top[slot] = i;
          break;
        }
      }
    }
    List<MassiveActivation> listed = new ArrayList<>(kept);
    listed.sort(LARGEST_FIRST);
    List<MassiveActivation> top3 = new ArrayList<>();
    for (int i : top) {
      if (i >= 0) {
        top3.add(entry(i, x, dims, median, layout));
      }
    }
    return new LayerMassiveActivations(
        block, median, count, List.copyOf(listed), List.copyOf(top3));
  }

  private static MassiveActivation entry(
      int flat, float[] x, int dims, double median, TokenLayout layout) {
    int token = flat / dims;
    double magnitude = Math.abs(x[flat]);
    return new MassiveActivation(
        token,
        layout.kindOf(token),
        flat % dims,
        x[flat],
        magnitude,
        median > 0 ? magnitude / median : Double.NaN);
  }
}
