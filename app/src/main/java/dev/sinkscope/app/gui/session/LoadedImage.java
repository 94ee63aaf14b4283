package dev.sinkscope.app.gui.session;

import dev.sinkscope.render.Raster;

/**
 * The photo as shown: decoded, possibly scaled down for display (the model input is made from the
 * full-size decode).
 *
 * @param source where it came from
 * @param photo opaque ARGB pixels at display size
 * @param originalWidth decoded width before any display scaling
 * @param originalHeight decoded height
 */
public record LoadedImage(ImageSource source, Raster photo, int originalWidth, int originalHeight) {

  public String displayName() {
    return source.displayName();
  }
}
