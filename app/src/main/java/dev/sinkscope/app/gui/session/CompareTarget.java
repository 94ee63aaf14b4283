package dev.sinkscope.app.gui.session;

/**
 * What the second pass of a comparison is.
 *
 * @param kind none, the same model without mitigations, or another model on the same image
 * @param otherModel the second model for {@link Kind#OTHER_MODEL}, else null
 */
public record CompareTarget(Kind kind, ModelLocation otherModel) {

  public enum Kind {
    NONE,
    /** The current model without any mitigation ("before") against the mitigated pass ("after"). */
    BEFORE_AFTER,
    /** Model B (without mitigations) against the current model. */
    OTHER_MODEL
  }

  public static final CompareTarget NONE = new CompareTarget(Kind.NONE, null);
  public static final CompareTarget BEFORE_AFTER = new CompareTarget(Kind.BEFORE_AFTER, null);

  public CompareTarget {
    if ((kind == Kind.OTHER_MODEL) != (otherModel != null)) {
      throw new IllegalArgumentException("a second model is needed exactly for OTHER_MODEL");
    }
  }

  public static CompareTarget otherModel(ModelLocation model) {
    return new CompareTarget(Kind.OTHER_MODEL, model);
  }

  public boolean isActive() {
    return kind != Kind.NONE;
  }
}
