package dev.sinkscope.app.cli;

import dev.sinkscope.render.PngExport;
import dev.sinkscope.render.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** Pixel checks on the report's panels. */
final class PanelPixels {
  private PanelPixels() {}

  /** Distinct colours in the middle half of the picture, where the photo and its overlay lie. */
  static int distinctColoursInTheMiddle(Path png) throws IOException {
    Raster r = PngExport.read(png);
    Set<Integer> colours = new HashSet<>();
    for (int y = r.height() / 4; y < 3 * r.height() / 4; y++) {
      for (int x = r.width() / 4; x < 3 * r.width() / 4; x++) {
        colours.add(r.argb()[y * r.width() + x]);
      }
    }
    return colours.size();
  }

  /** Whether two PNGs differ in size or in any pixel. */
  static boolean differ(Path a, Path b) throws IOException {
    Raster x = PngExport.read(a);
    Raster y = PngExport.read(b);
    return x.width() != y.width()
        || x.height() != y.height()
        || !java.util.Arrays.equals(x.argb(), y.argb());
  }
}
