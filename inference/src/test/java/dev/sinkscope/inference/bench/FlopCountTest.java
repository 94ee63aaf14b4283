package dev.sinkscope.inference.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The FLOP formula of the benchmark's floor against counts made by hand. */
class FlopCountTest {

  /**
   * D = 8, H = 2, L = 1, MLP 32, patch 14, a 28 px input: N = 4 patches, T = 5 tokens. By hand (2
   * FLOP per multiply-add): patch embedding 2·4·588·8 = 37,632; qkv 2·5·8·24 = 1,920; QK^T
   * 2·2·5·4·5 = 400; AV 2·2·5·5·4 = 400; proj 2·5·8·8 = 640; fc1 2·5·8·32 = 2,560; fc2 2·5·32·8 =
   * 2,560; total 46,112.
   */
  @Test
  void tinyConfigMatchesAHandCount() {
    FlopCount flop = new FlopCount(8, 32, 1, 2, 14, 5, 4);
    List<Double> perShape = flop.shapes().stream().map(FlopCount.MatmulShape::flop).toList();
    assertEquals(List.of(37_632.0, 1_920.0, 400.0, 400.0, 640.0, 2_560.0, 2_560.0), perShape);
    assertEquals(46_112.0, flop.total());
  }

  /** Blocks repeat every product but the patch embedding. */
  @Test
  void blocksMultiplyEveryProductButThePatchEmbedding() {
    FlopCount one = new FlopCount(8, 32, 1, 2, 14, 5, 4);
    FlopCount three = new FlopCount(8, 32, 3, 2, 14, 5, 4);
    assertEquals(37_632.0 + 3 * 8_480.0, three.total());
    assertEquals(one.total() + 2 * 8_480.0, three.total());
  }

  /**
   * ViT-B/14 at 224 px (257 tokens): 6·256·196·768 + 12·(24·257·768² + 4·257²·768) =
   * 46,323,843,072, the closed form in the class comment.
   */
  @Test
  void vitBaseAt224MatchesTheClosedForm() {
    FlopCount flop = FlopCount.of(VitSize.BASE, 224);
    assertEquals(257, flop.tokens());
    double d = 768;
    double t = 257;
    double closed = 6.0 * 256 * 196 * d + 12 * (24 * t * d * d + 4 * t * t * d);
    assertEquals(closed, flop.total(), 1e-3);
    assertEquals(46.32, flop.gflop(), 0.01);
  }
}
