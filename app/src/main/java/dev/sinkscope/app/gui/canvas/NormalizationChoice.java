package dev.sinkscope.app.gui.canvas;

import dev.sinkscope.render.Normalization;

/** How the colour range is chosen from the shown values. */
public enum NormalizationChoice {
  MIN_MAX("Min–max", new Normalization.MinMax()),
  PERCENTILE("1st–99th percentile", new Normalization.Percentile(1, 99)),
  LOG("Logarithmic", new Normalization.Log());

  private final String label;
  private final Normalization normalization;

  NormalizationChoice(String label, Normalization normalization) {
    this.label = label;
    this.normalization = normalization;
  }

  public Normalization normalization() {
    return normalization;
  }

  @Override
  public String toString() {
    return label;
  }
}
