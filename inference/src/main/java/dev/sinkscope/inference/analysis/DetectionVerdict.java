package dev.sinkscope.inference.analysis;

/** Outcome of one detection rule on one layer. */
public enum DetectionVerdict {
  /** At least one token lies above the threshold. */
  ARTIFACTS_FOUND,
  /** The rule ran and no token lies above its threshold. */
  NO_ARTIFACTS,
  /** Rule D: the log-norm histogram has no small, separated upper mode. */
  UNIMODAL_NO_ARTIFACTS,
  /** Rule A without an explicit threshold and without a preset for this model. */
  NO_THRESHOLD
}
