package dev.sinkscope.inference.analysis;

/**
 * Leading eigenpairs of a symmetric matrix, largest eigenvalue first.
 *
 * @param size n, the matrix side
 * @param values {@code [k]} eigenvalues, descending
 * @param vectors {@code [k, n]} unit eigenvectors, one per row, in the order of {@code values}
 * @param iterations sweeps (Jacobi) or block iterations (subspace iteration) used
 * @param converged whether the stopping tolerance was reached
 */
public record EigenDecomposition(
    int size, double[] values, double[] vectors, int iterations, boolean converged) {

  public int count() {
    return values.length;
  }

  /** Component {@code i} of eigenvector {@code k}. */
  public double vector(int k, int i) {
    return vectors[k * size + i];
  }
}
