package dev.sinkscope.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GifAnimationTest {

  @TempDir Path dir;

  @Test
  void framesFewColoursRoundTripExactlyWithDelayAndLoop() throws Exception {
    List<Raster> frames = new ArrayList<>();
    for (int f = 0; f < 5; f++) {
      Raster r = Raster.filled(7, 4, 0xFF000000);
      r.set(f, 1, 0xFFFF8000);
      r.set(6 - f, 3, 0xFF10A0FF);
      frames.add(r);
    }
    Path file = dir.resolve("a.gif");
    GifAnimation.write(frames, 400, true, file);

    List<Raster> read = GifAnimation.read(file);
    assertEquals(5, read.size());
    for (int f = 0; f < 5; f++) {
      assertArrayEquals(
          frames.get(f).argb(), read.get(f).argb(), "frame " + f + " (3 colours: exact)");
    }
    assertEquals(new GifAnimation.Timing(400, true), GifAnimation.timing(file));
    GifAnimation.write(frames, 100, false, dir.resolve("b.gif"));
    assertEquals(new GifAnimation.Timing(100, false), GifAnimation.timing(dir.resolve("b.gif")));
  }

  @Test
  void aColourfulFrameIsQuantisedDeterministicallyAndCloseToTheOriginal() throws Exception {
    // A viridis heatmap blended over a noisy "photo": far more than 256 colours.
    int w = 160;
    int h = 120;
    Raster frame = new Raster(w, h, new int[w * h]);
    Colormap viridis = Colormaps.byName("viridis");
    long seed = 42;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        seed = seed * 6364136223846793005L + 1442695040888963407L;
        int noise = (int) (seed >>> 58);
        int heat = viridis.argb((x + y) / (double) (w + h));
        int grey = 90 + noise;
        int r = ((heat >> 16 & 0xFF) * 6 + grey * 4) / 10;
        int g = ((heat >> 8 & 0xFF) * 6 + grey * 4) / 10;
        int b = ((heat & 0xFF) * 6 + grey * 4) / 10;
        frame.set(x, y, 0xFF000000 | r << 16 | g << 8 | b);
      }
    }
    Set<Integer> distinct = new HashSet<>();
    for (int p : frame.argb()) {
      distinct.add(p);
    }
    assertTrue(distinct.size() > 1000, distinct.size() + " colours");

    Path file = dir.resolve("c.gif");
    GifAnimation.write(List.of(frame, frame), 200, true, file);
    Raster decoded = GifAnimation.read(file).get(1);

    assertArrayEquals(
        GifAnimation.quantize(frame).toRaster().argb(),
        decoded.argb(),
        "the file holds exactly what quantize gives");
    double error = 0;
    for (int i = 0; i < decoded.argb().length; i++) {
      int a = frame.argb()[i];
      int b = decoded.argb()[i];
      error +=
          Math.abs((a >> 16 & 0xFF) - (b >> 16 & 0xFF))
              + Math.abs((a >> 8 & 0xFF) - (b >> 8 & 0xFF))
              + Math.abs((a & 0xFF) - (b & 0xFF));
    }
    double meanPerChannel = error / decoded.argb().length / 3;
    assertTrue(meanPerChannel < 3, "mean error " + meanPerChannel + " of 255 per channel");
  }

  @Test
  void framesOfDifferentSizesAreRefused() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                GifAnimation.write(
                    List.of(Raster.filled(2, 2, 0xFF000000), Raster.filled(3, 2, 0xFF000000)),
                    100,
                    true,
                    dir.resolve("x.gif")));
    assertTrue(e.getMessage().contains("2x2 and 3x2"), e.getMessage());
  }
}
