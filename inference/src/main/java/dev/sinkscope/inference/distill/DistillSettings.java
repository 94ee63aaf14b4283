package dev.sinkscope.inference.distill;

/**
 * What a distillation run does. Defaults follow the DINOv2 script of the PH-Reg reference ({@code
 * DINOv2_full/distill_main.py}) except the number of epochs (100 there, on Flickr30k).
 *
 * @param registers new register tokens N
 * @param epochs passes over the images (ignored when {@code steps > 0})
 * @param steps optimiser steps; 0 = {@code epochs} whole epochs
 * @param batch images per step (at most the number of images); 0 = {@link DistillBatch}'s default
 *     for the model and resolution
 * @param resolution square side of the student input; 0 = the model's trained image size
 * @param lr start learning rate
 * @param endLr floor of the per-epoch exponential decay
 * @param weightDecay decoupled (AdamW) weight decay
 * @param views teacher views per image (view 0 the unshifted image)
 * @param shiftFraction maximum teacher shift as a fraction of the grid side
 * @param mseScale weight of the MSE term
 * @param seed seeds registers, crops, teacher views and shuffling
 */
public record DistillSettings(
    int registers,
    int epochs,
    int steps,
    int batch,
    int resolution,
    double lr,
    double endLr,
    double weightDecay,
    int views,
    double shiftFraction,
    double mseScale,
    long seed) {

  public static final int DEFAULT_REGISTERS = 16;
  public static final int DEFAULT_EPOCHS = 10;

  public DistillSettings {
    require(registers >= 1 && registers <= 256, "--registers must be 1..256, got " + registers);
    require(steps > 0 || epochs >= 1, "--epochs must be at least 1, got " + epochs);
    require(steps >= 0, "--steps must be positive, got " + steps);
    require(batch >= 0, "--batch must be positive (0: the default), got " + batch);
    require(resolution >= 0, "--resolution must be positive, got " + resolution);
    require(lr > 0 && Double.isFinite(lr), "--lr must be positive, got " + lr);
    require(endLr > 0 && endLr <= lr, "--end-lr must be positive and at most --lr, got " + endLr);
    require(
        weightDecay >= 0 && weightDecay < 1,
        "--weight-decay must be in [0, 1), got " + weightDecay);
    require(views >= 1 && views <= 256, "--views must be 1..256, got " + views);
    require(
        shiftFraction >= 0 && shiftFraction < 1, "--shift must be in [0, 1), got " + shiftFraction);
    require(
        mseScale >= 0 && Double.isFinite(mseScale), "--mse-scale must be >= 0, got " + mseScale);
  }

  /**
   * The reference's settings with {@link #DEFAULT_EPOCHS} epochs at the model's own resolution and
   * the batch {@link DistillBatch} chooses for the model.
   */
  public static DistillSettings defaults() {
    return new DistillSettings(
        DEFAULT_REGISTERS, DEFAULT_EPOCHS, 0, 0, 0, 1e-4, 5e-6, 1e-2, 10, 0.15, 1.0, 0);
  }

  public DistillSettings withRegisters(int n) {
    return new DistillSettings(
        n,
        epochs,
        steps,
        batch,
        resolution,
        lr,
        endLr,
        weightDecay,
        views,
        shiftFraction,
        mseScale,
        seed);
  }

  public DistillSettings withEpochs(int e) {
    return new DistillSettings(
        registers,
        e,
        0,
        batch,
        resolution,
        lr,
        endLr,
        weightDecay,
        views,
        shiftFraction,
        mseScale,
        seed);
  }

  public DistillSettings withSteps(int s) {
    return new DistillSettings(
        registers,
        epochs,
        s,
        batch,
        resolution,
        lr,
        endLr,
        weightDecay,
        views,
        shiftFraction,
        mseScale,
        seed);
  }

  public DistillSettings withBatch(int b) {
    return new DistillSettings(
        registers,
        epochs,
        steps,
        b,
        resolution,
        lr,
        endLr,
        weightDecay,
        views,
        shiftFraction,
        mseScale,
        seed);
  }

  public DistillSettings withResolution(int r) {
    return new DistillSettings(
        registers,
        epochs,
        steps,
        batch,
        r,
        lr,
        endLr,
        weightDecay,
        views,
        shiftFraction,
        mseScale,
        seed);
  }

  public DistillSettings withLr(double rate) {
    return new DistillSettings(
        registers,
        epochs,
        steps,
        batch,
        resolution,
        rate,
        Math.min(endLr, rate),
        weightDecay,
        views,
        shiftFraction,
        mseScale,
        seed);
  }

  public DistillSettings withEndLr(double rate) {
    return new DistillSettings(
        registers,
        epochs,
        steps,
        batch,
        resolution,
        lr,
        rate,
        weightDecay,
        views,
        shiftFraction,
        mseScale,
        seed);
  }

  public DistillSettings withSeed(long s) {
    return new DistillSettings(
        registers,
        epochs,
        steps,
        batch,
        resolution,
        lr,
        endLr,
        weightDecay,
        views,
        shiftFraction,
        mseScale,
        s);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
