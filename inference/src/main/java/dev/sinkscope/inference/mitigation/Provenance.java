package dev.sinkscope.inference.mitigation;

/** How faithfully a mitigation reproduces a published method; shown next to every switch. */
public enum Provenance {
  /** Computes exactly what the method defines (e.g. dropping tokens the model has). */
  EXACT("exact"),
  /** Reproduces the authors' reference code, including where it differs from the paper. */
  REFERENCE_CODE("reference-code reproduction"),
  /** A documented option beyond the reference (e.g. the paper's reading where the code differs). */
  PROPOSAL("proposal, beyond the reference code"),
  /**
   * Swapped in at inference time; the weights were never trained with it. A probe, not the method.
   */
  INFERENCE_TIME_SUBSTITUTION("inference-time substitution (weights not trained for it)");

  private final String label;

  Provenance(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
