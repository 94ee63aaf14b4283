package dev.sinkscope.inference.mitigation;

import dev.sinkscope.inference.model.ModelSpec;

/** An inclusive range of 0-based blocks; {@code ALL} means every block of the model. */
public record BlockRange(int first, int last) {
  public static final BlockRange ALL = new BlockRange(0, Integer.MAX_VALUE);

  public BlockRange {
    if (first < 0 || last < first) {
      throw new IllegalArgumentException(
          "block range " + first + "-" + last + " is empty or negative");
    }
  }

  public boolean contains(int block) {
    return block >= first && block <= last;
  }

  public void validate(ModelSpec model, String what) {
    if (first >= model.numLayers()) {
      throw new IllegalArgumentException(
          what
              + ": blocks "
              + this
              + " start past the last block "
              + (model.numLayers() - 1)
              + " of "
              + model.name());
    }
  }

  /** Parses "3", "3-7", or "all". */
  public static BlockRange parse(String text) {
    String s = text.trim();
    if (s.equals("all") || s.isEmpty()) {
      return ALL;
    }
    int dash = s.indexOf('-');
    try {
      return dash < 0
          ? new BlockRange(Integer.parseInt(s), Integer.parseInt(s))
          : new BlockRange(
              Integer.parseInt(s.substring(0, dash)), Integer.parseInt(s.substring(dash + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad block range '" + text + "' (use N, A-B or all)");
    }
  }

  @Override
  public String toString() {
    return this.equals(ALL) ? "all" : first == last ? Integer.toString(first) : first + "-" + last;
  }
}
