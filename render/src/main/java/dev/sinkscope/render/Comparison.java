package dev.sinkscope.render;

import java.util.List;
import java.util.Objects;

/**
 * Before/after views of a mitigation: side by side, a wipe, and a difference map. Before and after
 * always share one scale; differences always use a diverging colormap with a scale symmetric around
 * zero, so "no change" is the neutral middle colour.
 */
public final class Comparison {

  private Comparison() {}

  /** Two titled panels next to each other, with an optional legend (null for none) on the right. */
  public static Raster sideBySide(
      SmallMultiples.Panel before, SmallMultiples.Panel after, Raster legend, LegendStyle style) {
    return SmallMultiples.arrange("", List.of(before, after), 2, legend, style);
  }

  /** Columns left of {@code splitX} from {@code before}, the rest from {@code after}. */
  public static Raster wipe(Raster before, Raster after, int splitX) {
    return wipe(before, after, splitX, 0);
  }

  /**
   * As {@link #wipe(Raster, Raster, int)}, with a one-pixel divider blended over column {@code
   * splitX} (alpha 0 for none).
   */
  public static Raster wipe(Raster before, Raster after, int splitX, int dividerArgb) {
    if (before.width() != after.width() || before.height() != after.height()) {
      throw new IllegalArgumentException("wipe needs equal sizes, got " + before + " and " + after);
    }
    int width = before.width();
    int split = Math.max(0, Math.min(width, splitX));
    int[] out = new int[before.argb().length];
    for (int y = 0; y < before.height(); y++) {
      int offset = y * width;
      System.arraycopy(before.argb(), offset, out, offset, split);
      System.arraycopy(after.argb(), offset + split, out, offset + split, width - split);
      if ((dividerArgb >>> 24) != 0 && split < width) {
        out[offset + split] = Pixels.over(out[offset + split], dividerArgb, 1.0);
      }
    }
    return new Raster(width, before.height(), out);
  }

  /**
   * {@code after - before} per patch, with the symmetric scale and diverging colormap it is drawn
   * with.
   */
  public record Difference(ScalarGrid delta, Scale scale, Colormap colormap) {
    public Difference {
      Objects.requireNonNull(delta, "delta");
      Objects.requireNonNull(scale, "scale");
      Objects.requireNonNull(colormap, "colormap");
    }

    /** The difference alone as a {@code width x height} heatmap. */
    public Raster render(int width, int height, Upsampling upsampling) {
      return HeatmapRenderer.render(delta, colormap, scale, width, height, upsampling);
    }

    /** The difference as a layer over the photo. */
    public OverlayLayer.Heatmap asLayer(Upsampling upsampling, double opacity) {
      return new OverlayLayer.Heatmap(delta, colormap, scale, upsampling, opacity);
    }
  }

  /** Difference drawn with coolwarm (blue for decrease, red for increase). */
  public static Difference difference(ScalarGrid before, ScalarGrid after) {
    return difference(before, after, Colormaps.COOLWARM);
  }

  /**
   * @throws IllegalArgumentException for a sequential colormap, which would make "no change" look
   *     like a low value
   */
  public static Difference difference(ScalarGrid before, ScalarGrid after, Colormap diverging) {
    if (diverging.kind() != Colormap.Kind.DIVERGING) {
      throw new IllegalArgumentException(
          "a difference map needs a diverging colormap, got " + diverging.name());
    }
    ScalarGrid delta = ScalarGrid.difference(before, after);
    Scale scale = new Normalization.SymmetricAroundZero().resolve(delta);
    return new Difference(delta, scale, diverging);
  }

  /**
   * Everything needed to draw one before/after comparison of a quantity over the photo.
   *
   * @param panelWidth width of each panel; the photo is scaled to it, keeping aspect ratio
   */
  public record BeforeAfter(
      Raster photo,
      PreprocessGeometry geometry,
      ScalarGrid before,
      ScalarGrid after,
      String beforeTitle,
      String afterTitle,
      String quantity,
      String unit,
      Colormap colormap,
      Normalization normalization,
      Upsampling upsampling,
      double opacity,
      int panelWidth,
      LegendStyle style,
      OverlayLayer.Markers beforeMarkers,
      OverlayLayer.Markers afterMarkers) {
    /** Without rings. */
    public BeforeAfter(
        Raster photo,
        PreprocessGeometry geometry,
        ScalarGrid before,
        ScalarGrid after,
        String beforeTitle,
        String afterTitle,
        String quantity,
        String unit,
        Colormap colormap,
        Normalization normalization,
        Upsampling upsampling,
        double opacity,
        int panelWidth,
        LegendStyle style) {
      this(
          photo,
          geometry,
          before,
          after,
          beforeTitle,
          afterTitle,
          quantity,
          unit,
          colormap,
          normalization,
          upsampling,
          opacity,
          panelWidth,
          style,
          null,
          null);
    }

    /** The same comparison with the rings each pass's view shows (either may be null for none). */
    public BeforeAfter withMarkers(OverlayLayer.Markers before, OverlayLayer.Markers after) {
      return new BeforeAfter(
          photo,
          geometry,
          this.before,
          this.after,
          beforeTitle,
          afterTitle,
          quantity,
          unit,
          colormap,
          normalization,
          upsampling,
          opacity,
          panelWidth,
          style,
          before,
          after);
    }

    public BeforeAfter {
      Objects.requireNonNull(photo, "photo");
      Objects.requireNonNull(geometry, "geometry");
      Objects.requireNonNull(before, "before");
      Objects.requireNonNull(after, "after");
      Objects.requireNonNull(colormap, "colormap");
      Objects.requireNonNull(normalization, "normalization");
      Objects.requireNonNull(upsampling, "upsampling");
      Objects.requireNonNull(style, "style");
      BlendLut.checkOpacity(opacity);
      if (panelWidth <= 0) {
        throw new IllegalArgumentException("panel width must be positive, got " + panelWidth);
      }
    }

    /** Defaults: viridis, min-max over both, nearest, opacity 0.6, panels up to 384 px wide. */
    public static BeforeAfter of(
        Raster photo,
        PreprocessGeometry geometry,
        ScalarGrid before,
        ScalarGrid after,
        String quantity) {
      return new BeforeAfter(
          photo,
          geometry,
          before,
          after,
          "before",
          "after",
          quantity,
          "",
          Colormaps.VIRIDIS,
          new Normalization.MinMax(),
          Upsampling.NEAREST,
          0.6,
          Math.min(384, photo.width()),
          LegendStyle.LIGHT);
    }
  }

