package dev.sinkscope.inference.analysis;

/** The four high-norm artifact rules of the methods specification, section 1.3. */
public enum DetectionRule {
  /** A: {@code n > τ} (strict), τ from the options or a model preset. */
  ABSOLUTE,
  /** B: {@code n > k · median(n)}. */
  MEDIAN_RATIO,
  /** C: {@code 0.6745 (n − median) / MAD > z}, one-sided; falls back to B when MAD = 0. */
  ROBUST_Z,
  /** D: Otsu split of log-norms, accepted only as a small, well-separated upper class. */
  BIMODAL_SPLIT
}
