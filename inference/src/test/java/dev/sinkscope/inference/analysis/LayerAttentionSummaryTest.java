package dev.sinkscope.inference.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.TokenLayout;
import org.junit.jupiter.api.Test;

class LayerAttentionSummaryTest {

  // CLS + 1x2 grid; rows are queries
  static final TokenLayout LAYOUT = SyntheticCaptures.layout(true, 0, 1, 2, 0);
  static final FloatTensor ATTENTION =
      SyntheticCaptures.attention(
          new double[][] {
            {
              0.5, 0.3, 0.2,
              0.6, 0.2, 0.2,
              0.7, 0.1, 0.2
            },
            {
              0.2, 0.2, 0.6,
              0.1, 0.1, 0.8,
              0.3, 0.3, 0.4
            }
          },
          3);

  private static float[] received(QuerySet querySet) {
    return LayerAttentionSummary.fromAttention(1, ATTENTION, LAYOUT, querySet, false).received();
  }

  @Test
  void allQueries() {
    assertArrayEquals(
        new float[] {0.6f, 0.2f, 0.2f, 0.2f, 0.2f, 0.6f}, received(QuerySet.ALL), 1e-6f);
  }

  @Test
  void excludingSelf() {
    // head 0: (0.6 + 0.7) / 2, (0.3 + 0.1) / 2, (0.2 + 0.2) / 2; head 1: (0.1 + 0.3) / 2, (0.2 +
    // 0.3) / 2, (0.6 + 0.8) / 2
    assertArrayEquals(
        new float[] {0.65f, 0.2f, 0.2f, 0.2f, 0.25f, 0.7f}, received(QuerySet.EXCLUDE_SELF), 1e-6f);
  }

  @Test
  void patchQueriesOnly() {
    assertArrayEquals(
        new float[] {0.65f, 0.15f, 0.2f, 0.2f, 0.2f, 0.6f}, received(QuerySet.PATCHES_ONLY), 1e-6f);
  }

  @Test
  void clsQueryOnlyIsTheClsRow() {
    LayerAttentionSummary s =
        LayerAttentionSummary.fromAttention(1, ATTENTION, LAYOUT, QuerySet.CLS_ONLY, true);
    assertArrayEquals(new float[] {0.5f, 0.3f, 0.2f, 0.2f, 0.2f, 0.6f}, s.received(), 1e-6f);
    assertArrayEquals(s.received(), s.clsRow());
    assertArrayEquals(
        new float[] {0.35f, 0.25f, 0.4f, 0.35f, 0.15f, 0.5f, 0.5f, 0.2f, 0.3f},
        s.headMean(),
        1e-6f);
  }

  @Test
  void withoutClsThereIsNoClsRowAndNoClsQuerySet() {
    TokenLayout noCls = SyntheticCaptures.layout(false, 0, 1, 3, 0);
    assertNull(
        LayerAttentionSummary.fromAttention(1, ATTENTION, noCls, QuerySet.ALL, false).clsRow());
    assertThrows(
        IllegalArgumentException.class,
        () -> LayerAttentionSummary.fromAttention(1, ATTENTION, noCls, QuerySet.CLS_ONLY, false));
  }
}