  /** A rendered comparison and the scales used, for legends elsewhere and export metadata. */
  public record Rendered(Raster raster, Scale sharedScale, Difference difference) {}

  /**
   * Before, after and difference overlays in one picture, with the shared colorbar and the
   * difference colorbar on the right; suitable for exporting a comparison as one PNG.
   */
  public static Rendered beforeAfter(BeforeAfter spec) {
    Scale shared = spec.normalization().resolve(spec.before(), spec.after());
    Difference difference = difference(spec.before(), spec.after());
    int panelWidth = spec.panelWidth();
    int panelHeight =
        Math.max(
            1,
            (int) Math.round((double) spec.photo().height() * panelWidth / spec.photo().width()));
    Raster photo =
        spec.photo().width() == panelWidth && spec.photo().height() == panelHeight
            ? spec.photo()
            : spec.photo().resized(panelWidth, panelHeight);
    PreprocessGeometry geometry = spec.geometry().forDisplay(panelWidth, panelHeight);

    Raster before =
        OverlayCompositor.compose(
            photo,
            geometry,
            withRings(
                new OverlayLayer.Heatmap(
                    spec.before(), spec.colormap(), shared, spec.upsampling(), spec.opacity()),
                spec.beforeMarkers()));
    Raster after =
        OverlayCompositor.compose(
            photo,
            geometry,
            withRings(
                new OverlayLayer.Heatmap(
                    spec.after(), spec.colormap(), shared, spec.upsampling(), spec.opacity()),
                spec.afterMarkers()));
    Raster delta =
        OverlayCompositor.compose(
            photo, geometry, List.of(difference.asLayer(spec.upsampling(), spec.opacity())));

    int barLength = legendBarLength(panelHeight, spec.style().fontSize());
    Raster sharedLegend =
        LegendRenderer.colorbar(
                spec.colormap(),
                shared,
                spec.quantity(),
                spec.unit(),
                LegendRenderer.Orientation.VERTICAL,
                barLength,
                spec.style())
            .raster();
    Raster differenceLegend =
        LegendRenderer.colorbar(
                difference.colormap(),
                difference.scale(),
                "change in " + spec.quantity(),
                spec.unit(),
                LegendRenderer.Orientation.VERTICAL,
                barLength,
                spec.style())
            .raster();
    Raster legends = stackVertically(sharedLegend, differenceLegend, spec.style().backgroundArgb());

    Raster picture =
        SmallMultiples.arrange(
            "",
            List.of(
                new SmallMultiples.Panel(spec.beforeTitle(), before),
                new SmallMultiples.Panel(spec.afterTitle(), after),
                new SmallMultiples.Panel(spec.afterTitle() + " - " + spec.beforeTitle(), delta)),
            3,
            legends,
            spec.style());
    return new Rendered(picture, shared, difference);
  }

  private static List<OverlayLayer> withRings(OverlayLayer heatmap, OverlayLayer.Markers rings) {
    return rings == null ? List.of(heatmap) : List.of(heatmap, rings);
  }

  /**
   * Long enough for at least three labelled ticks ({@link LegendRenderer#tickValues} allows one per
   * 2.5 text heights).
   */
  static int legendBarLength(int panelHeight, float fontSize) {
    int threeTicks = (int) Math.ceil(fontSize * 2.5f * 4);
    return Math.max(threeTicks, panelHeight / 2 - 4 * Math.round(fontSize));
  }

  static Raster stackVertically(Raster top, Raster bottom, int backgroundArgb) {
    Raster out =
        Raster.filled(
            Math.max(top.width(), bottom.width()), top.height() + bottom.height(), backgroundArgb);
    out.paste(top, 0, 0);
    out.paste(bottom, 0, top.height());
    return out;
  }
}
