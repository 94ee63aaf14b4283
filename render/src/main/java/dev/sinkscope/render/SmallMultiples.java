package dev.sinkscope.render;

import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Panels in a titled grid: all heads of a layer, or all layers of one quantity. Grids drawn
 * together always share one scale and one legend, so a colour means the same value in every panel.
 */
public final class SmallMultiples {

  /** One titled picture in the grid. */
  public record Panel(String title, Raster image) {
    public Panel {
      Objects.requireNonNull(title, "title");
      Objects.requireNonNull(image, "image");
    }
  }

  /**
   * Panel size, columns and look for {@link #ofGrids}.
   *
   * @param columns panels per row; the last row may be shorter
   * @param legendMaxWidth the colour bar's title and notes wrap to stay within this many pixels (0:
   *     no limit)
   */
  public record Layout(
      int panelWidth,
      int panelHeight,
      int columns,
      Upsampling upsampling,
      LegendStyle style,
      int legendMaxWidth) {
    public Layout {
      if (panelWidth <= 0 || panelHeight <= 0 || columns <= 0) {
        throw new IllegalArgumentException("panel size and columns must be positive");
      }
      if (legendMaxWidth < 0) {
        throw new IllegalArgumentException("legendMaxWidth must be 0 or positive");
      }
      Objects.requireNonNull(upsampling, "upsampling");
      Objects.requireNonNull(style, "style");
    }

    public Layout(
        int panelWidth, int panelHeight, int columns, Upsampling upsampling, LegendStyle style) {
      this(panelWidth, panelHeight, columns, upsampling, style, 0);
    }
  }

  private SmallMultiples() {}

  /**
   * Renders each grid as a heatmap with the one given scale, titles above, and a colorbar on the
   * right. NaN patches show the background through (the colormap's default bad colour).
   *
   * @param heading figure title above everything, or empty for none
   */
  public static Raster ofGrids(
      String heading,
      List<String> titles,
      List<ScalarGrid> grids,
      Colormap colormap,
      Scale scale,
      String quantity,
      String unit,
      Layout layout) {
    if (titles.size() != grids.size()) {
      throw new IllegalArgumentException(titles.size() + " titles for " + grids.size() + " grids");
    }
    List<Panel> panels = new ArrayList<>(grids.size());
    for (int i = 0; i < grids.size(); i++) {
      Raster panel =
          Raster.filled(layout.panelWidth(), layout.panelHeight(), layout.style().backgroundArgb());
      HeatmapRenderer.drawScalar(
          panel,
          PreprocessGeometry.identity(layout.panelWidth(), layout.panelHeight()),
          grids.get(i),
          colormap,
          scale,
          layout.upsampling(),
          1.0);
      panels.add(new Panel(titles.get(i), panel));
    }
    int rows = (grids.size() + layout.columns() - 1) / layout.columns();
    int barLength = Math.max(64, Math.min(400, rows * layout.panelHeight()));
    Raster legend =
        LegendRenderer.colorbar(
                colormap,
                scale,
                quantity,
                unit,
                LegendRenderer.Orientation.VERTICAL,
                barLength,
                layout.legendMaxWidth(),
                layout.style())
            .raster();
    return arrange(heading, panels, layout.columns(), legend, layout.style());
  }

  /** All layers of one quantity with a shared scale, titled "layer 0", "layer 1", ... */
  public static Raster layerStrip(
      String heading,
      List<ScalarGrid> layers,
      Colormap colormap,
      Scale scale,
      String quantity,
      String unit,
      Layout layout) {
    return ofGrids(
        heading, numbered("layer", layers.size()), layers, colormap, scale, quantity, unit, layout);
  }

  /** All heads of one layer with a shared scale, titled "head 0", "head 1", ... */
  public static Raster heads(
      String heading,
      List<ScalarGrid> heads,
      Colormap colormap,
      Scale scale,
      String quantity,
      String unit,
      Layout layout) {
    return ofGrids(
        heading, numbered("head", heads.size()), heads, colormap, scale, quantity, unit, layout);
  }

