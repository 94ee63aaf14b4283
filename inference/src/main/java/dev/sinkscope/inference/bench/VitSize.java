package dev.sinkscope.inference.bench;

import java.util.Locale;

/**
 * A DINOv2 ViT shape (patch 14, MLP ratio 4) for random-weight benchmark checkpoints.
 *
 * @param name short name, e.g. "vit-s14"
 * @param hidden D
 * @param layers L
 * @param heads H
 */
public record VitSize(String name, int hidden, int layers, int heads) {
  public static final int PATCH = 14;
  public static final VitSize SMALL = new VitSize("vit-s14", 384, 12, 6);
  public static final VitSize BASE = new VitSize("vit-b14", 768, 12, 12);
  public static final VitSize LARGE = new VitSize("vit-l14", 1024, 24, 16);

  public int mlp() {
    return 4 * hidden;
  }

  /** Parameter count of the HF Dinov2 layout with a {@code grid x grid} position table. */
  public long parameters(int grid) {
    long d = hidden;
    long perBlock = 4 * d * d + 4 * d + 2 * d * mlp() + mlp() + d + 6 * d;
    return layers * perBlock + d * 3 * PATCH * PATCH + d + d + (grid * (long) grid + 1) * d + 2 * d;
  }

  /** Reads s, b, l (or vit-s14, ...). */
  public static VitSize parse(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "s", "small", "vit-s14" -> SMALL;
      case "b", "base", "vit-b14" -> BASE;
      case "l", "large", "vit-l14" -> LARGE;
      default -> throw new IllegalArgumentException("unknown model size '" + s + "' (s, b, l)");
    };
  }

  /** "ViT-S/14". */
  public String label() {
    return "ViT-" + Character.toUpperCase(name.charAt(4)) + "/14";
  }
}
