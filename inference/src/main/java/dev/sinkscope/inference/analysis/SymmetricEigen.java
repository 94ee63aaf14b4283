package dev.sinkscope.inference.analysis;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Eigen solvers for symmetric matrices stored row-major as {@code double[n·n]}: cyclic Jacobi for
 * small matrices, seeded subspace iteration with Rayleigh–Ritz for a few leading pairs of large
 * positive semi-definite ones (Gram and covariance matrices). The subspace iteration filters its
 * block with a Chebyshev polynomial that damps the unwanted part of the spectrum, [0, smallest Ritz
 * value], instead of one power step: on the flat spectra of high-dimensional features this takes
 * several times fewer matrix products for the same residual (ADR 0021).
 */
public final class SymmetricEigen {

  /** Sizes up to this use Jacobi directly: n³ per sweep is cheap there. */
  static final int JACOBI_LIMIT = 64;

  /**
   * Extra block columns: convergence of pair i goes as (λ_{k+extra+1} / λ_i)^iterations for a power
   * step. 13 makes a block of 16 for k = 3, a whole number of vector lanes in {@link #multiply}.
   */
  private static final int OVERSAMPLING = 13;

  /** Highest degree of one Chebyshev filter step. */
  private static final int MAX_FILTER_DEGREE = 10;

  /**
   * Largest amplification of one filter step, log e: about 1e8, so the weakest wanted direction
   * keeps ~8 significant digits next to the strongest before the block is re-orthonormalised.
   */
  private static final double MAX_FILTER_GROWTH = Math.log(1e8);

  private static final int MAX_JACOBI_SWEEPS = 100;
  private static final int MAX_BLOCK_ITERATIONS = 500;
  private static final double RESIDUAL_TOLERANCE = 1e-9;
  private static final long SEED = 0x51A5C0DEL;

  private SymmetricEigen() {}

