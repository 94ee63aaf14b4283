package dev.sinkscope.inference.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** What a session compares its pass with: nothing, the unmitigated pass, or another model. */
public enum CompareMode {
  @JsonProperty("none")
  NONE("none"),
  /** The model without mitigations ("before") against the mitigated pass ("after"). */
  @JsonProperty("before-after")
  BEFORE_AFTER("before-after"),
  /**
   * Model B (the session's {@code modelB}, without mitigations) against the session's model on the
   * same photo.
   */
  @JsonProperty("other-model")
  OTHER_MODEL("other-model");

  private final String key;

  CompareMode(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }

  public static CompareMode parse(String text) {
    String k = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (CompareMode m : values()) {
      if (m.key.equals(k)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown compare mode '" + text + "' (known: none, before-after, other-model)");
  }

  @Override
  public String toString() {
    return key;
  }
}
