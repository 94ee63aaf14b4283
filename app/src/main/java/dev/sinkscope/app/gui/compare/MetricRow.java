package dev.sinkscope.app.gui.compare;

import dev.sinkscope.app.gui.canvas.Format;

/**
 * One line of the comparison table.
 *
 * @param metric what is measured, with the block it refers to
 * @param before value of the left pass ("before" or model A)
 * @param after value of the right pass ("after" or model B)
 * @param percent whether to print the values as percentages
 */
public record MetricRow(String metric, double before, double after, boolean percent) {

  public double delta() {
    return after - before;
  }

  public String beforeText() {
    return text(before);
  }

  public String afterText() {
    return text(after);
  }

  public String deltaText() {
    double d = delta();
    if (Double.isNaN(d)) {
      return "–";
    }
    // A change is printed at the precision of the values it compares (ADR 0018): a change below
    // their
    // last shown digit is "0", not "+6.93e-08" beside "0.00389".
    String magnitude =
        percent
            ? String.format(java.util.Locale.ROOT, "%.1f pp", 100 * d)
            : before == Math.rint(before) && after == Math.rint(after)
                ? Format.number(d) // counts, blocks
                : Format.atPrecisionOf(d, Math.max(Math.abs(before), Math.abs(after)));
    if (magnitude.matches("-?0(\\.0+)?( pp)?")) {
      return percent ? "0.0 pp" : "0";
    }
    return d > 0 ? "+" + magnitude : magnitude;
  }

  private String text(double v) {
    return percent ? Format.percent(v) : Format.number(v);
  }
}
