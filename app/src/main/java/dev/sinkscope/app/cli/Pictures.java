package dev.sinkscope.app.cli;

import dev.sinkscope.inference.report.NormalizationSpec;
import dev.sinkscope.inference.preprocess.RgbImage;
import dev.sinkscope.render.Colormap;
import dev.sinkscope.render.Colormaps;
import dev.sinkscope.render.Comparison;
import dev.sinkscope.render.ExportMetadata;
import dev.sinkscope.render.HeatmapRenderer;
import dev.sinkscope.render.LegendRenderer;
import dev.sinkscope.render.LegendStyle;
import dev.sinkscope.render.Marker;
import dev.sinkscope.render.Normalization;
import dev.sinkscope.render.OverlayCompositor;
import dev.sinkscope.render.OverlayLayer;
import dev.sinkscope.render.PngExport;
import dev.sinkscope.render.PreprocessGeometry;
import dev.sinkscope.render.Raster;
import dev.sinkscope.render.Scale;
import dev.sinkscope.render.ScalarGrid;
import dev.sinkscope.render.SmallMultiples;
import dev.sinkscope.render.Upsampling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The pictures the command line writes: a heatmap over the photo with colorbar and marker key, and a
 * before/after comparison. Everything is drawn by the render module, so the same inputs give the
 * same pixels.
 */
final class Pictures {
  static final LegendStyle STYLE = LegendStyle.LIGHT;
  /** Photos are drawn at most this many pixels wide or high. */
  static final int MAX_PHOTO_SIDE = 640;
  /** Pixel-tensor inputs have no photo; their heatmap is drawn this large. */
  static final int BARE_HEATMAP_SIDE = 448;
  static final double OVERLAY_OPACITY = 0.65;

  private Pictures() {}

  /** A rendered picture and the colour scale it used. */
  record Picture(Raster raster, Scale scale) {}

  /**
   * One heatmap: over the photo when there is one, alone otherwise; colorbar and, with markers, a key
   * to the right; {@code heading} above everything and {@code title} above the picture.
   */
  static Picture heatmap(String heading, String title, ImageInput input, ScalarGrid grid, Colormap colormap,
      Normalization normalization, String quantity, List<Marker> markers) {
    Scale scale = normalization.resolve(grid);
    OverlayLayer.Markers markerLayer = new OverlayLayer.Markers(grid.rows(), grid.cols(), markers);
    Raster overlay;
    if (input.hasPhoto()) {
      Raster photo = displayPhoto(input.photo());
      PreprocessGeometry geometry = geometry(input).forDisplay(photo.width(), photo.height());
      overlay = OverlayCompositor.compose(photo, geometry, List.of(
          new OverlayLayer.Heatmap(grid, colormap, scale, Upsampling.NEAREST, OVERLAY_OPACITY), markerLayer));
    } else {
      int cell = Math.max(4, BARE_HEATMAP_SIDE / Math.max(grid.rows(), grid.cols()));
      Raster bare = HeatmapRenderer.render(grid, colormap, scale, grid.cols() * cell, grid.rows() * cell,
          Upsampling.NEAREST);
      overlay = OverlayCompositor.compose(bare, PreprocessGeometry.identity(bare.width(), bare.height()),
          List.of(markerLayer));
    }
    int barLength = Math.max(64, Math.min(400, overlay.height() / 2));
    Raster legend = LegendRenderer.colorbar(colormap, scale, quantity, "", LegendRenderer.Orientation.VERTICAL,
        barLength, STYLE).raster();
    if (!markers.isEmpty()) {
      LinkedHashSet<Marker.Kind> kinds = new LinkedHashSet<>();
      markers.forEach(m -> kinds.add(m.kind()));
      legend = stack(legend, LegendRenderer.markerKey(new ArrayList<>(kinds), STYLE));
    }
    Raster raster = SmallMultiples.arrange(heading, List.of(new SmallMultiples.Panel(title, overlay)), 1, legend,
        STYLE);
    return new Picture(raster, scale);
  }

