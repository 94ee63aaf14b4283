package dev.sinkscope.inference.preprocess;

/**
 * The eight values of the EXIF orientation tag (0x0112) and the transform that turns a stored image
 * upright, with the same mapping as Pillow's {@code ImageOps.exif_transpose}.
 */
public enum ExifOrientation {
  /** 1: stored upright. */
  NORMAL(1),
  /** 2: mirrored left-right. */
  MIRROR_HORIZONTAL(2),
  /** 3: upside down. */
  ROTATE_180(3),
  /** 4: mirrored top-bottom. */
  MIRROR_VERTICAL(4),
  /** 5: transposed (mirrored along the main diagonal). */
  TRANSPOSE(5),
  /** 6: needs a quarter turn clockwise to be upright. */
  ROTATE_90_CLOCKWISE(6),
  /** 7: transversed (mirrored along the anti-diagonal). */
  TRANSVERSE(7),
  /** 8: needs a quarter turn counter-clockwise to be upright. */
  ROTATE_90_COUNTER_CLOCKWISE(8);

  private final int tagValue;

  ExifOrientation(int tagValue) {
    this.tagValue = tagValue;
  }

  public int tagValue() {
    return tagValue;
  }

  /**
   * The orientation with tag value {@code value}; values outside 1..8 mean NORMAL, as Pillow treats
   * them.
   */
  public static ExifOrientation fromTagValue(int value) {
    for (ExifOrientation o : values()) {
      if (o.tagValue == value) {
        return o;
      }
    }
    return NORMAL;
  }

  /** Whether width and height trade places. */
  public boolean swapsAxes() {
    return tagValue >= 5;
  }

  /** {@code image} turned upright. */
  public RgbImage apply(RgbImage image) {
    if (this == NORMAL) {
      return image;
    }
    int w = image.width();
    int h = image.height();
    int outW = swapsAxes() ? h : w;
    int outH = swapsAxes() ? w : h;
    byte[] in = image.bytes();
    byte[] out = new byte[in.length];
    for (int yo = 0; yo < outH; yo++) {
      for (int xo = 0; xo < outW; xo++) {
        int xi;
        int yi;
        switch (this) {
          case MIRROR_HORIZONTAL -> {
            xi = w - 1 - xo;
            yi = yo;
          }
          case ROTATE_180 -> {
            xi = w - 1 - xo;
            yi = h - 1 - yo;
          }
          case MIRROR_VERTICAL -> {
            xi = xo;
            yi = h - 1 - yo;
          }
          case TRANSPOSE -> {
            xi = yo;
            yi = xo;
          }
          case ROTATE_90_CLOCKWISE -> {
            xi = yo;
            yi = h - 1 - xo;
          }
          case TRANSVERSE -> {
            xi = w - 1 - yo;
            yi = h - 1 - xo;
          }
          case ROTATE_90_COUNTER_CLOCKWISE -> {
            xi = w - 1 - yo;
            yi = xo;
          }
          default -> throw new IllegalStateException(name());
        }
        System.arraycopy(in, (yi * w + xi) * 3, out, (yo * outW + xo) * 3, 3);
      }
    }
    return RgbImage.wrap(outW, outH, out);
  }
}
