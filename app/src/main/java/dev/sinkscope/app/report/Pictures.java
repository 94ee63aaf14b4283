package dev.sinkscope.app.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sinkscope.inference.preprocess.RgbImage;
import dev.sinkscope.inference.report.HeadSelection;
import dev.sinkscope.inference.report.NormalizationSpec;
import dev.sinkscope.inference.report.Quantity;
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
import dev.sinkscope.render.PatchPosition;
import dev.sinkscope.render.PngExport;
import dev.sinkscope.render.PreprocessGeometry;
import dev.sinkscope.render.Raster;
import dev.sinkscope.render.RgbGrid;
import dev.sinkscope.render.ScalarGrid;
import dev.sinkscope.render.Scale;
import dev.sinkscope.render.SmallMultiples;
import dev.sinkscope.render.Upsampling;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The pictures the command line and the app's report write: a heatmap (or PCA colours) over the
 * photo with colorbar and marker key, and a before/after comparison. Everything is drawn by the
 * render module, so the same inputs give the same pixels.
 */
public final class Pictures {
  public static final LegendStyle STYLE = LegendStyle.LIGHT;

  /** Photos are drawn at most this many pixels wide or high. */
  public static final int MAX_PHOTO_SIDE = 640;

  /** Pixel-tensor inputs have no photo; their heatmap is drawn this large. */
  public static final int BARE_HEATMAP_SIDE = 448;

  public static final double OVERLAY_OPACITY = 0.65;

  /** The colour scale text of a PCA picture, which has no colorbar. */
  public static final String PCA_SCALE = "PCA components, min-max per channel";

  private Pictures() {}

  /** A rendered picture and the colour scale it used (null for PCA colours). */
  public record Picture(Raster raster, Scale scale) {}

  /**
   * One heatmap: over the photo when there is one, alone otherwise; colorbar and, with markers, a
   * key to the right; {@code heading} above everything and {@code title} above the picture.
   */
  public static Picture heatmap(
      String heading,
      String title,
      ImageInput input,
      ScalarGrid grid,
      Colormap colormap,
      Normalization normalization,
      String quantity,
      List<Marker> markers) {
    return heatmap(heading, title, input, grid, colormap, normalization, quantity, markers, null);
  }

  /**
   * As {@link #heatmap(String, String, ImageInput, ScalarGrid, Colormap, Normalization, String,
   * List)}, with the selected patch outlined.
   */
  public static Picture heatmap(
      String heading,
      String title,
      ImageInput input,
      ScalarGrid grid,
      Colormap colormap,
      Normalization normalization,
      String quantity,
      List<Marker> markers,
      PatchPosition selected) {
    Scale scale = normalization.resolve(grid);
    Raster overlay =
        overlay(
            input,
            grid.rows(),
            grid.cols(),
            new OverlayLayer.Heatmap(grid, colormap, scale, Upsampling.NEAREST, OVERLAY_OPACITY),
            bare ->
                HeatmapRenderer.render(grid, colormap, scale, bare[0], bare[1], Upsampling.NEAREST),
            markers,
            selected);
    int barLength = Math.max(64, Math.min(400, overlay.height() / 2));
    Raster legend =
        LegendRenderer.colorbar(
                colormap,
                scale,
                quantity,
                "",
                LegendRenderer.Orientation.VERTICAL,
                barLength,
                STYLE)
            .raster();
    return new Picture(arrange(heading, title, overlay, legend, markers), scale);
  }

  /** PCA colours over the photo (alone without one), with the marker key; there is no colorbar. */
  public static Picture pcaRgb(
      String heading, String title, ImageInput input, RgbGrid rgb, List<Marker> markers) {
    return pcaRgb(heading, title, input, rgb, markers, null);
  }

  /** As {@link #pcaRgb(String, String, ImageInput, RgbGrid, List)} with a key beside it. */
  public static Picture pcaRgb(
      String heading,
      String title,
      ImageInput input,
      RgbGrid rgb,
      List<Marker> markers,
      Raster key) {
    Raster overlay =
        overlay(
            input,
            rgb.rows(),
            rgb.cols(),
            new OverlayLayer.PcaRgb(rgb, Upsampling.NEAREST, OVERLAY_OPACITY),
            bare -> {
              Raster target = Raster.filled(bare[0], bare[1], 0xFF000000);
              HeatmapRenderer.drawRgb(
                  target,
                  PreprocessGeometry.identity(bare[0], bare[1]),
                  rgb,
                  Upsampling.NEAREST,
                  1.0);
              return target;
            },
            markers,
            null);
    return new Picture(arrange(heading, title, overlay, key, markers), null);
  }