  /** Before, after and difference of one quantity with a shared scale (see {@code Comparison.beforeAfter}). */
  static Picture beforeAfter(String heading, ImageInput input, ScalarGrid before, ScalarGrid after,
      String beforeTitle, String afterTitle, Colormap colormap, Normalization normalization, String quantity) {
    Raster photo;
    PreprocessGeometry geometry;
    double opacity;
    if (input.hasPhoto()) {
      photo = displayPhoto(input.photo());
      geometry = geometry(input).forDisplay(photo.width(), photo.height());
      opacity = OVERLAY_OPACITY;
    } else {
      int cell = Math.max(4, 384 / Math.max(before.rows(), before.cols()));
      photo = Raster.filled(before.cols() * cell, before.rows() * cell, 0xFF808080);
      geometry = PreprocessGeometry.identity(photo.width(), photo.height());
      opacity = 1.0;
    }
    Comparison.BeforeAfter spec = new Comparison.BeforeAfter(photo, geometry, before, after, beforeTitle, afterTitle,
        quantity, "", colormap, normalization, Upsampling.NEAREST, opacity, Math.min(384, photo.width()), STYLE);
    Comparison.Rendered rendered = Comparison.beforeAfter(spec);
    Raster raster = SmallMultiples.arrange(heading, List.of(new SmallMultiples.Panel(" ", rendered.raster())), 1,
        STYLE);
    return new Picture(raster, rendered.sharedScale());
  }

  static Normalization normalization(NormalizationSpec spec) {
    return switch (spec.kind()) {
      case MIN_MAX -> new Normalization.MinMax();
      case PERCENTILE -> new Normalization.Percentile(spec.low(), spec.high());
      case LOG -> new Normalization.Log();
      case FIXED -> new Normalization.Fixed(spec.low(), spec.high());
    };
  }

  static Colormap colormap(String name) {
    return Colormaps.byName(name);
  }

  /** The text chunks of an exported picture. */
  static Map<String, String> metadata(String model, String layer, String head, String quantity,
      List<String> mitigations, String normalization, String source, String description) {
    Map<String, String> map = new LinkedHashMap<>(
        new ExportMetadata(model, layer, head, quantity, mitigations, normalization).toMap());
    if (source != null) {
      map.put("Source", source);
    }
    if (description != null) {
      map.put("Description", description);
    }
    return map;
  }

  static void write(Raster raster, Map<String, String> metadata, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    PngExport.write(raster, metadata, file);
  }

  /** The inference module's preprocessing geometry in the render module's terms (same fields). */
  static PreprocessGeometry geometry(ImageInput input) {
    var g = input.geometry();
    return new PreprocessGeometry(g.originalWidth(), g.originalHeight(), g.resizedWidth(), g.resizedHeight(),
        g.cropLeft(), g.cropTop(), g.cropWidth(), g.cropHeight());
  }

  /** The photo as an opaque raster, shrunk to at most {@link #MAX_PHOTO_SIDE}. */
  static Raster displayPhoto(RgbImage image) {
    int w = image.width();
    int h = image.height();
    byte[] rgb = image.toRgbBytes();
    int[] argb = new int[w * h];
    for (int i = 0; i < argb.length; i++) {
      argb[i] = 0xFF000000 | (rgb[3 * i] & 0xFF) << 16 | (rgb[3 * i + 1] & 0xFF) << 8 | (rgb[3 * i + 2] & 0xFF);
    }
    Raster photo = new Raster(w, h, argb);
    double shrink = Math.min(1.0, (double) MAX_PHOTO_SIDE / Math.max(w, h));
    if (shrink >= 1.0) {
      return photo;
    }
    return photo.resized(Math.max(1, (int) Math.round(w * shrink)), Math.max(1, (int) Math.round(h * shrink)));
  }

  private static Raster stack(Raster top, Raster bottom) {
    Raster out = Raster.filled(Math.max(top.width(), bottom.width()), top.height() + bottom.height(),
        STYLE.backgroundArgb());
    out.paste(top, 0, 0);
    out.paste(bottom, 0, top.height());
    return out;
  }
}
