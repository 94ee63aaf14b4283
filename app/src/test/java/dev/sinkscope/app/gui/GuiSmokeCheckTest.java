package dev.sinkscope.app.gui;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.render.Colormaps;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The smoke check passes a snapshot with a heatmap and a colorbar, and fails without either. */
@Tag("cross-machine")
class GuiSmokeCheckTest {
  private static final int PHOTO_W = 60;
  private static final int PHOTO_H = 40;

  /**
   * The photo is shown at twice its size at (20, 10); the crop is its middle; the bar is at (200,
   * 10).
   */
  private static final int SCALE = 2;

  private static BufferedImage photo() {
    BufferedImage photo = new BufferedImage(PHOTO_W, PHOTO_H, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < PHOTO_H; y++) {
      for (int x = 0; x < PHOTO_W; x++) {
        photo.setRGB(x, y, (120 + x) << 16 | (90 + y) << 8 | 70);
      }
    }
    return photo;
  }

  private static Properties where() {
    Properties p = new Properties();
    p.setProperty("picture", "20,10," + PHOTO_W * SCALE + "," + PHOTO_H * SCALE);
    p.setProperty("crop", "40,10,80," + PHOTO_H * SCALE);
    p.setProperty("legendBar", "200,10,16,64");
    p.setProperty("opacity", "0.6");
    return p;
  }

  /** A snapshot with the photo, optionally a viridis heatmap over it, optionally a colorbar. */
  private static BufferedImage snapshot(BufferedImage photo, boolean heatmap, boolean legend) {
    BufferedImage snap = new BufferedImage(240, 100, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < PHOTO_H * SCALE; y++) {
      for (int x = 0; x < PHOTO_W * SCALE; x++) {
        int p = photo.getRGB(x / SCALE, y / SCALE);
        if (heatmap) {
          int patch = (x / 16) * 7 + (y / 16) * 3;
          int c = Colormaps.VIRIDIS.argb((patch % 20) / 20.0);
          p = blend(p, c, 0.6);
        }
        snap.setRGB(20 + x, 10 + y, p);
      }
    }
    for (int y = 0; y < 64; y++) {
      int c = legend ? Colormaps.VIRIDIS.argb(1 - (y + 0.5) / 64) : 0x1E1E1E;
      for (int x = 0; x < 16; x++) {
        snap.setRGB(200 + x, 10 + y, c);
      }
    }
    return snap;
  }

  private static int blend(int under, int over, double alpha) {
    int out = 0;
    for (int shift = 0; shift <= 16; shift += 8) {
      int u = (under >> shift) & 0xFF;
      int o = (over >> shift) & 0xFF;
      out |= (int) Math.round(alpha * o + (1 - alpha) * u) << shift;
    }
    return out;
  }

  @Test
  void passesAHeatmapWithItsColorbar() {
    BufferedImage photo = photo();

    GuiSmokeCheck.Result result = GuiSmokeCheck.check(snapshot(photo, true, true), photo, where());

    assertTrue(result.pass(), result.message());
  }

  @Test
  void failsWhenOnlyThePhotoIsShown() {
    BufferedImage photo = photo();

    GuiSmokeCheck.Result result = GuiSmokeCheck.check(snapshot(photo, false, true), photo, where());

    assertFalse(result.pass());
    assertTrue(result.message().startsWith("no overlay"), result.message());
  }

  @Test
  void failsWithoutAColorbar() {
    BufferedImage photo = photo();

    GuiSmokeCheck.Result result = GuiSmokeCheck.check(snapshot(photo, true, false), photo, where());

    assertFalse(result.pass());
    assertTrue(result.message().startsWith("no colorbar"), result.message());
  }

  @Test
  void failsWhenTheOverlayIsOneFlatTint() {
    BufferedImage photo = photo();
    BufferedImage snap = snapshot(photo, false, true);
    for (int y = 10; y < 10 + PHOTO_H * SCALE; y++) {
      for (int x = 20; x < 20 + PHOTO_W * SCALE; x++) {
        snap.setRGB(x, y, blend(snap.getRGB(x, y), 0x440154, 0.6));
      }
    }

    GuiSmokeCheck.Result result = GuiSmokeCheck.check(snap, photo, where());

    assertFalse(result.pass());
    assertTrue(result.message().startsWith("the overlay is one flat colour"), result.message());
  }

  @Test
  void failsWhenNoSnapshotWasWritten(@TempDir Path tmp) throws Exception {
    GuiSmokeCheck.Result result = GuiSmokeCheck.check(tmp.resolve("missing.png"));

    assertFalse(result.pass());
  }
}
