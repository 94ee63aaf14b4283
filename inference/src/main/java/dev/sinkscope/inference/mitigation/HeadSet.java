package dev.sinkscope.inference.mitigation;

import java.util.Arrays;
import java.util.stream.Collectors;

/** A set of 0-based attention heads; empty means all heads. */
public record HeadSet(int[] heads) {
  public static final HeadSet ALL = new HeadSet(new int[0]);

  public HeadSet {
    heads = Arrays.stream(heads).sorted().distinct().toArray();
    if (heads.length > 0 && heads[0] < 0) {
      throw new IllegalArgumentException("head indices must be >= 0");
    }
  }

  public boolean all() {
    return heads.length == 0;
  }

  @Override
  public int[] heads() {
    return heads.clone();
  }

  /** Mask of length {@code count}: 1 for selected heads. */
  public float[] mask(int count) {
    float[] mask = new float[count];
    if (all()) {
      Arrays.fill(mask, 1f);
    }
    for (int h : heads) {
      if (h >= count) {
        throw new IllegalArgumentException(
            "head " + h + " does not exist (the model has " + count + " heads)");
      }
      mask[h] = 1f;
    }
    return mask;
  }

  /** Parses "all" or "0,3,5". */
  public static HeadSet parse(String text) {
    String s = text.trim();
    if (s.equals("all") || s.isEmpty()) {
      return ALL;
    }
    try {
      return new HeadSet(
          Arrays.stream(s.split("[,;]")).map(String::trim).mapToInt(Integer::parseInt).toArray());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad head list '" + text + "' (use all or e.g. 0;3;5)");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HeadSet h && Arrays.equals(heads, h.heads);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(heads);
  }

  @Override
  public String toString() {
    return all()
        ? "all"
        : Arrays.stream(heads).mapToObj(Integer::toString).collect(Collectors.joining(";"));
  }
}
