package dev.sinkscope.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.Rectangle;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Colorbars that state what the colours mean: quantity and unit, tick values, the colormap and how
 * the scale was chosen (e.g. "percentile 1-99, shared by 2 grids"). Under/over colours that differ
 * from the end colours get triangular caps, as in matplotlib's extended colorbars.
 */
public final class LegendRenderer {

  public enum Orientation {
    VERTICAL,
    HORIZONTAL
  }

  /**
   * One tick mark.
   *
   * @param position pixel along the bar axis in raster coordinates (y for vertical bars, x for
   *     horizontal ones)
   */
  public record Tick(double value, String label, int position) {}

  /** A rendered colorbar with where its parts are, for hit-testing in the GUI and for tests. */
  public record Legend(
      Raster raster,
      Rectangle bar,
      Rectangle titleArea,
      Rectangle tickLabelArea,
      Rectangle noteArea,
      List<Tick> ticks) {
    public Legend {
      ticks = List.copyOf(ticks);
    }
  }

  private static final int TICK_LENGTH = 4;

  private LegendRenderer() {}

  /**
   * A colorbar whose bar is {@code barLength} pixels long.
   *
   * @param quantity what is shown, e.g. "L2 norm"
   * @param unit unit text, or empty for none
   */
  public static Legend colorbar(
      Colormap colormap,
      Scale scale,
      String quantity,
      String unit,
      Orientation orientation,
      int barLength,
      LegendStyle style) {
    return colorbar(colormap, scale, quantity, unit, orientation, barLength, 0, style);
  }

  /**
   * As {@link #colorbar(Colormap, Scale, String, String, Orientation, int, LegendStyle)}; a
   * vertical bar's title and notes wrap at spaces to stay within {@code maxWidth} pixels (0: no
   * limit), so a narrow place shows all of them on more lines instead of cutting them off. The bar
   * and its tick labels always fit whole.
   */
  public static Legend colorbar(
      Colormap colormap,
      Scale scale,
      String quantity,
      String unit,
      Orientation orientation,
      int barLength,
      int maxWidth,
      LegendStyle style) {
    if (barLength < 16) {
      throw new IllegalArgumentException("bar length must be at least 16 px, got " + barLength);
    }
    String title = unit == null || unit.isBlank() ? quantity : quantity + " [" + unit + "]";
    List<String> notes = List.of(colormap.name(), scaleNote(scale));
    return orientation == Orientation.VERTICAL
        ? vertical(colormap, scale, title, notes, barLength, maxWidth, style)
        : horizontal(colormap, scale, title, notes, barLength, style);
  }