  /**
   * The photo with {@code heat} and the markers, or {@code bare} drawn alone for pixel-tensor
   * inputs.
   */
  private static Raster overlay(
      ImageInput input,
      int rows,
      int cols,
      OverlayLayer heat,
      java.util.function.Function<int[], Raster> bare,
      List<Marker> markers,
      PatchPosition selected) {
    List<OverlayLayer> layers = new ArrayList<>();
    layers.add(new OverlayLayer.Markers(rows, cols, markers));
    if (selected != null) {
      layers.add(
          new OverlayLayer.SelectedPatch(
              rows, cols, selected.row(), selected.col(), OverlayLayer.SelectedPatch.DEFAULT_ARGB));
    }
    if (input.hasPhoto()) {
      Raster photo = displayPhoto(input.photo());
      PreprocessGeometry geometry = geometry(input).forDisplay(photo.width(), photo.height());
      layers.add(0, heat);
      return OverlayCompositor.compose(photo, geometry, layers);
    }
    int cell = Math.max(4, BARE_HEATMAP_SIDE / Math.max(rows, cols));
    Raster drawn = bare.apply(new int[] {cols * cell, rows * cell});
    return OverlayCompositor.compose(
        drawn, PreprocessGeometry.identity(drawn.width(), drawn.height()), layers);
  }

  private static Raster arrange(
      String heading, String title, Raster overlay, Raster colorbar, List<Marker> markers) {
    Raster legend = colorbar;
    if (!markers.isEmpty()) {
      LinkedHashSet<Marker.Kind> kinds = new LinkedHashSet<>();
      markers.forEach(m -> kinds.add(m.kind()));
      Raster key = LegendRenderer.markerKey(new ArrayList<>(kinds), STYLE);
      legend = legend == null ? key : stack(legend, key);
    }
    return SmallMultiples.arrange(
        heading, List.of(new SmallMultiples.Panel(title, overlay)), 1, legend, STYLE);
  }

  /**
   * Before, after and difference of one quantity with a shared scale (see {@code
   * Comparison.beforeAfter}).
   */
  public static Picture beforeAfter(
      String heading,
      ImageInput input,
      ScalarGrid before,
      ScalarGrid after,
      String beforeTitle,
      String afterTitle,
      Colormap colormap,
      Normalization normalization,
      String quantity) {
    return beforeAfter(
        heading,
        input,
        before,
        after,
        List.of(),
        List.of(),
        beforeTitle,
        afterTitle,
        colormap,
        normalization,
        quantity);
  }

  /** As above, with each side's rings (artifacts, sinks) drawn as its own view draws them. */
  public static Picture beforeAfter(
      String heading,
      ImageInput input,
      ScalarGrid before,
      ScalarGrid after,
      List<Marker> beforeRings,
      List<Marker> afterRings,
      String beforeTitle,
      String afterTitle,
      Colormap colormap,
      Normalization normalization,
      String quantity) {
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
    Comparison.BeforeAfter spec =
        new Comparison.BeforeAfter(
                photo,
                geometry,
                before,
                after,
                beforeTitle,
                afterTitle,
                quantity,
                "",
                colormap,
                normalization,
                Upsampling.NEAREST,
                opacity,
                Math.min(384, photo.width()),
                STYLE)
            .withMarkers(rings(before, beforeRings), rings(after, afterRings));
    Comparison.Rendered rendered = Comparison.beforeAfter(spec);
    Raster raster =
        SmallMultiples.arrange(
            heading, List.of(new SmallMultiples.Panel(" ", rendered.raster())), 1, STYLE);
    return new Picture(raster, rendered.sharedScale());
  }

  private static OverlayLayer.Markers rings(ScalarGrid grid, List<Marker> markers) {
    return markers.isEmpty() ? null : new OverlayLayer.Markers(grid.rows(), grid.cols(), markers);
  }

  public static Normalization normalization(NormalizationSpec spec) {
    return switch (spec.kind()) {
      case MIN_MAX -> new Normalization.MinMax();
      case PERCENTILE -> new Normalization.Percentile(spec.low(), spec.high());
      case LOG -> new Normalization.Log();
      case FIXED -> new Normalization.Fixed(spec.low(), spec.high());
    };
  }

