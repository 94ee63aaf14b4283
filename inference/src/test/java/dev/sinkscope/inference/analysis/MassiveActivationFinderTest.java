package dev.sinkscope.inference.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.TokenKind;
import dev.sinkscope.inference.result.TokenLayout;
import org.junit.jupiter.api.Test;

class MassiveActivationFinderTest {

  // CLS + 1 register + 2x4 grid = 10 tokens
  private static final TokenLayout LAYOUT = SyntheticCaptures.layout(true, 1, 2, 4, 0);
  private static final int DIMS = 50;

  private static float[] background(double sd) {
    double[] g = SyntheticCaptures.gaussian(10 * DIMS, 0, sd, 11);
    float[] x = new float[g.length];
    for (int i = 0; i < g.length; i++) {
      x[i] = (float) g[i];
    }
    return x;
  }

  @Test
  void plantedMassiveActivationsAreFoundWithTokenAndDimension() {
    float[] x = background(0.1);
    x[1 * DIMS + 17] = 500; // register, dim 17
    x[0 * DIMS + 5] = -300; // CLS, dim 5, negative
    x[6 * DIMS + 2] = 90; // below the absolute cut of 100
    LayerMassiveActivations found =
        MassiveActivationFinder.find(
            4, FloatTensor.of(x, 10, DIMS), LAYOUT, MassiveActivationOptions.defaults());
    assertEquals(2, found.count());
    assertEquals(
        new MassiveActivation(1, TokenKind.REGISTER, 17, 500, 500, 500 / found.medianMagnitude()),
        found.entries().get(0));
    MassiveActivation second = found.entries().get(1);
    assertEquals(0, second.token());
    assertEquals(5, second.dim());
    assertEquals(-300, second.value());
    assertEquals(300, second.magnitude());
    // top-3 includes the 90 even though it does not pass
    assertEquals(90, found.top3().get(2).magnitude(), 1e-4);
    assertEquals(6, found.top3().get(2).token());
    assertEquals(TokenKind.PATCH, found.top3().get(2).kind());
    // median |x| of N(0, 0.1^2) is about 0.0674
    assertEquals(0.0674, found.medianMagnitude(), 0.01);
  }

  @Test
  void bothCutsMustPass() {
    float[] x = background(1.0); // median |x| ~ 0.67, so 1000x median ~ 670
    x[3 * DIMS + 9] = 200; // > 100 but only ~300x the median
    LayerMassiveActivations found =
        MassiveActivationFinder.find(
            1, FloatTensor.of(x, 10, DIMS), LAYOUT, MassiveActivationOptions.defaults());
    assertEquals(0, found.count());
    assertEquals(200, found.top3().get(0).magnitude(), 1e-4);
    LayerMassiveActivations relaxed =
        MassiveActivationFinder.find(
            1, FloatTensor.of(x, 10, DIMS), LAYOUT, new MassiveActivationOptions(100, 100, 64));
    assertEquals(1, relaxed.count());
  }

  @Test
  void listingIsCappedButTheCountIsExact() {
    float[] x = background(0.01);
    for (int d = 0; d < 20; d++) {
      x[2 * DIMS + d] = 1000 + d;
    }
    LayerMassiveActivations found =
        MassiveActivationFinder.find(
            1, FloatTensor.of(x, 10, DIMS), LAYOUT, new MassiveActivationOptions(100, 1000, 5));
    assertEquals(20, found.count());
    assertEquals(5, found.entries().size());
    assertEquals(19, found.entries().get(0).dim());
    assertEquals(15, found.entries().get(4).dim());
  }
}
