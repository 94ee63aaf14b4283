package dev.sinkscope.inference.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Every orientation applied to a 3 x 2 image whose pixels are A B C / D E F, expected layouts by
 * hand.
 */
class ExifOrientationTest {

  private static final RgbImage STORED = image(3, 2, 'A', 'B', 'C', 'D', 'E', 'F');

  /** An image whose red channel holds the given letters row by row. */
  private static RgbImage image(int w, int h, char... letters) {
    byte[] rgb = new byte[w * h * 3];
    for (int i = 0; i < letters.length; i++) {
      rgb[i * 3] = (byte) letters[i];
    }
    return RgbImage.of(w, h, rgb);
  }

  private static void assertLayout(ExifOrientation o, int w, int h, String rows) {
    RgbImage out = o.apply(STORED);
    assertEquals(w, out.width(), o + " width");
    assertEquals(h, out.height(), o + " height");
    StringBuilder actual = new StringBuilder();
    for (int y = 0; y < h; y++) {
      if (y > 0) {
        actual.append('/');
      }
      for (int x = 0; x < w; x++) {
        actual.append((char) out.get(x, y, 0));
      }
    }
    assertEquals(rows, actual.toString(), o.toString());
  }

  @Test
  void normalLeavesTheImageAlone() {
    assertLayout(ExifOrientation.NORMAL, 3, 2, "ABC/DEF");
  }

  @Test
  void mirrorsAndHalfTurnKeepTheSize() {
    assertLayout(ExifOrientation.MIRROR_HORIZONTAL, 3, 2, "CBA/FED");
    assertLayout(ExifOrientation.ROTATE_180, 3, 2, "FED/CBA");
    assertLayout(ExifOrientation.MIRROR_VERTICAL, 3, 2, "DEF/ABC");
  }

  @Test
  void quarterTurnsAndDiagonalMirrorsSwapTheSize() {
    assertLayout(ExifOrientation.TRANSPOSE, 2, 3, "AD/BE/CF");
    assertLayout(ExifOrientation.ROTATE_90_CLOCKWISE, 2, 3, "DA/EB/FC");
    assertLayout(ExifOrientation.TRANSVERSE, 2, 3, "FC/EB/DA");
    assertLayout(ExifOrientation.ROTATE_90_COUNTER_CLOCKWISE, 2, 3, "CF/BE/AD");
  }

  @Test
  void tagValuesMapToOrientationsAndOddValuesMeanNormal() {
    int[] values = new int[ExifOrientation.values().length];
    for (ExifOrientation o : ExifOrientation.values()) {
      values[o.ordinal()] = o.tagValue();
      assertEquals(o, ExifOrientation.fromTagValue(o.tagValue()));
    }
    assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, values);
    assertEquals(ExifOrientation.NORMAL, ExifOrientation.fromTagValue(0));
    assertEquals(ExifOrientation.NORMAL, ExifOrientation.fromTagValue(9));
  }
}
