package dev.sinkscope.app.gui;

import dev.sinkscope.app.gui.canvas.RenderedView;
import dev.sinkscope.app.gui.canvas.ZoomPane;
import dev.sinkscope.app.gui.main.MainViewModel;
import dev.sinkscope.render.PngExport;
import java.awt.Rectangle;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.util.Duration;
import javax.imageio.ImageIO;

/**
 * Real-window smoke mode: with {@code SINKSCOPE_SMOKE_SNAPSHOT=FILE.png} (or the system property
 * {@code sinkscope.smoke.snapshot}) the app writes a snapshot of its scene once the first heatmap
 * is on screen, plus {@code FILE.png.properties} saying where the picture, the model's crop and the
 * colorbar are, and the plain photo as {@code FILE.png-photo.png}, then exits (0; 2 on timeout; 3
 * on an error).
 */
final class SmokeSnapshot {
  static final String ENV = "SINKSCOPE_SMOKE_SNAPSHOT";
  static final String PROPERTY = "sinkscope.smoke.snapshot";
  static final Duration SETTLE = Duration.millis(1200);
  static final Duration TIMEOUT = Duration.seconds(240);

  private final Path target;
  private final Scene scene;
  private final MainView view;
  private final MainViewModel vm;
  private boolean taken;
  private static volatile int exitCode = -1;

  private SmokeSnapshot(Path target, Scene scene, MainView view, MainViewModel vm) {
    this.target = target.toAbsolutePath();
    this.scene = scene;
    this.view = view;
    this.vm = vm;
  }

  static Optional<Path> requested() {
    String p = System.getProperty(PROPERTY);
    if (p == null || p.isBlank()) {
      p = System.getenv(ENV);
    }
    return p == null || p.isBlank() ? Optional.empty() : Optional.of(Path.of(p));
  }

  static void install(Path target, Scene scene, MainView view, MainViewModel vm) {
    SmokeSnapshot smoke = new SmokeSnapshot(target, scene, view, vm);
    vm.viewer().renderedProperty().addListener((obs, old, now) -> smoke.onRendered(now));
    vm.errorProperty()
        .addListener(
            (obs, old, now) -> {
              if (now != null) {
                smoke.exit(3, "error dialog: " + now.title() + ": " + now.message());
              }
            });
    PauseTransition timeout = new PauseTransition(TIMEOUT);
    timeout.setOnFinished(e -> smoke.exit(2, "no heatmap within " + TIMEOUT.toSeconds() + " s"));
    timeout.play();
  }

  private void onRendered(RenderedView now) {
    if (taken || now == null || now.legend() == null) {
      return;
    }
    taken = true;
    PauseTransition settle = new PauseTransition(SETTLE);
    settle.setOnFinished(e -> snapshot(now));
    settle.play();
  }

  private void snapshot(RenderedView shown) {
    try {
      Files.createDirectories(target.toAbsolutePath().getParent());
      WritableImage image = scene.snapshot(null);
      ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", target.toFile());
      Path photo = Path.of(target + "-photo.png");
      PngExport.write(vm.outcomeProperty().get().image().photo(), Map.of(), photo);

      ZoomPane pane = view.canvas().zoomPane();
      int w = shown.picture().width();
      int h = shown.picture().height();
      Properties where = new Properties();
      where.setProperty("picture", rect(pane, pane.toPane(0, 0), pane.toPane(w, h)));
      Rectangle crop = vm.viewer().pass().geometry().visibleOriginalPixels();
      where.setProperty(
          "crop",
          rect(
              pane,
              pane.toPane(crop.x, crop.y),
              pane.toPane(crop.x + crop.width, crop.y + crop.height)));
      Node legend = scene.lookup("#legend");
      Rectangle bar = shown.legend().bar();
      Point2D barTopLeft = legend.localToScene(bar.x, bar.y);
      where.setProperty(
          "legendBar",
          String.format(
              Locale.ROOT,
              "%d,%d,%d,%d",
              Math.round(barTopLeft.getX()),
              Math.round(barTopLeft.getY()),
              bar.width,
              bar.height));
      where.setProperty("photo", photo.toString());
      where.setProperty("opacity", Double.toString(vm.viewer().opacityProperty().get()));
      where.setProperty("colormap", vm.viewer().colormapProperty().get());
      where.setProperty("caption", shown.caption());
      where.setProperty("model", vm.modelProperty().get().displayName());
      try (OutputStream out = Files.newOutputStream(Path.of(target + ".properties"))) {
        where.store(out, "where the smoke snapshot's parts are, in scene pixels");
      }
      exit(
          0,
          "snapshot written to "
              + target
              + " ("
              + (int) image.getWidth()
              + "x"
              + (int) image.getHeight()
              + ")");
    } catch (IOException | RuntimeException e) {
      exit(4, "cannot write the snapshot: " + e);
    }
  }

  /**
   * Scene rectangle of the pane points {@code a} and {@code b}, clipped to the pane's visible area.
   */
  private static String rect(ZoomPane pane, Point2D a, Point2D b) {
    Bounds visible = pane.localToScene(pane.getLayoutBounds());
    Point2D sa = pane.localToScene(a);
    Point2D sb = pane.localToScene(b);
    double x0 = Math.max(visible.getMinX(), sa.getX());
    double y0 = Math.max(visible.getMinY(), sa.getY());
    double x1 = Math.min(visible.getMaxX(), sb.getX());
    double y1 = Math.min(visible.getMaxY(), sb.getY());
    return String.format(
        Locale.ROOT,
        "%d,%d,%d,%d",
        Math.round(x0),
        Math.round(y0),
        Math.round(x1 - x0),
        Math.round(y1 - y0));
  }

  private void exit(int code, String message) {
    if (exitCode < 0) {
      exitCode = code;
      System.out.println("SMOKE: " + message);
      System.out.flush();
      Platform.exit();
    }
  }

  /**
   * Called last in the application's stop(): ends the JVM with the smoke result, if in smoke mode.
   */
  static void exitIfFinished() {
    if (exitCode >= 0) {
      System.exit(exitCode);
    }
  }
}
