package dev.sinkscope.inference.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One block before and after mitigations.
 *
 * @param block 1-based block number
 * @param before metrics without mitigations
 * @param after metrics with them
 * @param delta {@code after − before} for every numeric column (null where either side is null),
 *     keyed by column name in {@link LayerMetrics#COLUMNS} order
 */
public record LayerComparison(
    int block, LayerMetrics before, LayerMetrics after, Map<String, Double> delta) {

  public LayerComparison {
    delta = Collections.unmodifiableMap(new LinkedHashMap<>(delta));
  }

  public static LayerComparison of(LayerMetrics before, LayerMetrics after) {
    if (before.block() != after.block()) {
      throw new IllegalArgumentException(
          "block " + before.block() + " compared with block " + after.block());
    }
    Map<String, Double> delta = new LinkedHashMap<>();
    for (LayerMetrics.Column c : LayerMetrics.COLUMNS) {
      if (c.numeric()) {
        Double b = before.number(c.name());
        Double a = after.number(c.name());
        delta.put(c.name(), a == null || b == null ? null : a - b);
      }
    }
    return new LayerComparison(before.block(), before, after, delta);
  }

  /** Pairs rows block by block. */
  public static List<LayerComparison> of(List<LayerMetrics> before, List<LayerMetrics> after) {
    if (before.size() != after.size()) {
      throw new IllegalArgumentException(
          before.size() + " blocks before, " + after.size() + " after");
    }
    List<LayerComparison> rows = new ArrayList<>();
    for (int i = 0; i < before.size(); i++) {
      rows.add(of(before.get(i), after.get(i)));
    }
    return List.copyOf(rows);
  }
}
