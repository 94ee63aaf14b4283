package dev.sinkscope.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.awt.geom.AffineTransform;

/**
 * The Graphics2D side of rendering: text, rings and lines, which AWT draws well and which are few
 * per picture. Graphics write straight into a raster's pixel array ({@link
 * Raster#asBufferedImage()}). Works headless.
 */
final class Drawing {

  static final Color HALO = new Color(0, 0, 0, 200);

  private Drawing() {}

  static Graphics2D graphics(Raster raster) {
    Graphics2D g = raster.asBufferedImage().createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    g.setRenderingHint(
        RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
    return g;
  }

  static Font font(float size) {
    return new Font(Font.SANS_SERIF, Font.PLAIN, 12).deriveFont(size);
  }

  static Font boldFont(float size) {
    return new Font(Font.SANS_SERIF, Font.BOLD, 12).deriveFont(size);
  }

  static Color color(int argb) {
    return new Color(argb, true);
  }

  /** Text with a dark halo, legible on any photo or heatmap colour. */
  static void textWithHalo(Graphics2D g, String text, float x, float y, Color fill) {
    FontRenderContext context = g.getFontRenderContext();
    Shape outline =
        new TextLayout(text, g.getFont(), context)
            .getOutline(AffineTransform.getTranslateInstance(x, y));
    g.setColor(HALO);
    g.setStroke(
        new BasicStroke(
            Math.max(2f, g.getFont().getSize2D() / 5f),
            BasicStroke.CAP_ROUND,
            BasicStroke.JOIN_ROUND));
    g.draw(outline);
    g.setColor(fill);
    g.fill(outline);
  }

  /**
   * A one-pixel line through the centres of the given pixels. With antialiasing on, a line at
   * integer coordinates would straddle two pixel rows and blur into both.
   */
  static void pixelLine(Graphics2D g, int x0, int y0, int x1, int y1) {
    g.setStroke(new BasicStroke(1f));
    g.draw(new java.awt.geom.Line2D.Double(x0 + 0.5, y0 + 0.5, x1 + 0.5, y1 + 0.5));
  }

  /** A one-pixel outline on the border pixels of the rectangle. */
  static void pixelRect(Graphics2D g, java.awt.Rectangle r) {
    g.setStroke(new BasicStroke(1f));
    g.draw(new java.awt.geom.Rectangle2D.Double(r.x + 0.5, r.y + 0.5, r.width - 1, r.height - 1));
  }

  /** Draws text centred horizontally on cx with its baseline at y. */
  static void centred(Graphics2D g, String text, float cx, float y) {
    FontMetrics metrics = g.getFontMetrics();
    g.drawString(text, cx - metrics.stringWidth(text) / 2f, y);
  }

  /** Shape stroked twice, dark and wide under coloured and narrow, so it stands out anywhere. */
  static void strokeWithHalo(Graphics2D g, Shape shape, Color color, float width, float[] dash) {
    g.setColor(HALO);
    g.setStroke(
        new BasicStroke(width + 2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, 0f));
    g.draw(shape);
    g.setColor(color);
    g.setStroke(
        new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, 0f));
    g.draw(shape);
  }
}
