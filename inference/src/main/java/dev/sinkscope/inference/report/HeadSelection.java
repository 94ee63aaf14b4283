package dev.sinkscope.inference.report;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How attention heads are combined for a per-head quantity: their mean, their maximum, or one head.
 * Written as {@code "mean"}, {@code "max"} or a 0-based head number such as {@code "2"}.
 *
 * @param mode the combination
 * @param head 0-based head for {@link Mode#SINGLE}, else -1
 */
public record HeadSelection(Mode mode, int head) {

  public enum Mode {
    MEAN,
    MAX,
    SINGLE
  }

  public static final HeadSelection MEAN = new HeadSelection(Mode.MEAN, -1);
  public static final HeadSelection MAX = new HeadSelection(Mode.MAX, -1);

  public HeadSelection {
    if (mode == null || (mode == Mode.SINGLE) != (head >= 0)) {
      throw new IllegalArgumentException(
          "a head number (0-based) is needed exactly for a single head");
    }
  }

  public static HeadSelection single(int head) {
    return new HeadSelection(Mode.SINGLE, head);
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static HeadSelection parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("mean")) {
      return MEAN;
    }
    if (t.equals("max")) {
      return MAX;
    }
    try {
      int h = Integer.parseInt(t);
      if (h >= 0) {
        return single(h);
      }
    } catch (NumberFormatException e) {
      // fall through to the message
    }
    throw new IllegalArgumentException(
        "head must be mean, max or a 0-based head number, got '" + text + "'");
  }

  /** Throws when a single head does not exist in a model with {@code heads} heads. */
  public void validate(int heads) {
    if (mode == Mode.SINGLE && head >= heads) {
      throw new IllegalArgumentException(
          "head "
              + head
              + " does not exist (the model has "
              + heads
              + " heads, numbered 0-"
              + (heads - 1)
              + ")");
    }
  }

  @JsonValue
  @Override
  public String toString() {
    return switch (mode) {
      case MEAN -> "mean";
      case MAX -> "max";
      case SINGLE -> Integer.toString(head);
    };
  }
}