  /**
   * The same legend in another style: background, text and tick pixels (and their anti-aliased
   * blends) are mapped from {@code from}'s colours to {@code to}'s; the colour bar keeps its
   * colours. A legend not drawn in {@code from} (its corner is not {@code from}'s background) is
   * returned as is. Lets a view drawn for the dark window be exported on a white page without a
   * dark box.
   */
  public static Legend restyle(Legend legend, LegendStyle from, LegendStyle to) {
    Raster source = legend.raster();
    if (from.equals(to) || source.get(0, 0) != from.backgroundArgb()) {
      return legend; // already in another style: leave it
    }
    Raster out = Raster.transparent(source.width(), source.height());
    int[] in = source.argb();
    int[] px = out.argb();
    int fb = from.backgroundArgb();
    int ft = from.textArgb();
    int tb = to.backgroundArgb();
    int tt = to.textArgb();
    double[] axis = {red(ft) - red(fb), green(ft) - green(fb), blue(ft) - blue(fb)};
    double length2 = axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2];
    Rectangle bar = legend.bar();
    for (int y = 0; y < source.height(); y++) {
      for (int x = 0; x < source.width(); x++) {
        int i = y * source.width() + x;
        int p = in[i];
        if (bar.contains(x, y) || length2 == 0) {
          px[i] = p;
          continue;
        }
        double t =
            ((red(p) - red(fb)) * axis[0]
                    + (green(p) - green(fb)) * axis[1]
                    + (blue(p) - blue(fb)) * axis[2])
                / length2;
        t = Math.max(0, Math.min(1, t));
        px[i] =
            (p & 0xFF000000)
                | (mix(red(tb), red(tt), t) << 16)
                | (mix(green(tb), green(tt), t) << 8)
                | mix(blue(tb), blue(tt), t);
      }
    }
    return new Legend(
        out,
        legend.bar(),
        legend.titleArea(),
        legend.tickLabelArea(),
        legend.noteArea(),
        legend.ticks());
  }

  private static int red(int argb) {
    return (argb >> 16) & 0xFF;
  }

  private static int green(int argb) {
    return (argb >> 8) & 0xFF;
  }

  private static int blue(int argb) {
    return argb & 0xFF;
  }

  private static int mix(int a, int b, double t) {
    return (int) Math.round(a + (b - a) * t);
  }

  /** Tick values and labels a bar of the given length gets, about one per 2.5 text heights. */
  public static List<Double> tickValues(Scale scale, int barLength, float fontSize) {
    int maxTicks = Math.max(2, Math.min(11, (int) (barLength / (fontSize * 2.5f))));
    return Ticks.forScale(scale, maxTicks);
  }

  static String scaleNote(Scale scale) {
    return scale.method()
        + ", range "
        + Ticks.compact(scale.lo())
        + " to "
        + Ticks.compact(scale.hi());
  }

  private static Legend vertical(
      Colormap colormap,
      Scale scale,
      String title,
      List<String> notes,
      int barLength,
      int maxWidth,
      LegendStyle style) {
    Fonts fonts = new Fonts(style);
    int margin = Math.round(style.fontSize() * 0.7f);
    int thickness = Math.round(style.fontSize() * 1.4f);
    int cap = hasCaps(colormap) ? Math.round(thickness * 0.8f) : 0;
    List<Double> values = tickValues(scale, barLength, style.fontSize());
    List<String> labels = Ticks.labels(values, scale.kind());
    int labelWidth = maxWidth(fonts.label, labels);
    int labelHalf = fonts.label.getAscent() / 2 + 1;

    int barBlock = thickness + TICK_LENGTH + 3 + labelWidth;
    List<String> titleLines = List.of(title);
    if (maxWidth > 0) {
      int room = Math.max(barBlock, maxWidth - 2 * margin);
      titleLines = wrap(title, fonts.title, room);
      List<String> wrapped = new ArrayList<>();
      for (String note : notes) {
        wrapped.addAll(wrap(note, fonts.note, room));
      }
      notes = wrapped;
    }
    int contentWidth =
        Math.max(
            barBlock, Math.max(maxWidth(fonts.title, titleLines), maxWidth(fonts.note, notes)));
    int width = 2 * margin + contentWidth;
    int titleHeight = titleLines.size() * fonts.title.getHeight();
    int barTop = margin + titleHeight + margin / 2 + Math.max(labelHalf, cap);
    int barBottom = barTop + barLength;
    int notesTop = barBottom + Math.max(labelHalf, cap) + margin / 2;
    int height = notesTop + notes.size() * fonts.note.getHeight() + margin;

    Raster raster = Raster.filled(width, height, style.backgroundArgb());
    Rectangle bar = new Rectangle(margin, barTop, thickness, barLength);
    for (int i = 0; i < barLength; i++) {
      double t = 1.0 - (i + 0.5) / barLength;
      fillRow(
          raster,
          bar.x,
          bar.y + i,
          thickness,
          Pixels.over(style.backgroundArgb(), colormap.argb(t), 1.0));
    }
    int labelX = bar.x + thickness + TICK_LENGTH + 3;
    List<Tick> ticks = new ArrayList<>();
    Graphics2D g = Drawing.graphics(raster);
    try {
      Color text = Drawing.color(style.textArgb());
      g.setColor(text);
      g.setFont(fonts.title.getFont());
      for (int i = 0; i < titleLines.size(); i++) {
        g.drawString(
            titleLines.get(i),
            margin,
            margin + i * fonts.title.getHeight() + fonts.title.getAscent());
      }
      drawCapsVertical(g, colormap, bar, cap, text);
      g.setColor(text);
      Drawing.pixelRect(g, bar);
      g.setFont(fonts.label.getFont());
      for (int i = 0; i < values.size(); i++) {
        double t = scale.normalize(values.get(i));
        int y = (int) Math.round(barBottom - t * barLength);
        y = Math.max(barTop, Math.min(barBottom - 1, y));
        Drawing.pixelLine(g, bar.x + thickness, y, bar.x + thickness + TICK_LENGTH - 1, y);
        g.drawString(
            labels.get(i), labelX, y + (fonts.label.getAscent() - fonts.label.getDescent()) / 2f);
        ticks.add(new Tick(values.get(i), labels.get(i), y));
      }
      g.setFont(fonts.note.getFont());
      for (int i = 0; i < notes.size(); i++) {
        g.drawString(
            notes.get(i), margin, notesTop + i * fonts.note.getHeight() + fonts.note.getAscent());
      }
    } finally {
      g.dispose();
    }
    Rectangle titleArea =
        new Rectangle(margin, margin, maxWidth(fonts.title, titleLines), titleHeight);
    Rectangle labelArea =
        new Rectangle(labelX, barTop - labelHalf, labelWidth, barLength + 2 * labelHalf);
    Rectangle noteArea =
        new Rectangle(
            margin, notesTop, maxWidth(fonts.note, notes), notes.size() * fonts.note.getHeight());
    return new Legend(raster, bar, titleArea, labelArea, noteArea, ticks);
  }

  private static Legend horizontal(
      Colormap colormap,
      Scale scale,
      String title,
      List<String> notes,
      int barLength,
      LegendStyle style) {
    Fonts fonts = new Fonts(style);
    int margin = Math.round(style.fontSize() * 0.7f);
    int thickness = Math.round(style.fontSize() * 1.2f);
    int cap = hasCaps(colormap) ? Math.round(thickness * 0.8f) : 0;
    List<Double> values = tickValues(scale, barLength, style.fontSize() * 2f);
    List<String> labels = Ticks.labels(values, scale.kind());
    int side = Math.max(cap, maxWidth(fonts.label, labels) / 2 + 1);
    String note = String.join(" | ", notes);

    int width =
        Math.max(
            2 * margin + 2 * side + barLength,
            2 * margin + Math.max(fonts.title.stringWidth(title), fonts.note.stringWidth(note)));
    int barLeft = (width - barLength) / 2;
    int titleHeight = fonts.title.getHeight();
    int barTop = margin + titleHeight + margin / 2;
    int labelsTop = barTop + thickness + TICK_LENGTH + 2;
    int notesTop = labelsTop + fonts.label.getHeight() + margin / 2;
    int height = notesTop + fonts.note.getHeight() + margin;

    Raster raster = Raster.filled(width, height, style.backgroundArgb());
    Rectangle bar = new Rectangle(barLeft, barTop, barLength, thickness);
    for (int i = 0; i < barLength; i++) {
      int color = Pixels.over(style.backgroundArgb(), colormap.argb((i + 0.5) / barLength), 1.0);
      for (int y = barTop; y < barTop + thickness; y++) {
        raster.argb()[y * width + barLeft + i] = color;
      }
    }
    List<Tick> ticks = new ArrayList<>();
    Graphics2D g = Drawing.graphics(raster);
    try {
      Color text = Drawing.color(style.textArgb());
      g.setColor(text);
      g.setFont(fonts.title.getFont());
      g.drawString(title, margin, margin + fonts.title.getAscent());
      drawCapsHorizontal(g, colormap, bar, cap, text);
      g.setColor(text);
      Drawing.pixelRect(g, bar);
      g.setFont(fonts.label.getFont());
      for (int i = 0; i < values.size(); i++) {
        double t = scale.normalize(values.get(i));
        int x = (int) Math.round(barLeft + t * barLength);
        x = Math.max(barLeft, Math.min(barLeft + barLength - 1, x));
        Drawing.pixelLine(g, x, barTop + thickness, x, barTop + thickness + TICK_LENGTH - 1);
        Drawing.centred(g, labels.get(i), x, labelsTop + fonts.label.getAscent());
        ticks.add(new Tick(values.get(i), labels.get(i), x));
      }
      g.setFont(fonts.note.getFont());
      g.drawString(note, margin, notesTop + fonts.note.getAscent());
    } finally {
      g.dispose();
    }
    Rectangle titleArea =
        new Rectangle(margin, margin, fonts.title.stringWidth(title), titleHeight);
    Rectangle labelArea =
        new Rectangle(barLeft - side, labelsTop, barLength + 2 * side, fonts.label.getHeight());
    Rectangle noteArea =
        new Rectangle(margin, notesTop, fonts.note.stringWidth(note), fonts.note.getHeight());
    return new Legend(raster, bar, titleArea, labelArea, noteArea, ticks);
  }

  /**
   * A key for three-channel colours (PCA-RGB): the title, one row per channel (red, green, blue)
   * with a black-to-channel swatch and its label, and notes below, word-wrapped to the key's width
   * (at least {@code minWidth} pixels), so nothing is cut off.
   *
   * @param channels three labels, red first, e.g. "R = PC1 (41 % of variance)"
   */
  public static Legend rgbKey(
      String title, List<String> channels, List<String> notes, int minWidth, LegendStyle style) {
    if (channels.size() != 3) {
      throw new IllegalArgumentException("an RGB key needs 3 channel labels, got " + channels);
    }
    Fonts fonts = new Fonts(style);
    int margin = Math.round(style.fontSize() * 0.7f);
    int swatch = Math.round(style.fontSize() * 2.6f);
    int swatchHeight = Math.round(style.fontSize() * 0.9f);
    int rowHeight = Math.max(swatchHeight, fonts.label.getHeight()) + margin / 3;
    int rowsWidth = swatch + margin / 2 + maxWidth(fonts.label, channels);
    int contentWidth =
        Math.max(Math.max(minWidth - 2 * margin, rowsWidth), fonts.title.stringWidth(title));
    List<String> lines = new ArrayList<>();
    for (String note : notes) {
      lines.addAll(wrap(note, fonts.note, contentWidth));
    }
    contentWidth = Math.max(contentWidth, maxWidth(fonts.note, lines));
    int width = 2 * margin + contentWidth;
    int titleHeight = fonts.title.getHeight();
    int rowsTop = margin + titleHeight + margin / 2;
    int notesTop = rowsTop + 3 * rowHeight + margin / 2;
    int height = notesTop + lines.size() * fonts.note.getHeight() + margin;
    Raster raster = Raster.filled(width, height, style.backgroundArgb());
    int[] channelArgb = {0xFFFF0000, 0xFF00FF00, 0xFF0000FF};
    Rectangle bar = new Rectangle(margin, rowsTop, swatch, 3 * rowHeight);
    for (int c = 0; c < 3; c++) {
      int top = rowsTop + c * rowHeight + (rowHeight - swatchHeight) / 2;
      for (int i = 0; i < swatch; i++) {
        double t = (i + 0.5) / swatch;
        int argb = Pixels.over(0xFF000000, channelArgb[c], t);
        for (int y = top; y < top + swatchHeight; y++) {
          raster.argb()[y * width + margin + i] = argb;
        }
      }
    }
    int labelX = margin + swatch + margin / 2;
    Graphics2D g = Drawing.graphics(raster);
    try {
      g.setColor(Drawing.color(style.textArgb()));
      g.setFont(fonts.title.getFont());
      g.drawString(title, margin, margin + fonts.title.getAscent());
      g.setFont(fonts.label.getFont());
      for (int c = 0; c < 3; c++) {
        float middle = rowsTop + c * rowHeight + rowHeight / 2f;
        g.drawString(
            channels.get(c),
            labelX,
            middle + (fonts.label.getAscent() - fonts.label.getDescent()) / 2f);
      }
      g.setFont(fonts.note.getFont());
      for (int i = 0; i < lines.size(); i++) {
        g.drawString(
            lines.get(i), margin, notesTop + i * fonts.note.getHeight() + fonts.note.getAscent());
      }
    } finally {
      g.dispose();
    }
    return new Legend(
        raster,
        bar,
        new Rectangle(margin, margin, fonts.title.stringWidth(title), titleHeight),
        new Rectangle(labelX, rowsTop, maxWidth(fonts.label, channels), 3 * rowHeight),
        new Rectangle(
            margin, notesTop, maxWidth(fonts.note, lines), lines.size() * fonts.note.getHeight()),
        List.of());
  }

  /** {@code text} broken at spaces into lines no wider than {@code width} where words allow. */
  static List<String> wrap(String text, FontMetrics metrics, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      String candidate = line.length() == 0 ? word : line + " " + word;
      if (line.length() > 0 && metrics.stringWidth(candidate) > width) {
        lines.add(line.toString());
        line = new StringBuilder(word);
      } else {
        line = new StringBuilder(candidate);
      }
    }
    if (line.length() > 0) {
      lines.add(line.toString());
    }
    return lines;
  }

  /** A key explaining the marker styles, e.g. for exports that show markers. */
  public static Raster markerKey(List<Marker.Kind> kinds, LegendStyle style) {
    Fonts fonts = new Fonts(style);
    int margin = Math.round(style.fontSize() * 0.7f);
    int symbol = Math.round(style.fontSize() * 2.2f);
    int rowHeight = Math.max(symbol, fonts.label.getHeight()) + margin / 2;
    List<String> names = kinds.stream().map(k -> k.name().toLowerCase(Locale.ROOT)).toList();
    int width = 2 * margin + symbol + margin + maxWidth(fonts.label, names);
    int height = Math.max(1, 2 * margin + kinds.size() * rowHeight);
    Raster raster = Raster.filled(width, height, style.backgroundArgb());
    Graphics2D g = Drawing.graphics(raster);
    try {
      for (int i = 0; i < kinds.size(); i++) {
        int top = margin + i * rowHeight;
        double patch = symbol / 2.0 / 0.7 / 1.4;
        double cx = margin + symbol / 2.0;
        double cy = top + rowHeight / 2.0;
        OverlayCompositor.drawMarker(
            g,
            new Marker(kinds.get(i), 0, 0, 0),
            new Rectangle2D.Double(cx - patch / 2, cy - patch / 2, patch, patch));
        g.setFont(fonts.label.getFont());
        g.setColor(Drawing.color(style.textArgb()));
        g.drawString(
            names.get(i),
            margin + symbol + margin,
            (float) (cy + (fonts.label.getAscent() - fonts.label.getDescent()) / 2.0));
      }
    } finally {
      g.dispose();
    }
    return raster;
  }

  private static boolean hasCaps(Colormap colormap) {
    return colormap.underArgb() != colormap.entry(0)
        || colormap.overArgb() != colormap.entry(colormap.size() - 1);
  }

  private static void drawCapsVertical(
      Graphics2D g, Colormap colormap, Rectangle bar, int cap, Color outline) {
    if (cap == 0) {
      return;
    }
    int left = bar.x;
    int right = bar.x + bar.width - 1;
    int mid = bar.x + bar.width / 2;
    Polygon over =
        new Polygon(new int[] {left, right, mid}, new int[] {bar.y - 1, bar.y - 1, bar.y - cap}, 3);
    int bottom = bar.y + bar.height;
    Polygon under =
        new Polygon(new int[] {left, right, mid}, new int[] {bottom, bottom, bottom + cap - 1}, 3);
    fillCap(g, over, colormap.overArgb(), outline);
    fillCap(g, under, colormap.underArgb(), outline);
  }

  private static void drawCapsHorizontal(
      Graphics2D g, Colormap colormap, Rectangle bar, int cap, Color outline) {
    if (cap == 0) {
      return;
    }
    int top = bar.y;
    int bottom = bar.y + bar.height - 1;
    int mid = bar.y + bar.height / 2;
    Polygon under =
        new Polygon(new int[] {bar.x - 1, bar.x - 1, bar.x - cap}, new int[] {top, bottom, mid}, 3);
    int right = bar.x + bar.width;
    Polygon over =
        new Polygon(new int[] {right, right, right + cap - 1}, new int[] {top, bottom, mid}, 3);
    fillCap(g, under, colormap.underArgb(), outline);
    fillCap(g, over, colormap.overArgb(), outline);
  }

  private static void fillCap(Graphics2D g, Polygon cap, int argb, Color outline) {
    g.setColor(Drawing.color(argb));
    g.fillPolygon(cap);
    g.setColor(outline);
    g.drawPolygon(cap);
  }

  private static void fillRow(Raster raster, int x, int y, int length, int argb) {
    int offset = y * raster.width() + x;
    Arrays.fill(raster.argb(), offset, offset + length, argb);
  }

  static int maxWidth(FontMetrics metrics, List<String> texts) {
    int width = 0;
    for (String text : texts) {
      width = Math.max(width, metrics.stringWidth(text));
    }
    return width;
  }

  /** Font metrics without a target image, for layout before drawing. */
  static final class Fonts {
    final FontMetrics title;
    final FontMetrics label;
    final FontMetrics note;

    Fonts(LegendStyle style) {
      title = metrics(Drawing.boldFont(style.fontSize() * 1.1f));
      label = metrics(Drawing.font(style.fontSize()));
      note = metrics(Drawing.font(style.fontSize() * 0.85f));
    }

    static FontMetrics metrics(Font font) {
      Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB).createGraphics();
      try {
        g.setRenderingHint(
            java.awt.RenderingHints.KEY_FRACTIONALMETRICS,
            java.awt.RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        g.setRenderingHint(
            java.awt.RenderingHints.KEY_TEXT_ANTIALIASING,
            java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        return g.getFontMetrics(font);
      } finally {
        g.dispose();
      }
    }
  }
}
