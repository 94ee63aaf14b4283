package dev.sinkscope.inference.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RobustStatisticsTest {

  @Test
  void medianOfOddAndEvenCounts() {
    assertEquals(3.0, RobustStatistics.median(new double[] {5, 1, 3}));
    assertEquals(2.5, RobustStatistics.median(new double[] {4, 1, 3, 2}));
    assertEquals(7.0, RobustStatistics.median(new double[] {7}));
    assertTrue(Double.isNaN(RobustStatistics.median(new double[0])));
  }

  @Test
  void medianDoesNotModifyItsInput() {
    double[] values = {9, 1, 8, 2, 7};
    RobustStatistics.median(values);
    assertArrayEquals(new double[] {9, 1, 8, 2, 7}, values);
  }

  @Test
  void selectionMatchesSortingOnDataWithManyTies() {
    Random random = new Random(7);
    for (int trial = 0; trial < 50; trial++) {
      double[] values = new double[1 + random.nextInt(200)];
      for (int i = 0; i < values.length; i++) {
        values[i] = random.nextInt(5); // heavy ties
      }
      double[] sorted = values.clone();
      Arrays.sort(sorted);
      int n = sorted.length;
      double expected = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      assertEquals(expected, RobustStatistics.median(values), "trial " + trial);
    }
  }

  @Test
  void floatMedianEqualsTheMedianOfTheSortedData() {
    Random random = new Random(11);
    for (int trial = 0; trial < 200; trial++) {
      float[] values = new float[1 + random.nextInt(trial < 100 ? 40 : 5000)];
      for (int i = 0; i < values.length; i++) {
        values[i] =
            switch (trial % 4) {
              case 0 -> random.nextInt(5); // heavy ties
              case 1 -> Math.abs((float) random.nextGaussian()); // |x| of a block output
              case 2 -> (float) (random.nextGaussian() * Math.pow(10, random.nextInt(12) - 6));
              default -> new float[] {-0f, 0f, -1.5f, 1e-30f, Float.MAX_VALUE}[random.nextInt(5)];
            };
      }
      float[] copy = values.clone();
      float[] sorted = values.clone();
      Arrays.sort(sorted);
      int n = sorted.length;
      double expected =
          n % 2 == 1 ? sorted[n / 2] : ((double) sorted[n / 2 - 1] + (double) sorted[n / 2]) / 2;
      assertEquals(expected, RobustStatistics.median(values), "trial " + trial);
      // the double selection does not order -0.0 before 0.0; they are the same number
      assertEquals(
          expected, RobustStatistics.median(RobustStatistics.toDouble(values)), 0.0, "as doubles");
      assertArrayEquals(copy, values, "the input stays as it was");
      int k = random.nextInt(n);
      assertEquals(sorted[k], RobustStatistics.selectFloat(values, k), "trial " + trial);
    }
    assertTrue(Double.isNaN(RobustStatistics.median(new float[0])));
  }

  @Test
  void medianAbsoluteDeviation() {
    double[] values = {1, 1, 2, 2, 4, 6, 9};
    // median 2; |x - 2| = 1 1 0 0 2 4 7 -> median 1
    assertEquals(
        1.0, RobustStatistics.medianAbsoluteDeviation(values, RobustStatistics.median(values)));
  }

  @Test
  void averageRanksShareTies() {
    assertArrayEquals(
        new double[] {1, 2.5, 2.5, 4}, RobustStatistics.averageRanks(new double[] {1, 2, 2, 3}));
    assertArrayEquals(
        new double[] {2, 2, 2}, RobustStatistics.averageRanks(new double[] {5, 5, 5}));
    assertArrayEquals(
        new double[] {3, 1, 2}, RobustStatistics.averageRanks(new double[] {0.9, 0.1, 0.5}));
  }

  @Test
  void spearmanWithoutTiesMatchesTheClassicFormula() {
    // d = -1 1 -1 1 0, sum d^2 = 4, rho = 1 - 6*4 / (5*24) = 0.8
    assertEquals(
        0.8,
        RobustStatistics.spearman(new double[] {1, 2, 3, 4, 5}, new double[] {2, 1, 4, 3, 5}),
        1e-12);
    assertEquals(
        -1.0, RobustStatistics.spearman(new double[] {1, 2, 3}, new double[] {30, 20, 10}), 1e-12);
  }

  @Test
  void spearmanWithTiesUsesAverageRanks() {
    // ranks x = 1 2.5 2.5 4, ranks y = 1 2 3 4: Pearson = 4.5 / sqrt(4.5 * 5) = 3 / sqrt(10)
    assertEquals(
        3 / Math.sqrt(10),
        RobustStatistics.spearman(new double[] {1, 2, 2, 3}, new double[] {10, 20, 30, 40}),
        1e-12);
  }

  @Test
  void spearmanIsInvariantToMonotoneTransforms() {
    double[] x = {0.3, 5, 2, 8, 1};
    double[] y = {1, 9, 4, 7, 2};
    double[] expY = Arrays.stream(y).map(Math::exp).toArray();
    assertEquals(RobustStatistics.spearman(x, y), RobustStatistics.spearman(x, expY), 1e-12);
  }

  @Test
  void correlationOfAConstantIsUndefined() {
    assertTrue(
        Double.isNaN(RobustStatistics.spearman(new double[] {1, 1, 1}, new double[] {1, 2, 3})));
  }
}
