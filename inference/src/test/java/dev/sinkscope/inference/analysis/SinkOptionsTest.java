package dev.sinkscope.inference.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** Options compare by value, so a cache keyed on them hits for equal settings. */
class SinkOptionsTest {

  @Test
  void equalSettingsAreEqualArraysIncluded() {
    assertEquals(SinkOptions.defaults(), SinkOptions.defaults());
    assertEquals(SinkOptions.defaults().hashCode(), SinkOptions.defaults().hashCode());
    assertEquals(AnalysisOptions.defaults(), AnalysisOptions.defaults());
    assertEquals(
        SinkOptions.defaults().withBlocks(2, 3).withHeads(0),
        SinkOptions.defaults().withBlocks(2, 3).withHeads(0));
    assertNotEquals(
        SinkOptions.defaults().withBlocks(2, 3), SinkOptions.defaults().withBlocks(2, 4));
    assertNotEquals(SinkOptions.defaults().withHeads(1), SinkOptions.defaults());
    assertNotEquals(
        SinkOptions.defaults(), SinkOptions.defaults().withQuerySet(QuerySet.PATCHES_ONLY));
    assertEquals(
        "SinkOptions[querySet=ALL, blocks=[2, 3], heads=[], guEpsilon=0.3, topK=5, "
            + "flagZThreshold=3.5, flagFallbackFactor=3.0]",
        SinkOptions.defaults().withBlocks(2, 3).toString());
  }
}