  public static Colormap colormap(String name) {
    return Colormaps.byName(name);
  }

  /** The text chunks of an exported picture. */
  public static Map<String, String> metadata(
      String model,
      String layer,
      String head,
      String quantity,
      List<String> mitigations,
      String normalization,
      String source,
      String description) {
    Map<String, String> map =
        new LinkedHashMap<>(
            new ExportMetadata(model, layer, head, quantity, mitigations, normalization).toMap());
    if (source != null) {
      map.put("Source", source);
    }
    if (description != null) {
      map.put("Description", description);
    }
    return map;
  }

  public static void write(Raster raster, Map<String, String> metadata, Path file)
      throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    PngExport.write(raster, metadata, file);
  }

  /** The inference module's preprocessing geometry in the render module's terms (same fields). */
  public static PreprocessGeometry geometry(ImageInput input) {
    var g = input.geometry();
    return new PreprocessGeometry(
        g.originalWidth(),
        g.originalHeight(),
        g.resizedWidth(),
        g.resizedHeight(),
        g.cropLeft(),
        g.cropTop(),
        g.cropWidth(),
        g.cropHeight());
  }

  /** The photo as an opaque raster, shrunk to at most {@link #MAX_PHOTO_SIDE}. */
  public static Raster displayPhoto(RgbImage image) {
    int w = image.width();
    int h = image.height();
    byte[] rgb = image.toRgbBytes();
    int[] argb = new int[w * h];
    for (int i = 0; i < argb.length; i++) {
      argb[i] =
          0xFF000000
              | (rgb[3 * i] & 0xFF) << 16
              | (rgb[3 * i + 1] & 0xFF) << 8
              | (rgb[3 * i + 2] & 0xFF);
    }
    Raster photo = new Raster(w, h, argb);
    double shrink = Math.min(1.0, (double) MAX_PHOTO_SIDE / Math.max(w, h));
    if (shrink >= 1.0) {
      return photo;
    }
    return photo.resized(
        Math.max(1, (int) Math.round(w * shrink)), Math.max(1, (int) Math.round(h * shrink)));
  }

  /** E.g. "phantom | block 6 of 8 | attention received (head 1)". */
  public static String heading(
      String model, int block, int blocks, Quantity quantity, HeadSelection head) {
    return model
        + " | "
        + (quantity.perBlock() ? "block " + block + " of " + blocks : "all " + blocks + " blocks")
        + " | "
        + quantity.label()
        + (quantity.perHead() ? " (" + headLabel(head) + ")" : "");
  }

  public static String headLabel(HeadSelection head) {
    return switch (head.mode()) {
      case MEAN -> "mean of heads";
      case MAX -> "max over heads";
      case SINGLE -> "head " + head.head();
    };
  }

  /** The {@code Layer} text chunk. */
  public static String blockText(int block, int blocks) {
    return block + " of " + blocks + " (1-based block)";
  }

  /**
   * Indented JSON, creating the folder. A non-finite number is written as null, never as the string
   * "NaN" (docs/decisions/0018).
   */
  public static void writeJson(Path file, Object value) throws IOException {
    createParent(file);
    JSON.writeValue(file.toFile(), value);
  }

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .registerModule(
              new com.fasterxml.jackson.databind.module.SimpleModule("finite-or-null")
                  .addSerializer(Double.class, new FiniteOrNull())
                  .addSerializer(double.class, new FiniteOrNull()));

  private static final class FiniteOrNull
      extends com.fasterxml.jackson.databind.JsonSerializer<Double> {
    @Override
    public void serialize(
        Double value,
        com.fasterxml.jackson.core.JsonGenerator out,
        com.fasterxml.jackson.databind.SerializerProvider provider)
        throws IOException {
      if (value == null || !Double.isFinite(value)) {
        out.writeNull();
      } else {
        out.writeNumber(value);
      }
    }
  }

  /** A UTF-8 writer, creating the folder. */
  public static Writer newWriter(Path file) throws IOException {
    createParent(file);
    return Files.newBufferedWriter(file, StandardCharsets.UTF_8);
  }

  private static void createParent(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
  }

  private static Raster stack(Raster top, Raster bottom) {
    Raster out =
        Raster.filled(
            Math.max(top.width(), bottom.width()),
            top.height() + bottom.height(),
            STYLE.backgroundArgb());
    out.paste(top, 0, 0);
    out.paste(bottom, 0, top.height());
    return out;
  }
}