  /** All eigenpairs by cyclic Jacobi rotations, descending. */
  public static EigenDecomposition jacobi(double[] matrix, int n) {
    checkSquare(matrix, n);
    double[] m = matrix.clone(); // [n, n], driven to diagonal
    double[] v = new double[n * n]; // [n, n], columns are eigenvectors
    for (int i = 0; i < n; i++) {
      v[i * n + i] = 1;
    }
    double scale = 0;
    for (double x : matrix) {
      scale += x * x;
    }
    int sweep = 0;
    boolean converged = false;
    for (; sweep < MAX_JACOBI_SWEEPS; sweep++) {
      double off = 0;
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          off += m[p * n + q] * m[p * n + q];
        }
      }
      if (off <= 1e-30 * scale || off == 0) {
        converged = true;
        break;
      }
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          double apq = m[p * n + q];
          if (apq == 0) {
            continue;
          }
          double theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
          double t =
              Math.abs(theta) > 1e150
                  ? 1 / (2 * theta)
                  : Math.signum(theta == 0 ? 1 : theta)
                      / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          rotate(m, v, n, p, q, c, s);
        }
      }
    }
    double[] diagonal = new double[n];
    for (int i = 0; i < n; i++) {
      diagonal[i] = m[i * n + i];
    }
    Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> diagonal[i]).reversed());
    double[] values = new double[n];
    double[] vectors = new double[n * n];
    for (int k = 0; k < n; k++) {
      int col = order[k];
      values[k] = diagonal[col];
      for (int i = 0; i < n; i++) {
        vectors[k * n + i] = v[i * n + col];
      }
    }
    return new EigenDecomposition(n, values, vectors, sweep, converged);
  }

  /** {@code A ← Jᵀ A J}, {@code V ← V J} for the rotation J in the (p, q) plane. */
  private static void rotate(double[] m, double[] v, int n, int p, int q, double c, double s) {
    for (int k = 0; k < n; k++) {
      double mkp = m[k * n + p];
      double mkq = m[k * n + q];
      m[k * n + p] = c * mkp - s * mkq;
      m[k * n + q] = s * mkp + c * mkq;
    }
    for (int k = 0; k < n; k++) {
      double mpk = m[p * n + k];
      double mqk = m[q * n + k];
      m[p * n + k] = c * mpk - s * mqk;
      m[q * n + k] = s * mpk + c * mqk;
    }
    for (int k = 0; k < n; k++) {
      double vkp = v[k * n + p];
      double vkq = v[k * n + q];
      v[k * n + p] = c * vkp - s * vkq;
      v[k * n + q] = s * vkp + c * vkq;
    }
  }

  /**
   * The {@code k} largest eigenpairs of a positive semi-definite matrix. Small matrices go to
   * Jacobi; larger ones to subspace iteration from a seeded Gaussian block, so results are
   * reproducible run to run.
   */
  public static EigenDecomposition largest(double[] matrix, int n, int k) {
    checkSquare(matrix, n);
    if (k < 1 || k > n) {
      throw new IllegalArgumentException("k must be in 1.." + n + ", got " + k);
    }
    int block = Math.min(n, k + OVERSAMPLING);
    if (n <= JACOBI_LIMIT || block == n) {
      return truncate(jacobi(matrix, n), k);
    }
    Random random = new Random(SEED);
    double[] q = new double[n * block]; // [n, b]
    for (int i = 0; i < q.length; i++) {
      q[i] = random.nextGaussian();
    }
    orthonormalizeColumns(q, n, block);
    double[] y = new double[n * block]; // [n, b] = A Q
    double[] ritzValues = new double[block];
    double[] ritzVectors = new double[n * block];
    boolean converged = false;
    int iteration = 0;
    while (iteration < MAX_BLOCK_ITERATIONS) {
      iteration++;
      multiply(matrix, q, y, n, block);
      // Rayleigh–Ritz on the b×b projection H = Qᵀ A Q
      double[] h = new double[block * block];
      for (int a = 0; a < block; a++) {
        for (int b = a; b < block; b++) {
          double sum = 0;
          for (int i = 0; i < n; i++) {
            sum += q[i * block + a] * y[i * block + b];
          }
          h[a * block + b] = sum;
          h[b * block + a] = sum;
        }
      }
      EigenDecomposition small = jacobi(h, block);
      double[] ay = new double[n * block]; // A · Ritz vectors
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < block; c++) {
          double rv = 0;
          double av = 0;
          for (int a = 0; a < block; a++) {
            double w = small.vector(c, a);
            rv += q[i * block + a] * w;
            av += y[i * block + a] * w;
          }
          ritzVectors[i * block + c] = rv;
          ay[i * block + c] = av;
        }
      }
      System.arraycopy(small.values(), 0, ritzValues, 0, block);
      double worst = 0;
      for (int c = 0; c < k; c++) {
        double r2 = 0;
        for (int i = 0; i < n; i++) {
          double d = ay[i * block + c] - ritzValues[c] * ritzVectors[i * block + c];
          r2 += d * d;
        }
        worst = Math.max(worst, Math.sqrt(r2));
      }
      double reference = Math.max(Math.abs(ritzValues[0]), Double.MIN_NORMAL);
      if (worst <= RESIDUAL_TOLERANCE * reference) {
        converged = true;
        break;
      }
      chebyshevStep(matrix, ritzVectors, ay, ritzValues, q, n, block);
      orthonormalizeColumns(q, n, block);
    }
    double[] values = Arrays.copyOf(ritzValues, k);
    double[] vectors = new double[k * n];
    for (int c = 0; c < k; c++) {
      double norm = 0;
      for (int i = 0; i < n; i++) {
        norm += ritzVectors[i * block + c] * ritzVectors[i * block + c];
      }
      norm = Math.sqrt(norm);
      for (int i = 0; i < n; i++) {
        vectors[c * n + i] = ritzVectors[i * block + c] / norm;
      }
    }
    return new EigenDecomposition(n, values, vectors, iteration, converged);
  }

  /**
   * Makes the largest-magnitude entry of every eigenvector positive (first one on ties), in place.
   */
  public static void canonicalizeSigns(double[] vectors, int count, int n) {
    for (int k = 0; k < count; k++) {
      int best = 0;
      for (int i = 1; i < n; i++) {
        if (Math.abs(vectors[k * n + i]) > Math.abs(vectors[k * n + best])) {
          best = i;
        }
      }
      if (vectors[k * n + best] < 0) {
        for (int i = 0; i < n; i++) {
          vectors[k * n + i] = -vectors[k * n + i];
        }
      }
    }
  }

  private static EigenDecomposition truncate(EigenDecomposition full, int k) {
    int n = full.size();
    return new EigenDecomposition(
        n,
        Arrays.copyOf(full.values(), k),
        Arrays.copyOf(full.vectors(), k * n),
        full.iterations(),
        full.converged());
  }

  /**
   * The next block {@code out [n, b]}: the Ritz vectors X {@code [n, b]} filtered by the Chebyshev
   * polynomial of degree m on [0, θ_b] (θ_b the smallest Ritz value; A is positive semi-definite,
   * so 0 bounds its spectrum below), which stays within [-1, 1] there and grows fastest above it.
   * With {@code ax} = A X at hand the first degree costs no product. Falls back to the power step
   * {@code A X} when θ_b is negligible (the gap is then wide and a power step converges fast
   * anyway).
   */
  private static void chebyshevStep(
      double[] a, double[] x, double[] ax, double[] ritzValues, double[] out, int n, int b) {
    double top = ritzValues[0];
    double upper = ritzValues[b - 1];
    if (!(upper > 1e-3 * top) || !(top > upper)) {
      System.arraycopy(ax, 0, out, 0, out.length);
      return;
    }
    double e = upper / 2; // half-width and centre of the damped interval [0, upper]
    double c = upper / 2;
    double reach = (top - c) / e; // where the strongest pair lands, > 1
    double growthPerDegree = Math.log(reach + Math.sqrt(reach * reach - 1)); // acosh
    int degree =
        (int)
            Math.max(
                1, Math.min(MAX_FILTER_DEGREE, Math.floor(MAX_FILTER_GROWTH / growthPerDegree)));
    // T_0 = X, T_1 = (A X - c X) / e, T_{j+1} = 2 (A T_j - c T_j) / e - T_{j-1}
    double[] previous = x.clone();
    double[] current = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      current[i] = (ax[i] - c * x[i]) / e;
    }
    double[] product = new double[x.length];
    for (int j = 1; j < degree; j++) {
      multiply(a, current, product, n, b);
      for (int i = 0; i < x.length; i++) {
        double next = 2 * (product[i] - c * current[i]) / e - previous[i];
        previous[i] = current[i];
        current[i] = next;
      }
    }
    System.arraycopy(current, 0, out, 0, out.length);
  }

  /**
   * {@code Y = A Q} for symmetric A [n, n] and Q, Y [n, b], computed as {@code Yᵀ[c, :] = Σ_j Q[j,
   * c] A[j, :]}: long contiguous rows of A that vectorise, each read once for four columns. Every
   * entry is summed over j in ascending order, as the row-times-block product does, so the result
   * is the same to the bit.
   */
  private static void multiply(double[] a, double[] q, double[] y, int n, int b) {
    double[] yt = new double[b * n]; // [b, n]
    int c = 0;
    for (; c + 3 < b; c += 4) {
      int o0 = c * n;
      int o1 = o0 + n;
      int o2 = o1 + n;
      int o3 = o2 + n;
      for (int j = 0; j < n; j++) {
        double q0 = q[j * b + c];
        double q1 = q[j * b + c + 1];
        double q2 = q[j * b + c + 2];
        double q3 = q[j * b + c + 3];
        int row = j * n;
        for (int i = 0; i < n; i++) {
          double aji = a[row + i];
          yt[o0 + i] += aji * q0;
          yt[o1 + i] += aji * q1;
          yt[o2 + i] += aji * q2;
          yt[o3 + i] += aji * q3;
        }
      }
    }
    for (; c < b; c++) {
      int o = c * n;
      for (int j = 0; j < n; j++) {
        double qj = q[j * b + c];
        int row = j * n;
        for (int i = 0; i < n; i++) {
          yt[o + i] += a[row + i] * qj;
        }
      }
    }
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < b; k++) {
        y[i * b + k] = yt[k * n + i];
      }
    }
  }

  /**
   * Modified Gram–Schmidt with re-orthogonalisation. A column that is (numerically) in the span of
   * the previous ones is replaced by a coordinate axis, so a rank-deficient matrix still yields an
   * orthonormal block.
   */
  static void orthonormalizeColumns(double[] q, int n, int b) {
    for (int c = 0; c < b; c++) {
      for (int attempt = 0; attempt <= n; attempt++) {
        double before = columnNorm(q, n, b, c);
        for (int round = 0; round < 2; round++) {
          for (int prev = 0; prev < c; prev++) {
            double dot = 0;
            for (int i = 0; i < n; i++) {
              dot += q[i * b + c] * q[i * b + prev];
            }
            for (int i = 0; i < n; i++) {
              q[i * b + c] -= dot * q[i * b + prev];
            }
          }
        }
        double after = columnNorm(q, n, b, c);
        if (after > 1e-12 * before && after > 0) {
          for (int i = 0; i < n; i++) {
            q[i * b + c] /= after;
          }
          break;
        }
        int axis = (c + attempt) % n;
        for (int i = 0; i < n; i++) {
          q[i * b + c] = i == axis ? 1 : 0;
        }
      }
    }
  }

  private static double columnNorm(double[] q, int n, int b, int c) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += q[i * b + c] * q[i * b + c];
    }
    return Math.sqrt(sum);
  }

  private static void checkSquare(double[] matrix, int n) {
    if (matrix.length != n * n) {
      throw new IllegalArgumentException(
          "matrix must be [" + n + ", " + n + "], got " + matrix.length + " values");
    }
  }
}
