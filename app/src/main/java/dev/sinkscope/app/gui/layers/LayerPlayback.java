package dev.sinkscope.app.gui.layers;

import dev.sinkscope.app.gui.canvas.ViewerViewModel;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.util.Duration;

/**
 * Plays through the blocks, one step per tick, wrapping at the end; stopping leaves the block where
 * it is.
 */
public final class LayerPlayback {
  static final Duration STEP = Duration.millis(700);

  private final BooleanProperty playing = new SimpleBooleanProperty(this, "playing", false);
  private final Timeline timeline;

  public LayerPlayback(ViewerViewModel vm) {
    timeline = new Timeline(new KeyFrame(STEP, e -> vm.advanceBlockWrapping()));
    timeline.setCycleCount(Animation.INDEFINITE);
    playing.addListener(
        (obs, was, now) -> {
          if (now) {
            timeline.play();
          } else {
            timeline.stop();
          }
        });
  }

  public BooleanProperty playingProperty() {
    return playing;
  }

  public void toggle() {
    playing.set(!playing.get());
  }
}
