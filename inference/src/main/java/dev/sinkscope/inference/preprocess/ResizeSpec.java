package dev.sinkscope.inference.preprocess;

/** How the decoded image is resized before cropping. */
public sealed interface ResizeSpec {

  /** The size {@code image} (width x height) is resized to, as {@code {width, height}}. */
  int[] targetSize(int width, int height);

  /** No resize ({@code do_resize: false}). */
  record Unchanged() implements ResizeSpec {
    @Override
    public int[] targetSize(int width, int height) {
      return new int[] {width, height};
    }
  }

  /**
   * Short side to {@code size}, long side to {@code int(size * long / short)}: truncated, not
   * rounded, as transformers' {@code get_resize_output_image_size} and torchvision's {@code
   * Resize(int)} do.
   */
  record ShortestEdge(int size) implements ResizeSpec {
    public ShortestEdge {
      if (size <= 0) {
        throw new IllegalArgumentException("shortest edge must be positive, got " + size);
      }
    }

    @Override
    public int[] targetSize(int width, int height) {
      int shortSide = Math.min(width, height);
      int longSide = Math.max(width, height);
      int newLong = (int) ((double) ((long) size * longSide) / shortSide);
      return width <= height ? new int[] {size, newLong} : new int[] {newLong, size};
    }
  }

  /** Exactly {@code width x height}; the aspect ratio is not kept. */
  record Exact(int width, int height) implements ResizeSpec {
    public Exact {
      if (width <= 0 || height <= 0) {
        throw new IllegalArgumentException(
            "resize size must be positive, got " + width + " x " + height);
      }
    }

    @Override
    public int[] targetSize(int imageWidth, int imageHeight) {
      return new int[] {width, height};
    }
  }
}
