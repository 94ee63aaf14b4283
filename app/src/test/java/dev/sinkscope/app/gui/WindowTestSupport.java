package dev.sinkscope.app.gui;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.ScrollPane;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** Waiting on the FX thread and clicking switches in the side panel, for the window tests. */
final class WindowTestSupport {
  static final long TIMEOUT_SECONDS = 90;

  private WindowTestSupport() {}

  static <T> T onFx(Callable<T> work) throws Exception {
    return WaitForAsyncUtils.asyncFx(work).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  static void onFx(Runnable work) throws Exception {
    onFx(
        () -> {
          work.run();
          return null;
        });
  }

  static void waitUntil(String what, Callable<Boolean> conditionOnFx) throws Exception {
    try {
      WaitForAsyncUtils.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS, () -> onFx(conditionOnFx));
    } catch (TimeoutException e) {
      throw new AssertionError("timed out waiting until " + what, e);
    }
  }

  /**
   * Scrolls the side panel so the ToggleSwitch {@code switchId} is on screen, then clicks its
   * thumb.
   */
  static void flip(FxRobot robot, String switchId) throws Exception {
    Node thumb = robot.lookup(switchId + " .thumb-area").queryAs(Node.class);
    onFx(() -> scrollIntoView(thumb));
    WaitForAsyncUtils.waitForFxEvents();
    robot.clickOn(thumb);
  }

  static void scrollIntoView(Node node) {
    Node p = node.getParent();
    while (p != null && !(p instanceof ScrollPane)) {
      p = p.getParent();
    }
    if (p == null) {
      return;
    }
    ScrollPane scroll = (ScrollPane) p;
    Node content = scroll.getContent();
    Bounds inContent = content.sceneToLocal(node.localToScene(node.getBoundsInLocal()));
    double extra = content.getBoundsInLocal().getHeight() - scroll.getViewportBounds().getHeight();
    if (extra > 0) {
      scroll.setVvalue(Math.max(0, Math.min(1, (inContent.getMinY() - 40) / extra)));
    }
  }

  /** The threads the inference service runs on that are still alive. */
  static java.util.List<Thread> inferenceThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(
            t ->
                t.getName().equals(dev.sinkscope.app.gui.session.InferenceService.THREAD_NAME)
                    && t.isAlive())
        .toList();
  }
}
