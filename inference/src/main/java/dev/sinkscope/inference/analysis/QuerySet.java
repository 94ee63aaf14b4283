package dev.sinkscope.inference.analysis;

/** Which query rows are averaged into the attention a key token receives (methods §3.1). */
public enum QuerySet {
  /** All T queries (the default; with softmax rows the received attention sums to 1 over keys). */
  ALL,
  /** All queries except the key itself: {@code (Σ_i A_ij − A_jj) / (T − 1)}. */
  EXCLUDE_SELF,
  /** Patch-token queries only (no CLS, distillation, registers, test-time registers). */
  PATCHES_ONLY,
  /** The CLS row only; equals the CLS capture. Needs a CLS token. */
  CLS_ONLY
}
