package dev.sinkscope.inference.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {

  @Test
  void jacobiOnASmallKnownMatrix() {
    // [[2, 1, 0], [1, 2, 0], [0, 0, 5]]: eigenvalues 5, 3, 1
    double[] a = {2, 1, 0, 1, 2, 0, 0, 0, 5};
    EigenDecomposition e = SymmetricEigen.jacobi(a, 3);
    assertTrue(e.converged());
    assertArrayEquals(new double[] {5, 3, 1}, e.values(), 1e-12);
    assertEigenpairs(a, 3, e, 1e-12);
    // eigenvector of 3 is ±(1, 1, 0)/√2
    assertEquals(1 / Math.sqrt(2), Math.abs(e.vector(1, 0)), 1e-12);
    assertEquals(e.vector(1, 0), e.vector(1, 1), 1e-12);
  }

  @Test
  void subspaceIterationFindsPlantedLeadingEigenpairs() {
    int n = 200;
    double[] spectrum = new double[n];
    for (int i = 0; i < n; i++) {
      spectrum[i] = i == 0 ? 100 : i == 1 ? 50 : i == 2 ? 25 : 1.0 / (i + 1);
    }
    double[] basis = randomOrthonormal(n, 9);
    double[] a = compose(basis, spectrum, n);
    EigenDecomposition e = SymmetricEigen.largest(a, n, 3);
    assertTrue(e.converged());
    assertArrayEquals(new double[] {100, 50, 25}, e.values(), 1e-8);
    for (int k = 0; k < 3; k++) {
      double dot = 0;
      for (int i = 0; i < n; i++) {
        dot += e.vector(k, i) * basis[k * n + i];
      }
      assertEquals(1.0, Math.abs(dot), 1e-9, "eigenvector " + k);
    }
    assertEigenpairs(a, n, e, 1e-6);
  }

  /**
   * The spectrum of high-dimensional features: leading eigenvalues a few per cent apart. The
   * Chebyshev filter reaches the residual tolerance in a handful of iterations where one power step
   * per product needed about a hundred (ADR 0021), and the pairs are Jacobi's.
   */
  @Test
  void subspaceIterationConvergesFastOnAFlatSpectrum() {
    int n = 160;
    double[] spectrum = new double[n];
    for (int i = 0; i < n; i++) {
      spectrum[i] = 1.0 - 0.02 * Math.sqrt(i); // 1, 0.98, 0.972, ... 0.75
    }
    double[] a = compose(randomOrthonormal(n, 11), spectrum, n);
    EigenDecomposition e = SymmetricEigen.largest(a, n, 3);
    assertTrue(e.converged());
    assertTrue(e.iterations() <= 20, "iterations: " + e.iterations());
    EigenDecomposition exact = SymmetricEigen.jacobi(a, n);
    assertArrayEquals(java.util.Arrays.copyOf(exact.values(), 3), e.values(), 1e-12);
    for (int k = 0; k < 3; k++) {
      double dot = 0;
      for (int i = 0; i < n; i++) {
        dot += e.vector(k, i) * exact.vector(k, i);
      }
      assertEquals(1.0, Math.abs(dot), 1e-12, "eigenvector " + k);
    }
    assertEigenpairs(a, n, e, 1e-8);
  }

  @Test
  void subspaceIterationIsDeterministic() {
    int n = 120;
    double[] spectrum = new double[n];
    for (int i = 0; i < n; i++) {
      spectrum[i] = 10.0 / (i + 1);
    }
    double[] a = compose(randomOrthonormal(n, 4), spectrum, n);
    EigenDecomposition first = SymmetricEigen.largest(a, n, 3);
    EigenDecomposition second = SymmetricEigen.largest(a, n, 3);
    assertArrayEquals(first.values(), second.values());
    assertArrayEquals(first.vectors(), second.vectors());
  }

  @Test
  void rankDeficientMatricesStillGiveOrthonormalVectors() {
    int n = 100;
    double[] spectrum = new double[n];
    spectrum[0] = 4;
    spectrum[1] = 2; // rank 2
    double[] a = compose(randomOrthonormal(n, 2), spectrum, n);
    EigenDecomposition e = SymmetricEigen.largest(a, n, 3);
    assertArrayEquals(new double[] {4, 2, 0}, e.values(), 1e-9);
    for (int p = 0; p < 3; p++) {
      for (int q = 0; q < 3; q++) {
        double dot = 0;
        for (int i = 0; i < n; i++) {
          dot += e.vector(p, i) * e.vector(q, i);
        }
        assertEquals(p == q ? 1 : 0, dot, 1e-9);
      }
    }
  }

  private static void assertEigenpairs(double[] a, int n, EigenDecomposition e, double tolerance) {
    for (int k = 0; k < e.count(); k++) {
      for (int i = 0; i < n; i++) {
        double av = 0;
        for (int j = 0; j < n; j++) {
          av += a[i * n + j] * e.vector(k, j);
        }
        assertEquals(
            e.values()[k] * e.vector(k, i), av, tolerance * Math.max(1, Math.abs(e.values()[0])));
      }
    }
  }

  /** Rows of an n×n orthonormal matrix from Gram–Schmidt on seeded Gaussian rows. */
  static double[] randomOrthonormal(int n, long seed) {
    Random random = new Random(seed);
    double[] q = new double[n * n];
    for (int i = 0; i < q.length; i++) {
      q[i] = random.nextGaussian();
    }
    for (int r = 0; r < n; r++) {
      for (int pass = 0; pass < 2; pass++) {
        for (int p = 0; p < r; p++) {
          double dot = 0;
          for (int i = 0; i < n; i++) {
            dot += q[r * n + i] * q[p * n + i];
          }
          for (int i = 0; i < n; i++) {
            q[r * n + i] -= dot * q[p * n + i];
          }
        }
      }
      double norm = 0;
      for (int i = 0; i < n; i++) {
        norm += q[r * n + i] * q[r * n + i];
      }
      norm = Math.sqrt(norm);
      for (int i = 0; i < n; i++) {
        q[r * n + i] /= norm;
      }
    }
    return q;
  }

  /** Σ_k λ_k b_k b_kᵀ for basis rows b_k. */
  static double[] compose(double[] basis, double[] spectrum, int n) {
    double[] a = new double[n * n];
    for (int k = 0; k < n; k++) {
      if (spectrum[k] == 0) {
        continue;
      }
      for (int i = 0; i < n; i++) {
        double bi = spectrum[k] * basis[k * n + i];
        for (int j = 0; j < n; j++) {
          a[i * n + j] += bi * basis[k * n + j];
        }
      }
    }
    return a;
  }
}
