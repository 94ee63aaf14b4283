package dev.sinkscope.app.gui.canvas;

/**
 * How attention heads are combined: their mean, their maximum, or one head.
 *
 * @param mode the combination
 * @param head 0-based head for {@link Mode#SINGLE}, else -1
 */
public record HeadChoice(Mode mode, int head) {

  public enum Mode {
    MEAN,
    MAX,
    SINGLE
  }

  public static final HeadChoice MEAN = new HeadChoice(Mode.MEAN, -1);
  public static final HeadChoice MAX = new HeadChoice(Mode.MAX, -1);

  public HeadChoice {
    if ((mode == Mode.SINGLE) != (head >= 0)) {
      throw new IllegalArgumentException("a head index is needed exactly for SINGLE");
    }
  }

  public static HeadChoice single(int head) {
    return new HeadChoice(Mode.SINGLE, head);
  }

  /** The choices for a model with {@code heads} heads, in menu order. */
  public static java.util.List<HeadChoice> all(int heads) {
    java.util.List<HeadChoice> list = new java.util.ArrayList<>();
    list.add(MEAN);
    list.add(MAX);
    for (int h = 0; h < heads; h++) {
      list.add(single(h));
    }
    return list;
  }

  @Override
  public String toString() {
    return switch (mode) {
      case MEAN -> "Mean of heads";
      case MAX -> "Max over heads";
      case SINGLE -> "Head " + head;
    };
  }

  /** Short form for titles and export metadata. */
  public String shortName() {
    return switch (mode) {
      case MEAN -> "mean";
      case MAX -> "max";
      case SINGLE -> Integer.toString(head);
    };
  }
}
