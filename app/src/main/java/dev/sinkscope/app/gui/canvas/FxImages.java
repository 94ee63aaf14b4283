package dev.sinkscope.app.gui.canvas;

import dev.sinkscope.render.Raster;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;

/** Hands render's ARGB rasters to JavaFX. */
public final class FxImages {
  private FxImages() {}

  /**
   * A new image holding a copy of the raster's pixels (non-premultiplied ARGB, as render writes
   * them).
   */
  public static WritableImage toImage(Raster raster) {
    WritableImage image = new WritableImage(raster.width(), raster.height());
    write(raster, image);
    return image;
  }

  /** Reuses {@code image} when it has the raster's size; otherwise returns a new one. */
  public static WritableImage update(WritableImage image, Raster raster) {
    if (image == null
        || (int) image.getWidth() != raster.width()
        || (int) image.getHeight() != raster.height()) {
      return toImage(raster);
    }
    write(raster, image);
    return image;
  }

  private static void write(Raster raster, WritableImage image) {
    image
        .getPixelWriter()
        .setPixels(
            0,
            0,
            raster.width(),
            raster.height(),
            PixelFormat.getIntArgbInstance(),
            raster.argb(),
            0,
            raster.width());
  }
}
