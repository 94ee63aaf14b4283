package dev.sinkscope.render;

/**
 * Colours and text size for legends, titles and charts, so a picture matches the GUI theme or
 * prints well on white.
 *
 * @param backgroundArgb fill behind everything
 * @param textArgb text, ticks and axes
 * @param fontSize base text size in pixels; titles are a bit larger, notes a bit smaller
 */
public record LegendStyle(int backgroundArgb, int textArgb, float fontSize) {

  public static final LegendStyle LIGHT = new LegendStyle(0xFFFFFFFF, 0xFF202020, 12f);
  public static final LegendStyle DARK = new LegendStyle(0xFF1E1E1E, 0xFFE6E6E6, 12f);

  public LegendStyle {
    if (!(fontSize >= 6f && fontSize <= 96f)) {
      throw new IllegalArgumentException("font size must be in [6, 96] px, got " + fontSize);
    }
  }

  public LegendStyle withFontSize(float size) {
    return new LegendStyle(backgroundArgb, textArgb, size);
  }
}
