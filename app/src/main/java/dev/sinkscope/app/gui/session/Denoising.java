package dev.sinkscope.app.gui.session;

/**
 * Whether a request averages the final-layer patch features over shifted and mirrored views
 * (training-free shift/flip averaging, the PH-Reg teacher; methods §5.2), and how.
 *
 * @param on whether to run it
 * @param views forward passes, the first the unshifted image
 * @param seed seed of the view choice
 */
public record Denoising(boolean on, int views, long seed) {
  public static final int DEFAULT_VIEWS = 8;
  public static final int MAX_VIEWS = 64;

  /**
   * Off; equal to every other "off", whatever views and seed were set, so they never cause a
   * re-run.
   */
  public static final Denoising OFF = new Denoising(false, DEFAULT_VIEWS, 0);

  public Denoising {
    if (views < 1 || views > MAX_VIEWS) {
      throw new IllegalArgumentException("views must be 1.." + MAX_VIEWS + ", got " + views);
    }
  }

  public static Denoising of(int views, long seed) {
    return new Denoising(true, views, seed);
  }

  /** For status lines and export metadata, e.g. "denoise:views=8,seed=0" (the CLI's wording). */
  public String spec() {
    return "denoise:views=" + views + ",seed=" + seed;
  }
}
