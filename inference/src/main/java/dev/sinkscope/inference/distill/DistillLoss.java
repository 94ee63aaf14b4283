package dev.sinkscope.inference.distill;

import ai.djl.ndarray.NDArray;

/**
 * The PH-Reg loss ({@code DINOv2_full/utils/loss.py}) on final-normed patch features, float32:
 * {@code L = 1 − mean_{b,p} ⟨a/(‖a‖+1e-8), t/(‖t‖+1e-8)⟩ + mseScale · mean((a − t)²)}.
 */
public final class DistillLoss {
  static final float NORM_EPS = 1e-8f;

  private DistillLoss() {}

  /**
   * @param student {@code [B, N, D]}
   * @param teacher {@code [B, N, D]}, constant
   * @return the scalar loss (differentiable in {@code student})
   */
  public static NDArray of(NDArray student, NDArray teacher, double mseScale) {
    NDArray a = student.div(student.norm(new int[] {-1}, true).add(NORM_EPS));
    NDArray t = teacher.div(teacher.norm(new int[] {-1}, true).add(NORM_EPS));
    NDArray cosine = a.mul(t).sum(new int[] {-1}).mean();
    NDArray mse = student.sub(teacher).square().mean();
    return cosine.neg().add(1f).add(mse.mul((float) mseScale));
  }
}
