package dev.sinkscope.inference.analysis;

import java.util.stream.IntStream;

/**
 * PCA through the smaller of the two scatter matrices: the Gram matrix {@code Xc Xcᵀ [n, n]} when
 * there are fewer vectors than dimensions, else {@code Xcᵀ Xc [D, D]}. Both share their nonzero
 * eigenvalues; axes from the Gram route are {@code Xcᵀ v / |Xcᵀ v|}. Axis signs are canonical
 * (largest loading positive).
 */
public final class PrincipalComponents {

  private PrincipalComponents() {}

  /**
   * @param data {@code [rows, dims]} row-major
   * @param selectedRows rows to fit on, or null for all
   * @param k number of components, at most min(fitted rows, dims)
   */
  public static PcaFit fit(float[] data, int rows, int dims, int[] selectedRows, int k) {
    if (data.length != rows * dims) {
      throw new IllegalArgumentException("data must be [" + rows + ", " + dims + "]");
    }
    int[] use = selectedRows != null ? selectedRows : IntStream.range(0, rows).toArray();
    int n = use.length;
    if (n < 2) {
      throw new IllegalArgumentException("PCA needs at least 2 vectors, got " + n);
    }
    if (k < 1 || k > Math.min(n, dims)) {
      throw new IllegalArgumentException("k must be in 1.." + Math.min(n, dims) + ", got " + k);
    }
    double[] mean = new double[dims];
    for (int r : use) {
      for (int d = 0; d < dims; d++) {
        mean[d] += data[r * dims + d];
      }
    }
    for (int d = 0; d < dims; d++) {
      mean[d] /= n;
    }
    double[] centred = new double[n * dims]; // [n, D]
    double totalScatter = 0;
    for (int i = 0; i < n; i++) {
      int src = use[i] * dims;
      for (int d = 0; d < dims; d++) {
        double v = data[src + d] - mean[d];
        centred[i * dims + d] = v;
        totalScatter += v * v;
      }
    }
    double[] axes = new double[k * dims]; // [k, D]
    EigenDecomposition eigen;
    if (n < dims) {
      double[] gram = gram(centred, n, dims); // [n, n]
      eigen = SymmetricEigen.largest(gram, n, k);
      for (int c = 0; c < k; c++) {
        double norm = 0;
        for (int d = 0; d < dims; d++) {
          double sum = 0;
          for (int i = 0; i < n; i++) {
            sum += centred[i * dims + d] * eigen.vector(c, i);
          }
          axes[c * dims + d] = sum;
          norm += sum * sum;
        }
        norm = Math.sqrt(norm);
        for (int d = 0; d < dims; d++) {
          axes[c * dims + d] = norm > 0 ? axes[c * dims + d] / norm : 0;
        }
      }
    } else {
      double[] scatter = scatter(centred, n, dims); // [D, D]
      eigen = SymmetricEigen.largest(scatter, dims, k);
      System.arraycopy(eigen.vectors(), 0, axes, 0, k * dims);
    }
    SymmetricEigen.canonicalizeSigns(axes, k, dims);
    double[] variances = new double[k];
    double[] ratios = new double[k];
    double totalVariance = totalScatter / (n - 1);
    for (int c = 0; c < k; c++) {
      variances[c] = Math.max(0, eigen.values()[c]) / (n - 1);
      ratios[c] = totalVariance > 0 ? variances[c] / totalVariance : 0;
    }
    return new PcaFit(
        k,
        dims,
        n,
        mean,
        axes,
        variances,
        totalVariance,
        ratios,
        eigen.iterations(),
        eigen.converged());
  }

  /** {@code X Xᵀ} for X [n, D]. */
  static double[] gram(double[] x, int n, int dims) {
    double[] g = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        double v = dot(x, i * dims, x, j * dims, dims);
        g[i * n + j] = v;
        g[j * n + i] = v;
      }
    }
    return g;
  }

  /**
   * {@code Xᵀ X} for X [n, D], accumulated four rows at a time so the upper triangle (larger than
   * the cache at D = 384 and above) is read and written a quarter as often, then row by row for the
   * rest; memory is read sequentially.
   */
  static double[] scatter(double[] x, int n, int dims) {
    double[] s = new double[dims * dims];
    int i = 0;
    for (; i + 3 < n; i += 4) {
      int r0 = i * dims;
      int r1 = r0 + dims;
      int r2 = r1 + dims;
      int r3 = r2 + dims;
      for (int a = 0; a < dims; a++) {
        double x0 = x[r0 + a];
        double x1 = x[r1 + a];
        double x2 = x[r2 + a];
        double x3 = x[r3 + a];
        int out = a * dims;
        for (int b = a; b < dims; b++) {
          s[out + b] += (x0 * x[r0 + b] + x1 * x[r1 + b]) + (x2 * x[r2 + b] + x3 * x[r3 + b]);
        }
      }
    }
    for (; i < n; i++) {
      int row = i * dims;
      for (int a = 0; a < dims; a++) {
        double xa = x[row + a];
        if (xa == 0) {
          continue;
        }
        int out = a * dims;
        for (int b = a; b < dims; b++) {
          s[out + b] += xa * x[row + b];
        }
      }
    }
    for (int a = 0; a < dims; a++) {
      for (int b = a + 1; b < dims; b++) {
        s[b * dims + a] = s[a * dims + b];
      }
    }
    return s;
  }

  private static double dot(double[] a, int offA, double[] b, int offB, int len) {
    // four partial sums: independent chains the JIT can pipeline
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < len; i += 4) {
      s0 += a[offA + i] * b[offB + i];
      s1 += a[offA + i + 1] * b[offB + i + 1];
      s2 += a[offA + i + 2] * b[offB + i + 2];
      s3 += a[offA + i + 3] * b[offB + i + 3];
    }
    for (; i < len; i++) {
      s0 += a[offA + i] * b[offB + i];
    }
    return (s0 + s1) + (s2 + s3);
  }
}
