package dev.sinkscope.inference.distill;

import ai.djl.ndarray.NDArray;

/**
 * One step of {@code torch.optim.AdamW} (no AMSGrad), in its order of operations: {@code p ← p·(1 −
 * lr·wd)}; {@code m ← m + (1−β1)(g − m)} (torch's lerp); {@code v ← β2·v + (1−β2)·g²}; {@code p ← p
 * − lr/(1−β1^t) · m / (sqrt(v)/sqrt(1−β2^t) + eps)}. DJL's own optimiser is not used: it folds the
 * bias corrections differently.
 */
public record AdamW(double beta1, double beta2, double eps, double weightDecay) {

  public static AdamW torchDefaults(double weightDecay) {
    return new AdamW(0.9, 0.999, 1e-8, weightDecay);
  }

  /** Arrays after one update; the inputs are left as they are (the caller frees them). */
  public record Update(NDArray param, NDArray m, NDArray v) {}

  /**
   * @param step 1-based step count t
   */
  public Update step(NDArray param, NDArray grad, NDArray m, NDArray v, double lr, int step) {
    NDArray decayed = param.mul((float) (1 - lr * weightDecay));
    NDArray diff = grad.sub(m);
    NDArray mStep = diff.mul((float) (1 - beta1));
    NDArray m1 = m.add(mStep);
    NDArray vOld = v.mul((float) beta2);
    NDArray square = grad.mul(grad);
    NDArray vStep = square.mul((float) (1 - beta2));
    NDArray v1 = vOld.add(vStep);
    double biasCorrection1 = 1 - Math.pow(beta1, step);
    double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
    double stepSize = lr / biasCorrection1;
    NDArray root = v1.sqrt();
    NDArray scaled = root.div((float) biasCorrection2Sqrt);
    NDArray denom = scaled.add((float) eps);
    NDArray ratio = m1.div(denom);
    NDArray delta = ratio.mul((float) stepSize);
    NDArray updated = decayed.sub(delta);
    for (NDArray t :
        new NDArray[] {
          decayed, diff, mStep, vOld, square, vStep, root, scaled, denom, ratio, delta
        }) {
      t.close();
    }
    return new Update(updated, m1, v1);
  }
}
