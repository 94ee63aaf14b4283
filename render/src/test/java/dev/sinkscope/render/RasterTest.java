package dev.sinkscope.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class RasterTest {

  @Test
  void awtViewSharesThePixelArray() {
    Raster raster = Raster.filled(4, 4, 0xFF000000);
    BufferedImage view = raster.asBufferedImage();
    assertEquals(BufferedImage.TYPE_INT_ARGB, view.getType());
    Graphics2D g = view.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(1, 2, 1, 1);
    g.dispose();
    assertEquals(0xFFFF0000, raster.get(1, 2));
    assertEquals(0xFF000000, raster.get(0, 0));
  }

  @Test
  void pasteClipsAndRegionCopies() {
    Raster canvas = Raster.filled(4, 3, 0xFF000000);
    canvas.paste(Raster.filled(3, 3, 0xFFFFFFFF), 2, -1);
    assertEquals(0xFFFFFFFF, canvas.get(2, 0));
    assertEquals(0xFFFFFFFF, canvas.get(3, 1));
    assertEquals(0xFF000000, canvas.get(3, 2));
    assertEquals(0xFF000000, canvas.get(1, 0));
    Raster region = canvas.region(2, 0, 2, 2);
    assertEquals(Raster.filled(2, 2, 0xFFFFFFFF), region);
    assertThrows(IllegalArgumentException.class, () -> canvas.region(3, 0, 2, 1));
  }

  @Test
  void resizedKeepsFlatColoursAndSize() {
    Raster small = Raster.filled(300, 200, 0xFF336699).resized(37, 25);
    assertEquals(37, small.width());
    assertEquals(25, small.height());
    assertEquals(0xFF336699, small.get(18, 12));
    Raster same = Raster.filled(3, 3, 0xFF010203);
    assertEquals(same, same.resized(3, 3));
  }

  @Test
  void validatesSizes() {
    assertThrows(IllegalArgumentException.class, () -> new Raster(2, 2, new int[3]));
    assertThrows(IllegalArgumentException.class, () -> new Raster(0, 2, new int[0]));
    assertThrows(IndexOutOfBoundsException.class, () -> Raster.filled(2, 2, 0).get(2, 0));
    assertThrows(IllegalArgumentException.class, () -> new ScalarGrid(2, 2, new float[5]));
  }

  @Test
  void opacityCheck() {
    assertTrue(Raster.filled(2, 2, 0xFF000000).isOpaque());
    Raster mixed = Raster.filled(2, 2, 0xFF000000);
    mixed.set(1, 1, 0x7F000000);
    assertFalse(mixed.isOpaque());
  }

  @Test
  void fromImageConvertsAnyType() {
    BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_3BYTE_BGR);
    rgb.setRGB(1, 0, 0xFF102030);
    Raster raster = Raster.fromImage(rgb);
    assertEquals(0xFF000000, raster.get(0, 0));
    assertEquals(0xFF102030, raster.get(1, 0));
  }
}
