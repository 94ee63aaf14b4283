package dev.sinkscope.inference.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrincipalComponentsTest {

  /**
   * Tokens {@code a·u1 + b·u2 + c·u3 + offset + noise} with a, b, c exactly uncorrelated over the
   * sample, sample sd 5, 3, 1.5, and noise sd 0.05: the three leading axes must be ±u1, ±u2, ±u3 in
   * that order.
   */
  @ParameterizedTest(name = "{0} tokens x {1} dims")
  @CsvSource({
    "90, 120", // Gram route, subspace iteration
    "40, 48", // Gram route, Jacobi
    "300, 80", // covariance route, subspace iteration
    "200, 16" // covariance route, Jacobi
  })
  void recoversAPlantedThreeDimensionalStructure(int tokens, int dims) {
    double[] basis = SymmetricEigenTest.randomOrthonormal(dims, 21);
    double[][] coefficients = uncorrelatedCoefficients(tokens, new double[] {5, 3, 1.5}, 13);
    Random random = new Random(14);
    float[] data = new float[tokens * dims];
    for (int t = 0; t < tokens; t++) {
      for (int d = 0; d < dims; d++) {
        double v = 7 + 0.05 * random.nextGaussian(); // offset the mean removes
        for (int k = 0; k < 3; k++) {
          v += coefficients[k][t] * basis[k * dims + d];
        }
        data[t * dims + d] = (float) v;
      }
    }
    PcaFit fit = PrincipalComponents.fit(data, tokens, dims, null, 3);
    assertTrue(fit.converged());
    for (int k = 0; k < 3; k++) {
      double dot = 0;
      for (int d = 0; d < dims; d++) {
        dot += fit.axes()[k * dims + d] * basis[k * dims + d];
      }
      assertEquals(1.0, Math.abs(dot), 2e-3, "axis " + k);
    }
    double[] ratio = fit.explainedVarianceRatio();
    assertTrue(ratio[0] > ratio[1] && ratio[1] > ratio[2], "explained variance must be ordered");
    assertTrue(ratio[0] + ratio[1] + ratio[2] > 0.98, "three components carry almost all variance");
    // variances along the axes: the planted ones plus the small isotropic noise
    assertEquals(25, fit.eigenvalues()[0], 0.1);
    assertEquals(9, fit.eigenvalues()[1], 0.1);
    assertEquals(2.25, fit.eigenvalues()[2], 0.1);
    // canonical sign: largest loading positive
    for (int k = 0; k < 3; k++) {
      double largest = 0;
      for (int d = 0; d < dims; d++) {
        double v = fit.axes()[k * dims + d];
        if (Math.abs(v) > Math.abs(largest)) {
          largest = v;
        }
      }
      assertTrue(largest > 0);
    }
  }

  /**
   * Centred, mutually orthogonal coefficient vectors with exactly the given sample standard
   * deviations.
   */
  private static double[][] uncorrelatedCoefficients(int n, double[] sd, long seed) {
    Random random = new Random(seed);
    double[][] c = new double[sd.length][n];
    for (int k = 0; k < sd.length; k++) {
      double mean = 0;
      for (int t = 0; t < n; t++) {
        c[k][t] = random.nextGaussian();
        mean += c[k][t] / n;
      }
      for (int t = 0; t < n; t++) {
        c[k][t] -= mean;
      }
      for (int p = 0; p < k; p++) {
        double dot = 0;
        double pp = 0;
        for (int t = 0; t < n; t++) {
          dot += c[k][t] * c[p][t];
          pp += c[p][t] * c[p][t];
        }
        for (int t = 0; t < n; t++) {
          c[k][t] -= dot / pp * c[p][t];
        }
      }
      double norm = 0;
      for (int t = 0; t < n; t++) {
        norm += c[k][t] * c[k][t];
      }
      double scale = sd[k] * Math.sqrt(n - 1) / Math.sqrt(norm);
      for (int t = 0; t < n; t++) {
        c[k][t] *= scale;
      }
    }
    return c;
  }

  @ParameterizedTest(name = "{0} tokens x {1} dims")
  @CsvSource({"90, 120", "300, 80"})
  void matchesAFullJacobiDecompositionOfTheCovariance(int tokens, int dims) {
    Random random = new Random(31);
    float[] data = new float[tokens * dims];
    for (int t = 0; t < tokens; t++) {
      for (int d = 0; d < dims; d++) {
        // anisotropic noise: a decaying spectrum without planted structure
        data[t * dims + d] = (float) (random.nextGaussian() * 4.0 / (1 + d));
      }
    }
    PcaFit fit = PrincipalComponents.fit(data, tokens, dims, null, 3);
    double[] mean = new double[dims];
    for (int t = 0; t < tokens; t++) {
      for (int d = 0; d < dims; d++) {
        mean[d] += data[t * dims + d] / (double) tokens;
      }
    }
    double[] covariance = new double[dims * dims];
    for (int t = 0; t < tokens; t++) {
      for (int a = 0; a < dims; a++) {
        for (int b = 0; b < dims; b++) {
          covariance[a * dims + b] +=
              (data[t * dims + a] - mean[a]) * (data[t * dims + b] - mean[b]) / (tokens - 1);
        }
      }
    }
    EigenDecomposition reference = SymmetricEigen.jacobi(covariance, dims);
    for (int k = 0; k < 3; k++) {
      assertEquals(
          reference.values()[k],
          fit.eigenvalues()[k],
          1e-9 * reference.values()[0],
          "eigenvalue " + k);
      double dot = 0;
      for (int d = 0; d < dims; d++) {
        dot += reference.vector(k, d) * fit.axes()[k * dims + d];
      }
      assertEquals(1.0, Math.abs(dot), 1e-6, "axis " + k);
    }
  }
}
