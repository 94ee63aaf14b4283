package dev.sinkscope.inference.mitigation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The normaliser formulas on the numbers of methods §8. */
@Tag("cross-machine")
class AttentionNormalizerTest {

  private static float[] apply(AttentionNormalizer n, float... logits) {
    try (NDManager m = NDManager.newBaseManager()) {
      return n.normalize(m.create(logits, new Shape(1, logits.length))).toFloatArray();
    }
  }

  @Test
  void softmax1OfTwoZerosIsOneThirdEach() {
    assertArrayEquals(
        new float[] {1f / 3, 1f / 3},
        apply(AttentionNormalizer.softmax1(BlockRange.ALL), 0, 0),
        1e-6f);
  }

  @Test
  void softmax1IsStableForLargeLogits() {
    float[] p = apply(AttentionNormalizer.softmax1(BlockRange.ALL), 1000, 1000);
    assertArrayEquals(new float[] {0.5f, 0.5f}, p, 1e-6f);
  }

  @Test
  void sigmoidWithMinusLogNOnZeroLogitsGivesOneOverOnePlusN() {
    float[] p = apply(AttentionNormalizer.sigmoid(BlockRange.ALL), new float[257]);
    for (float v : p) {
      assertEquals(1.0 / 258, v, 1e-7);
    }
  }

  @Test
  void sigmoidDefaultBiasForCommonSequenceLengths() {
    assertEquals(-5.283, -Math.log(197), 1e-3);
    assertEquals(-7.223, -Math.log(1370), 1e-3);
  }

  @Test
  void clippedSoftmaxZeroesSmallWeights() {
    AttentionNormalizer clipped =
        new AttentionNormalizer(
            AttentionNormalizer.Kind.CLIPPED_SOFTMAX, -0.025, 1, BlockRange.ALL, HeadSet.ALL);
    float[] p = apply(clipped, (float) Math.log(0.02), (float) Math.log(0.98));
    assertArrayEquals(new float[] {0f, 0.9795f}, p, 1e-4f);
  }

  @Test
  void virtualSinkAtZeroEqualsSoftmax1() {
    AttentionNormalizer sink =
        new AttentionNormalizer(
            AttentionNormalizer.Kind.VIRTUAL_SINK, 0, 1, BlockRange.ALL, HeadSet.ALL);
    float[] logits = {0.3f, -1.2f, 2.0f};
    assertArrayEquals(
        apply(AttentionNormalizer.softmax1(BlockRange.ALL), logits), apply(sink, logits), 1e-6f);
  }

  @Test
  void veryNegativeVirtualSinkIsPlainSoftmax() {
    AttentionNormalizer sink =
        new AttentionNormalizer(
            AttentionNormalizer.Kind.VIRTUAL_SINK, -80, 1, BlockRange.ALL, HeadSet.ALL);
    float[] p = apply(sink, 0f, (float) Math.log(3));
    assertArrayEquals(new float[] {0.25f, 0.75f}, p, 1e-6f);
  }

  @Test
  void clippedSoftmaxRejectsPositiveGamma() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new AttentionNormalizer(
                AttentionNormalizer.Kind.CLIPPED_SOFTMAX, 0.1, 1, BlockRange.ALL, HeadSet.ALL));
  }
}
