package dev.sinkscope.inference.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.TokenLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttentionRolloutTest {

  private static final float[] SPEC_FUSED = {0.6f, 0.6f, 0.2f, 0.9f};

  // CLS + a 1x2 grid; two heads per block; every row sums to 1
  private static final TokenLayout LAYOUT = SyntheticCaptures.layout(true, 0, 1, 2, 0);
  private static final FloatTensor BLOCK1 =
      SyntheticCaptures.attention(
          new double[][] {
            {0.6, 0.2, 0.2, 0.3, 0.5, 0.2, 0.1, 0.1, 0.8},
            {0.2, 0.4, 0.4, 0.1, 0.5, 0.4, 0.3, 0.3, 0.4}
          },
          3);
  private static final FloatTensor BLOCK2 =
      SyntheticCaptures.attention(
          new double[][] {
            {0.5, 0.1, 0.4, 0.2, 0.6, 0.2, 0.2, 0.2, 0.6},
            {0.3, 0.3, 0.4, 0.4, 0.4, 0.2, 0.0, 0.4, 0.6}
          },
          3);

  @Test
  void vitExplainNormalisesEntryIjByRowJ() {
    // methods §8: [[0.6, 0.6], [0.2, 0.9]], ratio 0
    double[] a = AttentionRollout.vitExplainLayerMatrix(SPEC_FUSED, 2, 0);
    assertArrayEquals(new double[] {0.7273, 0.2857, 0.0909, 0.9048}, a, 1e-4);
  }

  @Test
  void paperModeNormalisesEachRowByItself() {
    double[] a = AttentionRollout.paperLayerMatrix(SPEC_FUSED, 2);
    assertArrayEquals(new double[] {0.7273, 0.2727, 0.0952, 0.9048}, a, 1e-4);
  }

  @Test
  void discardZeroesTheSmallestEntriesButNeverFlatIndexZero() {
    // floor(4 * 0.5) = 2 smallest: 0.2 at index 2, then the tie at 0.6 goes to index 0, which is
    // protected
    double[] a = AttentionRollout.vitExplainLayerMatrix(SPEC_FUSED, 2, 0.5);
    // kept [[0.6, 0.6], [0, 0.9]] -> (kept + I) / 2 = [[0.8, 0.3], [0, 0.95]], row sums 1.1 and
    // 0.95
    assertArrayEquals(new double[] {0.8 / 1.1, 0.3 / 0.95, 0, 1}, a, 1e-6);
  }

  @Test
  void discardDoesNotModifyItsInput() {
    float[] fused = SPEC_FUSED.clone();
    AttentionRollout.vitExplainLayerMatrix(fused, 2, 0.5);
    assertArrayEquals(SPEC_FUSED, fused);
  }

  @Test
  void headFusion() {
    float[] mean = AttentionRollout.fuseHeads(BLOCK1, HeadFusion.MEAN);
    assertArrayEquals(
        new float[] {0.4f, 0.3f, 0.3f, 0.2f, 0.5f, 0.3f, 0.2f, 0.2f, 0.6f}, mean, 1e-6f);
    assertArrayEquals(
        new float[] {0.6f, 0.4f, 0.4f, 0.3f, 0.5f, 0.4f, 0.3f, 0.3f, 0.8f},
        AttentionRollout.fuseHeads(BLOCK1, HeadFusion.MAX),
        1e-6f);
    assertArrayEquals(
        new float[] {0.2f, 0.2f, 0.2f, 0.1f, 0.5f, 0.2f, 0.1f, 0.1f, 0.4f},
        AttentionRollout.fuseHeads(BLOCK1, HeadFusion.MIN),
        1e-6f);
  }

  @Test
  void paperRolloutOnTwoBlocksByHand() {
    // Â1 = [[.7,.15,.15],[.1,.75,.15],[.1,.1,.8]], Â2 = [[.7,.1,.2],[.15,.75,.1],[.05,.15,.8]]
    // row 0 of Â2·Â1 = [.7,.1,.2]·Â1 = [0.52, 0.20, 0.28]; the other order would give [0.52, 0.205,
    // 0.275]
    RolloutMap map =
        AttentionRollout.rollout(
            List.of(
                AttentionRollout.fuseHeads(BLOCK1, HeadFusion.MEAN),
                AttentionRollout.fuseHeads(BLOCK2, HeadFusion.MEAN)),
            LAYOUT,
            RolloutOptions.paper());
    assertArrayEquals(new float[] {0.20f, 0.28f}, map.raw(), 1e-6f);
    assertArrayEquals(new float[] {0.20f / 0.28f, 1f}, map.normalized(), 1e-6f);
    assertEquals(0.52, map.nonPatchMass(), 1e-6);
    assertEquals(2, map.blocks());
    assertEquals(RolloutMode.PAPER, map.mode());
  }

  @Test
  void rowVectorProductEqualsTheFullMatrixProduct() {
    double[] a1 =
        AttentionRollout.paperLayerMatrix(AttentionRollout.fuseHeads(BLOCK1, HeadFusion.MEAN), 3);
    double[] a2 =
        AttentionRollout.paperLayerMatrix(AttentionRollout.fuseHeads(BLOCK2, HeadFusion.MEAN), 3);
    double[] full = new double[9]; // a2 · a1
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 3; k++) {
          full[i * 3 + j] += a2[i * 3 + k] * a1[k * 3 + j];
        }
      }
    }
    double[] row = AttentionRollout.clsRowOfProduct(List.of(a1, a2), 3);
    assertArrayEquals(new double[] {full[0], full[1], full[2]}, row, 1e-12);
  }

  @Test
  void vitExplainRolloutMatchesTheReferenceArithmetic() {
    // expected values from the reference algorithm (a / a.sum(-1) broadcasting, R <- a R) run in
    // double precision
    RolloutMap max =
        AttentionRollout.rollout(
            List.of(
                AttentionRollout.fuseHeads(BLOCK1, HeadFusion.MAX),
                AttentionRollout.fuseHeads(BLOCK2, HeadFusion.MAX)),
            LAYOUT,
            RolloutOptions.vitExplain(HeadFusion.MAX, 0));
    assertArrayEquals(new float[] {0.24173554f, 0.27272727f}, max.raw(), 1e-6f);
    assertArrayEquals(new float[] {0.88636364f, 1f}, max.normalized(), 1e-6f);

    RolloutMap min =
        AttentionRollout.rollout(
            List.of(
                AttentionRollout.fuseHeads(BLOCK1, HeadFusion.MIN),
                AttentionRollout.fuseHeads(BLOCK2, HeadFusion.MIN)),
            LAYOUT,
            RolloutOptions.vitExplain(HeadFusion.MIN, 0.5));
    assertArrayEquals(new float[] {0.0899654f, 0.33146592f}, min.raw(), 1e-6f);
    assertEquals(0.5, min.discardRatio());
  }

  @Test
  void registerColumnsTakePartButAreLeftOutOfTheMap() {
    // CLS, one register, a 1x1 grid: the register soaks up CLS attention
    TokenLayout layout = SyntheticCaptures.layout(true, 1, 1, 1, 0);
    float[] fused = {0.2f, 0.7f, 0.1f, 0.1f, 0.8f, 0.1f, 0.1f, 0.6f, 0.3f};
    RolloutMap map = AttentionRollout.rollout(List.of(fused), layout, RolloutOptions.paper());
    // Â row 0 = [0.6, 0.35, 0.05]
    assertArrayEquals(new float[] {0.05f}, map.raw(), 1e-6f);
    assertEquals(0.95, map.nonPatchMass(), 1e-6);
    assertEquals(1, map.normalized().length);
  }
}