  static List<String> numbered(String prefix, int count) {
    List<String> titles = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      titles.add(prefix + " " + i);
    }
    return titles;
  }

  /** Panels in rows of {@code columns}, each titled above, with no legend. */
  public static Raster arrange(String heading, List<Panel> panels, int columns, LegendStyle style) {
    return arrange(heading, panels, columns, null, style);
  }

  /**
   * Panels in rows of {@code columns}, each titled above; cells are as large as the largest panel
   * and smaller panels are centred. A legend, if given, sits right of the grid.
   */
  public static Raster arrange(
      String heading, List<Panel> panels, int columns, Raster legend, LegendStyle style) {
    if (panels.isEmpty()) {
      throw new IllegalArgumentException("no panels to arrange");
    }
    if (columns <= 0) {
      throw new IllegalArgumentException("columns must be positive, got " + columns);
    }
    columns = Math.min(columns, panels.size());
    LegendRenderer.Fonts fonts = new LegendRenderer.Fonts(style);
    int gap = Math.round(style.fontSize() * 0.6f);
    int margin = gap;
    int cellWidth = 0;
    int cellHeight = 0;
    for (Panel panel : panels) {
      cellWidth = Math.max(cellWidth, panel.image().width());
      cellHeight = Math.max(cellHeight, panel.image().height());
    }
    int titleHeight = fonts.label.getHeight() + 2;
    int rows = (panels.size() + columns - 1) / columns;
    int gridWidth = columns * cellWidth + (columns - 1) * gap;
    int gridHeight = rows * (titleHeight + cellHeight) + (rows - 1) * gap;
    int width = 2 * margin + gridWidth + (legend == null ? 0 : gap + legend.width());
    // a heading wider than the panels and legend wraps rather than widening the picture
    List<String> headingLines =
        heading == null || heading.isEmpty()
            ? List.of()
            : LegendRenderer.wrap(heading, fonts.title, width - 2 * margin);
    int headingHeight =
        headingLines.isEmpty() ? 0 : headingLines.size() * fonts.title.getHeight() + gap;
    width = Math.max(width, 2 * margin + LegendRenderer.maxWidth(fonts.title, headingLines));
    int height =
        2 * margin + headingHeight + Math.max(gridHeight, legend == null ? 0 : legend.height());

    Raster canvas = Raster.filled(width, height, style.backgroundArgb());
    int top = margin + headingHeight;
    int[] panelX = new int[panels.size()];
    int[] panelY = new int[panels.size()];
    for (int i = 0; i < panels.size(); i++) {
      Raster image = panels.get(i).image();
      int cellX = margin + (i % columns) * (cellWidth + gap);
      int cellY = top + (i / columns) * (titleHeight + cellHeight + gap);
      panelX[i] = cellX + (cellWidth - image.width()) / 2;
      panelY[i] = cellY + titleHeight + (cellHeight - image.height()) / 2;
      canvas.paste(image, panelX[i], panelY[i]);
    }
    if (legend != null) {
      canvas.paste(
          legend, margin + gridWidth + gap, top + Math.max(0, (gridHeight - legend.height()) / 2));
    }
    Graphics2D g = Drawing.graphics(canvas);
    try {
      g.setColor(Drawing.color(style.textArgb()));
      g.setFont(fonts.title.getFont());
      for (int i = 0; i < headingLines.size(); i++) {
        g.drawString(
            headingLines.get(i),
            margin,
            margin + i * fonts.title.getHeight() + fonts.title.getAscent());
      }
      for (int i = 0; i < panels.size(); i++) {
        int cellX = margin + (i % columns) * (cellWidth + gap);
        int cellY = top + (i / columns) * (titleHeight + cellHeight + gap);
        // a smaller font down to MIN_TITLE_SCALE before an ellipsis
        FontMetrics titleFont = titleFont(panels.get(i).title(), fonts.label, cellWidth);
        g.setFont(titleFont.getFont());
        String title = fitted(panels.get(i).title(), titleFont, cellWidth);
        Drawing.centred(g, title, cellX + cellWidth / 2f, cellY + fonts.label.getAscent());
      }
    } finally {
      g.dispose();
    }
    return canvas;
  }

  /** Smallest panel-title font, as a share of the style's label font. */
  static final float MIN_TITLE_SCALE = 0.75f;

  /** {@code label}'s font, or a smaller one (down to {@link #MIN_TITLE_SCALE}) that fits. */
  static FontMetrics titleFont(String text, FontMetrics label, int width) {
    FontMetrics metrics = label;
    float size = label.getFont().getSize2D();
    float min = size * MIN_TITLE_SCALE;
    while (metrics.stringWidth(text) > width && size > min) {
      size = Math.max(min, size - 0.5f);
      metrics = LegendRenderer.Fonts.metrics(label.getFont().deriveFont(size));
    }
    return metrics;
  }

  /** The text, shortened with an ellipsis until it fits the width. */
  static String fitted(String text, FontMetrics metrics, int width) {
    if (metrics.stringWidth(text) <= width) {
      return text;
    }
    String shortened = text;
    while (!shortened.isEmpty() && metrics.stringWidth(shortened + "...") > width) {
      shortened = shortened.substring(0, shortened.length() - 1);
    }
    return shortened + "...";
  }
}
