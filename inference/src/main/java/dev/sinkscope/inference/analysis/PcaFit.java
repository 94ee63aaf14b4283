package dev.sinkscope.inference.analysis;

/**
 * Principal axes of a set of feature vectors.
 *
 * @param components k
 * @param dims D
 * @param samples number of vectors fitted
 * @param mean {@code [D]} mean of the fitted vectors
 * @param axes {@code [k, D]} unit principal axes, largest variance first
 * @param eigenvalues {@code [k]} sample variance along each axis (divisor samples − 1)
 * @param totalVariance sum of the variances of all D coordinates
 * @param explainedVarianceRatio {@code [k]} {@code eigenvalues / totalVariance}
 * @param solverIterations iterations the eigen solver used
 * @param converged whether the eigen solver reached its tolerance
 */
public record PcaFit(
    int components,
    int dims,
    int samples,
    double[] mean,
    double[] axes,
    double[] eigenvalues,
    double totalVariance,
    double[] explainedVarianceRatio,
    int solverIterations,
    boolean converged) {

  /**
   * Projections {@code [rows, k]} of the rows of {@code data [rows, D]} on the axes, after
   * centring.
   */
  public double[] project(float[] data, int rows) {
    if (data.length != rows * dims) {
      throw new IllegalArgumentException("data must be [" + rows + ", " + dims + "]");
    }
    double[] out = new double[rows * components];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < components; c++) {
        double sum = 0;
        for (int d = 0; d < dims; d++) {
          sum += (data[r * dims + d] - mean[d]) * axes[c * dims + d];
        }
        out[r * components + c] = sum;
      }
    }
    return out;
  }

  /** Reverses the direction of axis {@code c}, in place. */
  void flipAxis(int c) {
    for (int d = 0; d < dims; d++) {
      axes[c * dims + d] = -axes[c * dims + d];
    }
  }
}
