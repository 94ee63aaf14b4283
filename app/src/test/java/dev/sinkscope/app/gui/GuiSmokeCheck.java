package dev.sinkscope.app.gui;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * Checks the real-window smoke snapshot: the colorbar is there (a gradient with distinct ends) and
 * the photo inside the model's crop is covered by a non-uniform overlay (it differs from the plain
 * photo, and the overlay colours implied by the opacity vary). Run by {@code .ci/gui-smoke.sh}:
 * {@code java -cp app/target/test-classes dev.sinkscope.app.gui.GuiSmokeCheck SNAPSHOT.png}; prints
 * one PASS or FAIL line and exits 0 or 1.
 */
public final class GuiSmokeCheck {
  static final int MIN_LEGEND_COLOURS = 16;
  static final int MIN_LEGEND_END_DISTANCE = 120;
  static final double MIN_MEAN_DIFFERENCE = 10;
  static final double MIN_OVERLAY_SPREAD = 6;

  /** The verdict and the numbers behind it. */
  public record Result(boolean pass, String message) {}

  private GuiSmokeCheck() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.out.println("GUI SMOKE FAIL: usage: GuiSmokeCheck SNAPSHOT.png");
      System.exit(1);
    }
    Result result;
    try {
      result = check(Path.of(args[0]));
    } catch (IOException | RuntimeException e) {
      result = new Result(false, "cannot read the snapshot: " + e);
    }
    System.out.println("GUI SMOKE " + (result.pass() ? "PASS" : "FAIL") + ": " + result.message());
    System.exit(result.pass() ? 0 : 1);
  }

  static Result check(Path snapshot) throws IOException {
    Path sidecar = Path.of(snapshot + ".properties");
    if (!Files.isRegularFile(snapshot) || !Files.isRegularFile(sidecar)) {
      return new Result(false, "no snapshot at " + snapshot + " (the app never showed a heatmap)");
    }
    Properties where = new Properties();
    try (InputStream in = Files.newInputStream(sidecar)) {
      where.load(in);
    }
    BufferedImage snap = ImageIO.read(snapshot.toFile());
    BufferedImage photo = ImageIO.read(Path.of(where.getProperty("photo")).toFile());
    return check(snap, photo, where);
  }

  static Result check(BufferedImage snap, BufferedImage photo, Properties where) {
    int[] bar = rect(where.getProperty("legendBar"));
    int[] picture = rect(where.getProperty("picture"));
    int[] crop = rect(where.getProperty("crop"));
    double opacity = Double.parseDouble(where.getProperty("opacity", "0.6"));

    // Colorbar: a vertical gradient down the middle of the bar.
    Set<Integer> colours = new HashSet<>();
    int x = bar[0] + bar[2] / 2;
    int top = -1;
    int bottom = -1;
    for (int y = bar[1] + 2; y < bar[1] + bar[3] - 2; y++) {
      if (inside(snap, x, y)) {
        int c = snap.getRGB(x, y) & 0xFFFFFF;
        colours.add(c);
        top = top < 0 ? c : top;
        bottom = c;
      }
    }
    int ends = top < 0 ? 0 : distance(top, bottom);
    if (colours.size() < MIN_LEGEND_COLOURS || ends < MIN_LEGEND_END_DISTANCE) {
      return new Result(
          false,
          String.format(
              Locale.ROOT,
              "no colorbar: %d colours along the bar, ends %d apart",
              colours.size(),
              ends));
    }

    // Heatmap: the crop must differ from the plain photo, by an overlay that is not one flat tint.
    double scale = picture[2] / (double) photo.getWidth();
    double sumDifference = 0;
    double sumOverlay = 0;
    double sumOverlaySquared = 0;
    int n = 0;
    for (int y = crop[1] + 3; y < crop[1] + crop[3] - 3; y += 2) {
      for (int cx = crop[0] + 3; cx < crop[0] + crop[2] - 3; cx += 2) {
        int px = (int) ((cx + 0.5 - picture[0]) / scale);
        int py = (int) ((y + 0.5 - picture[1]) / scale);
        if (!inside(snap, cx, y)
            || px < 0
            || py < 0
            || px >= photo.getWidth()
            || py >= photo.getHeight()) {
          continue;
        }
        int s = snap.getRGB(cx, y);
        int p = photo.getRGB(px, py);
        sumDifference += distance(s, p) / 3.0;
        double overlay = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
          double sc = (s >> shift) & 0xFF;
          double pc = (p >> shift) & 0xFF;
          overlay += (sc - (1 - opacity) * pc) / opacity / 3;
        }
        sumOverlay += overlay;
        sumOverlaySquared += overlay * overlay;
        n++;
      }
    }
    if (n < 100) {
      return new Result(false, "the crop holds only " + n + " sampled pixels");
    }
    double meanDifference = sumDifference / n;
    double mean = sumOverlay / n;
    double spread = Math.sqrt(Math.max(0, sumOverlaySquared / n - mean * mean));
    String numbers =
        String.format(
            Locale.ROOT,
            "colorbar %d colours (ends %d apart); crop differs from the photo by"
                + " %.1f levels on average, overlay spread %.1f over %d pixels",
            colours.size(),
            ends,
            meanDifference,
            spread,
            n);
    if (meanDifference < MIN_MEAN_DIFFERENCE) {
      return new Result(false, "no overlay on the photo: " + numbers);
    }
    if (spread < MIN_OVERLAY_SPREAD) {
      return new Result(false, "the overlay is one flat colour: " + numbers);
    }
    return new Result(
        true,
        "heatmap and colorbar on screen ("
            + where.getProperty("model", "?")
            + ", "
            + where.getProperty("caption", "?")
            + "): "
            + numbers);
  }

  private static boolean inside(BufferedImage image, int x, int y) {
    return x >= 0 && y >= 0 && x < image.getWidth() && y < image.getHeight();
  }

  private static int distance(int a, int b) {
    return Math.abs(((a >> 16) & 0xFF) - ((b >> 16) & 0xFF))
        + Math.abs(((a >> 8) & 0xFF) - ((b >> 8) & 0xFF))
        + Math.abs((a & 0xFF) - (b & 0xFF));
  }

  private static int[] rect(String text) {
    if (text == null) {
      throw new IllegalArgumentException("the snapshot's properties lack a rectangle");
    }
    String[] parts = text.split(",");
    return new int[] {
      Integer.parseInt(parts[0].trim()),
      Integer.parseInt(parts[1].trim()),
      Integer.parseInt(parts[2].trim()),
      Integer.parseInt(parts[3].trim())
    };
  }
}
