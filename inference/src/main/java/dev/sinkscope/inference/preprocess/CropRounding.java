package dev.sinkscope.inference.preprocess;

/** How the offset of a centre crop is rounded when {@code (size - crop)} is odd. */
public enum CropRounding {
  /** transformers' {@code center_crop}: {@code (size - crop) // 2}, also when padding. */
  FLOOR {
    @Override
    public int offset(int size, int crop) {
      return Math.floorDiv(size - crop, 2);
    }
  },
  /**
   * torchvision's {@code CenterCrop} (timm): {@code int(round((size - crop) / 2.0))} with Python's
   * round-half-to-even; a too-small image is padded by {@code (crop - size) // 2} before it.
   */
  HALF_EVEN {
    @Override
    public int offset(int size, int crop) {
      if (size >= crop) {
        return (int) Math.rint((size - crop) / 2.0);
      }
      return -((crop - size) / 2);
    }
  };

  /**
   * Offset of the crop window's first pixel in an axis of {@code size} pixels; negative means
   * padding.
   */
  public abstract int offset(int size, int crop);
}
