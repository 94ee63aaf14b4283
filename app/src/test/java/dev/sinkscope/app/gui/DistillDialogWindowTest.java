package dev.sinkscope.app.gui;

import static dev.sinkscope.app.gui.WindowTestSupport.onFx;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.app.gui.distill.DistillDialog;
import dev.sinkscope.app.gui.distill.DistillViewModel;
import dev.sinkscope.inference.model.CheckpointReader;
import dev.sinkscope.inference.model.ModelSpec;
import java.nio.file.Path;
import java.util.Optional;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The Distill… dialog shows the batch a run will use, and follows the resolution. */
@ExtendWith(ApplicationExtension.class)
class DistillDialogWindowTest {
  static final Path FIXTURE = Path.of("..", "testdata", "fixtures", "dinov2-hf");

  @TempDir Path tmp;
  private Stage owner;

  @Start
  void start(Stage stage) {
    owner = stage;
    stage.setScene(new Scene(new StackPane(), 400, 300));
    stage.show();
  }

  @Test
  void showsTheChosenBatch() throws Exception {
    ModelSpec spec;
    try (var checkpoint = CheckpointReader.open(FIXTURE)) {
      spec = checkpoint.spec();
    }
    DistillViewModel vm =
        new DistillViewModel(
            new dev.sinkscope.app.gui.tasks.CurrentThreadTaskExecutor(),
            () -> tmp,
            FIXTURE,
            "dinov2-hf",
            tmp.resolve("student"),
            tmp.resolve("cache"));
    Stage dialog =
        onFx(
            () -> {
              vm.modelSpecProperty().set(spec);
              return DistillDialog.show(owner, vm, Optional::empty, Optional::empty, result -> {});
            });
    Label batch = onFx(() -> (Label) dialog.getScene().lookup("#distillBatch"));
    String text = onFx(batch::getText);
    assertTrue(text.startsWith("8 images per step"), text);
    assertTrue(text.contains("at 112 px"), text);
    assertTrue(onFx(() -> batch.isVisible() && batch.getHeight() > 0), "the batch is on screen");
    onFx(() -> vm.resolutionProperty().set(224));
    assertTrue(onFx(batch::getText).contains("at 224 px"), onFx(batch::getText));
    onFx(dialog::close);
  }
}
