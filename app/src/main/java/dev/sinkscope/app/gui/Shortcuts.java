package dev.sinkscope.app.gui;

import java.util.List;

/** The keyboard shortcuts, listed once for the help overlay and the menus' tooltips. */
public final class Shortcuts {
  private Shortcuts() {}

  /** One shortcut. */
  public record Shortcut(String keys, String action) {}

  public static final List<Shortcut> ALL =
      List.of(
          new Shortcut("← / →", "previous / next block"),
          new Shortcut("↑ / ↓", "previous / next head choice (mean, max, head 0, 1, …)"),
          new Shortcut("Space", "play through the blocks / pause"),
          new Shortcut(
              "1 … 7",
              "show norm, attention received, CLS attention, rollout, PCA, attends to, attended by"),
          new Shortcut("C", "toggle the comparison"),
          new Shortcut("Ctrl+E", "export the view as PNG (with metadata)"),
          new Shortcut("Ctrl+Shift+E", "export the comparison as PNG"),
          new Shortcut("Ctrl+M", "export the metrics (JSON or CSV)"),
          new Shortcut("Ctrl+O / Ctrl+I", "open a model folder / an image"),
          new Shortcut("Ctrl+Shift+O", "open a model from the Hugging Face hub"),
          new Shortcut("Ctrl+S", "save the session (open it again from the File menu)"),
          new Shortcut("Ctrl+V", "paste an image"),
          new Shortcut("0 / + / −", "fit / zoom in / zoom out (wheel zooms, drag pans)"),
          new Shortcut("Click", "select a patch: what it attends to and what attends to it"),
          new Shortcut("Esc", "close help, cancel a run, or clear the selection"),
          new Shortcut("F5", "run again (after a cancel)"),
          new Shortcut("F9", "hide / show the side panels (more room for the picture)"),
          new Shortcut("F1 or ?", "this help"));
}
