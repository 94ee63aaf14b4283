package dev.sinkscope.app.gui.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** One number style per quantity in the comparison table: changes are written like the values. */
class MetricRowTest {

  @Test
  void aChangeBelowTheShownDigitsIsZeroNotAnExponent() {
    MetricRow tiny = new MetricRow("Top sink, × uniform", 0.00389, 0.00389 + 6.93e-8, false);
    assertEquals("0.0039", tiny.beforeText());
    assertEquals("0", tiny.deltaText());
  }

  @Test
  void changesHaveTheDecimalsOfTheirValues() {
    assertEquals("+0.500", new MetricRow("m", 1.0, 1.5, false).deltaText());
    assertEquals("-212.4", new MetricRow("m", 217.5, 5.1, false).deltaText());
    assertEquals("-6", new MetricRow("Artifact patches", 9, 3, false).deltaText());
    assertEquals("+12.5 pp", new MetricRow("share", 0.5, 0.625, true).deltaText());
    assertEquals("0.0 pp", new MetricRow("share", 0.5, 0.5 + 1e-9, true).deltaText());
    assertEquals("–", new MetricRow("m", Double.NaN, 1, false).deltaText());
  }
}
