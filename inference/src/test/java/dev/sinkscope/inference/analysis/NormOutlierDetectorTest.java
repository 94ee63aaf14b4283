package dev.sinkscope.inference.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NormOutlierDetectorTest {

  private static final int[] PLANTED = {5, 30, 66};
  private static final DetectionOptions OPTIONS = DetectionOptions.defaults();

  /** 64 norms ~ N(10, 1), seeded, with three tokens at 60 inserted at {@link #PLANTED}. */
  private static double[] plantedNorms() {
    double[] normal = SyntheticCaptures.gaussian(64, 10, 1, 42);
    double[] norms = new double[67];
    for (int i = 0, k = 0; i < norms.length; i++) {
      norms[i] = Arrays.binarySearch(PLANTED, i) >= 0 ? 60 : normal[k++];
    }
    return norms;
  }

  @ParameterizedTest
  @EnumSource(DetectionRule.class)
  void everyRuleFindsExactlyThePlantedOutliers(DetectionRule rule) {
    OutlierSplit split = NormOutlierDetector.detect(rule, plantedNorms(), OPTIONS, 30);
    Set<Integer> found = Arrays.stream(split.outlierIndices()).boxed().collect(Collectors.toSet());
    Set<Integer> truth = Arrays.stream(PLANTED).boxed().collect(Collectors.toSet());
    long truePositives = found.stream().filter(truth::contains).count();
    double precision = (double) truePositives / found.size();
    double recall = (double) truePositives / truth.size();
    assertEquals(1.0, precision, rule + " precision");
    assertEquals(1.0, recall, rule + " recall");
    assertEquals(DetectionVerdict.ARTIFACTS_FOUND, split.verdict());
    assertEquals(rule, split.appliedRule());
    assertFalse(split.fellBack());
    // the cut lies between the normal tokens and the planted ones
    assertTrue(
        split.threshold() > 13 && split.threshold() < 60, rule + " threshold " + split.threshold());
  }

  @Test
  void unimodalNormsGiveNoArtifacts() {
    double[] norms = SyntheticCaptures.gaussian(64, 10, 1, 42);
    OutlierSplit d =
        NormOutlierDetector.detect(DetectionRule.BIMODAL_SPLIT, norms, OPTIONS, Double.NaN);
    assertEquals(DetectionVerdict.UNIMODAL_NO_ARTIFACTS, d.verdict());
    assertTrue(d.note().startsWith("unimodal: no artifacts"), d.note());
    assertEquals(0, d.count());
    assertEquals(
        DetectionVerdict.NO_ARTIFACTS, NormOutlierDetector.medianRatio(norms, 3).verdict());
    assertEquals(
        DetectionVerdict.NO_ARTIFACTS, NormOutlierDetector.robustZ(norms, 3.5, 3).verdict());
  }

  @Test
  void absoluteRuleIsStrictAndNeedsAThreshold() {
    double[] norms = {10, 150, 150.5, 20};
    assertArrayEquals(new int[] {2}, NormOutlierDetector.absolute(norms, 150).outlierIndices());
    OutlierSplit none = NormOutlierDetector.absolute(norms, Double.NaN);
    assertEquals(DetectionVerdict.NO_THRESHOLD, none.verdict());
    assertEquals(0, none.count());
  }

  @Test
  void medianRatioThresholdIsKTimesTheMedian() {
    double[] norms = {4, 5, 6, 15, 16};
    OutlierSplit b = NormOutlierDetector.medianRatio(norms, 3);
    assertEquals(18.0, b.threshold(), 1e-12);
    assertEquals(0, b.count());
    // 2.5 x 6 = 15: the token at exactly 15 is not above the cut
    assertArrayEquals(new int[] {4}, NormOutlierDetector.medianRatio(norms, 2.5).outlierIndices());
    assertArrayEquals(new int[] {3, 4}, NormOutlierDetector.medianRatio(norms, 2).outlierIndices());
  }

  @Test
  void robustZUsesTheIglewiczHoaglinScore() {
    double[] norms = {9, 10, 10, 11, 12, 30};
    // median 10.5, |x - m| = 1.5 .5 .5 .5 1.5 19.5 -> MAD 1; z(30) = 0.6745 * 19.5 = 13.2; z(12) =
    // 1.01
    OutlierSplit c = NormOutlierDetector.robustZ(norms, 3.5, 3);
    assertArrayEquals(new int[] {5}, c.outlierIndices());
    assertEquals(10.5 + 3.5 / 0.6745, c.threshold(), 1e-12);
  }

  @Test
  void robustZFallsBackToMedianRatioWhenMadIsZero() {
    double[] norms = {5, 5, 5, 5, 5, 5, 5, 20};
    OutlierSplit c = NormOutlierDetector.robustZ(norms, 3.5, 3);
    assertTrue(c.fellBack());
    assertEquals(DetectionRule.ROBUST_Z, c.requestedRule());
    assertEquals(DetectionRule.MEDIAN_RATIO, c.appliedRule());
    assertEquals(15.0, c.threshold(), 1e-12);
    assertArrayEquals(new int[] {7}, c.outlierIndices());
    assertTrue(c.note().contains("MAD = 0"), c.note());
  }

  @Test
  void otsuSplitsACleanBimodalSetInItsValley() {
    double[] norms = new double[100];
    for (int i = 0; i < 90; i++) {
      norms[i] = 9 + 2.0 * i / 89; // 9 .. 11
    }
    for (int i = 90; i < 100; i++) {
      norms[i] = 38 + 4.0 * (i - 90) / 9; // 38 .. 42
    }
    BimodalSplit split = NormOutlierDetector.bimodal(norms, 256, 0.2, 2);
    assertTrue(split.accepted());
    assertEquals(10, split.upperCount());
    assertEquals(0.1, split.upperFraction(), 1e-12);
    assertArrayEquals(IntStream.range(90, 100).toArray(), split.upperIndices());
    assertTrue(split.threshold() > 11 && split.threshold() < 38, "threshold " + split.threshold());
    // mid-valley in log space: between log 11 and log 38 up to one bin
    double binWidth = (Math.log(42) - Math.log(9)) / 256;
    assertEquals((Math.log(11) + Math.log(38)) / 2, split.thresholdLog(), binWidth);
    // class geometric means ~10 and ~40
    assertEquals(4.0, split.separation(), 0.1);
  }

  @Test
  void otsuRejectsALargeUpperClass() {
    double[] norms = new double[40];
    for (int i = 0; i < 40; i++) {
      norms[i] = i < 20 ? 10 + 0.01 * i : 50 + 0.01 * i; // two equal modes
    }
    BimodalSplit split = NormOutlierDetector.bimodal(norms, 256, 0.2, 2);
    assertEquals(0.5, split.upperFraction(), 1e-12);
    assertFalse(split.accepted());
    OutlierSplit asRule = NormOutlierDetector.toOutlierSplit(split);
    assertEquals(DetectionVerdict.UNIMODAL_NO_ARTIFACTS, asRule.verdict());
    assertTrue(Double.isNaN(asRule.threshold()), "no cut was applied");
    assertTrue(
        split.threshold() > 10.2 && split.threshold() < 50, "the candidate cut stays in the split");
  }

  @Test
  void otsuRejectsAPoorlySeparatedUpperClass() {
    double[] norms = new double[50];
    for (int i = 0; i < 50; i++) {
      norms[i] = i < 45 ? 10 + 0.01 * i : 15; // upper class only 1.5x the lower
    }
    BimodalSplit split = NormOutlierDetector.bimodal(norms, 256, 0.2, 2);
    assertEquals(5, split.upperCount());
    assertTrue(split.separation() < 2);
    assertFalse(split.accepted());
  }

  @Test
  void otsuOnConstantNormsIsUnimodal() {
    BimodalSplit split = NormOutlierDetector.bimodal(new double[] {7, 7, 7, 7}, 256, 0.2, 2);
    assertFalse(split.accepted());
    assertEquals(
        DetectionVerdict.UNIMODAL_NO_ARTIFACTS,
        NormOutlierDetector.toOutlierSplit(split).verdict());
  }
}
