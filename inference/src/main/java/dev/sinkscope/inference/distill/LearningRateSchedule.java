package dev.sinkscope.inference.distill;

/**
 * The reference's learning rate: after every optimiser step the rate is set to {@code lr_e =
 * max(end, lr · (end/lr)^((e+1)/E))} for the current epoch e. So the very first step runs at {@code
 * lr}, the first step of epoch e ≥ 1 at {@code lr_(e−1)}, and every later step of epoch e at {@code
 * lr_e}.
 */
public record LearningRateSchedule(double lr, double endLr, int epochs) {

  /** {@code lr_e}, the rate set after the steps of 0-based epoch {@code epoch}. */
  public double afterEpochStep(int epoch) {
    double decayed = lr * Math.pow(endLr / lr, (epoch + 1) / (double) epochs);
    return Math.max(decayed, endLr);
  }

  /** The rate of step {@code stepInEpoch} (0-based) of 0-based {@code epoch}. */
  public double rate(int epoch, int stepInEpoch) {
    if (stepInEpoch > 0) {
      return afterEpochStep(epoch);
    }
    return epoch == 0 ? lr : afterEpochStep(epoch - 1);
  }
}
