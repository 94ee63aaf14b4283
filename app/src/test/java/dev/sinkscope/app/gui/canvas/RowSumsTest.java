package dev.sinkscope.app.gui.canvas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.app.gui.Fixtures;
import dev.sinkscope.app.gui.compare.CompareViewModel;
import dev.sinkscope.app.gui.compare.MetricRow;
import dev.sinkscope.app.gui.session.CompareTarget;
import dev.sinkscope.app.gui.session.ViewOutcome;
import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.mitigation.AttentionNormalizer;
import dev.sinkscope.inference.mitigation.BlockRange;
import dev.sinkscope.inference.mitigation.MitigationStack;
import org.junit.jupiter.api.Test;

/**
 * The row-sum readout: 1 under softmax, off 1 where sigmoid replaces it, and in the compare table.
 */
class RowSumsTest {

  @Test
  void softmaxRowsSumToOneAndSigmoidRowsDoNot() {
    // sigmoid in blocks 3-4 (1-based; the range counts from 0)
    ViewOutcome o =
        Fixtures.outcome(
            Fixtures.DINOV2,
            MitigationStack.of(AttentionNormalizer.sigmoid(new BlockRange(2, 3))),
            CompareTarget.BEFORE_AFTER);
    AnalysisReport before = o.comparison().report();
    AnalysisReport after = o.primary().report();
    for (int block = 1; block <= 4; block++) {
      assertEquals(1.0, RowSums.mean(before, block), 1e-4, "softmax, block " + block);
    }
    assertEquals(1.0, RowSums.mean(after, 2), 1e-4, "block 2 keeps softmax");
    assertTrue(
        Math.abs(RowSums.mean(after, 4) - 1) > 0.01,
        "sigmoid rows do not sum to 1: " + RowSums.mean(after, 4));

    MetricRow row =
        CompareViewModel.metricRows(before, after, 4).stream()
            .filter(r -> r.metric().startsWith("Attention row sum"))
            .findFirst()
            .orElseThrow();
    assertEquals("Attention row sum, mean (block 4)", row.metric());
    assertEquals(1.0, row.before(), 1e-4);
    assertEquals(RowSums.mean(after, 4), row.after(), 1e-12);
  }
}
