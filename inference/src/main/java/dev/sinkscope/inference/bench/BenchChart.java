package dev.sinkscope.inference.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A grouped bar chart of Java / PyTorch time ratios (lower is better for Java) with the 1.0 parity
 * line, drawn with Java2D and written as PNG. Missing values (NaN) leave a gap.
 */
public final class BenchChart {
  private static final Color[] COLORS = {
    new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7)
  };

  private BenchChart() {}

  /**
   * @param groups x categories, e.g. "ViT-S/14 224"
   * @param series bar names, one colour each
   * @param values {@code [series][group]} ratios
   */
  public static void write(
      Path file, String title, List<String> groups, List<String> series, double[][] values)
      throws IOException {
    int width = 1040;
    int height = 520;
    int left = 70;
    int right = 20;
    int top = 60;
    int bottom = 96;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      double max = 1.25;
      for (double[] row : values) {
        for (double v : row) {
          if (!Double.isNaN(v)) {
            max = Math.max(max, v * 1.1);
          }
        }
      }
      max = Math.ceil(max * 4) / 4;
      int plotW = width - left - right;
      int plotH = height - top - bottom;
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
      g.setColor(Color.BLACK);
      g.drawString(title, left, 28);

      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      FontMetrics fm = g.getFontMetrics();
      for (double tick = 0; tick <= max + 1e-9; tick += 0.25) {
        int y = top + plotH - (int) Math.round(tick / max * plotH);
        g.setColor(new Color(0xE0E0E0));
        g.drawLine(left, y, left + plotW, y);
        g.setColor(Color.DARK_GRAY);
        String label = String.format(Locale.ROOT, "%.2f", tick);
        g.drawString(label, left - 8 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
      }
      g.setColor(Color.DARK_GRAY);
      g.drawLine(left, top, left, top + plotH);
      g.drawLine(left, top + plotH, left + plotW, top + plotH);

      int groupW = plotW / Math.max(1, groups.size());
      int barW = Math.max(4, (int) (groupW * 0.8 / Math.max(1, series.size())));
      for (int gi = 0; gi < groups.size(); gi++) {
        int x0 = left + gi * groupW + (groupW - barW * series.size()) / 2;
        for (int si = 0; si < series.size(); si++) {
          double v = values[si][gi];
          if (Double.isNaN(v)) {
            continue;
          }
          int h = (int) Math.round(v / max * plotH);
          g.setColor(COLORS[si % COLORS.length]);
          g.fillRect(x0 + si * barW, top + plotH - h, barW - 2, h);
          g.setColor(Color.BLACK);
          String label = String.format(Locale.ROOT, "%.2f", v);
          g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
          FontMetrics small = g.getFontMetrics();
          g.drawString(
              label,
              x0 + si * barW + (barW - 2 - small.stringWidth(label)) / 2,
              top + plotH - h - 3);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.BLACK);
        String name = groups.get(gi);
        g.drawString(
            name, left + gi * groupW + (groupW - fm.stringWidth(name)) / 2, top + plotH + 18);
      }
      int parity = top + plotH - (int) Math.round(1.0 / max * plotH);
      g.setColor(Color.BLACK);
      g.setStroke(
          new BasicStroke(
              1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
      g.drawLine(left, parity, left + plotW, parity);
      g.setStroke(new BasicStroke(1));
      g.drawString(
          "1.0 = PyTorch eager",
          left + plotW - fm.stringWidth("1.0 = PyTorch eager") - 4,
          parity - 4);

      int lx = left;
      int ly = height - 48;
      for (int si = 0; si < series.size(); si++) {
        if (lx + 40 + fm.stringWidth(series.get(si)) > width) { // wrap the legend
          lx = left;
          ly += 22;
        }
        g.setColor(COLORS[si % COLORS.length]);
        g.fillRect(lx, ly - 10, 12, 12);
        g.setColor(Color.BLACK);
        g.drawString(series.get(si), lx + 16, ly);
        lx += 16 + fm.stringWidth(series.get(si)) + 24;
      }
      g.setColor(Color.DARK_GRAY);
      String axis = "Java time / PyTorch eager time (lower is faster)";
      g.rotate(-Math.PI / 2);
      g.drawString(axis, -(top + plotH / 2 + fm.stringWidth(axis) / 2), 16);
    } finally {
      g.dispose();
    }
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    ImageIO.write(image, "png", file.toFile());
  }
}
