package dev.sinkscope.app.gui;

import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.app.gui.common.FileDialogs;
import dev.sinkscope.app.gui.common.UserError;
import dev.sinkscope.app.gui.main.AppPreferences;
import dev.sinkscope.app.gui.main.MainViewModel;
import dev.sinkscope.app.gui.session.InferenceService;
import dev.sinkscope.app.gui.tasks.FxTaskExecutor;
import dev.sinkscope.app.gui.tasks.TaskExecutor;
import dev.sinkscope.app.runtime.CrashLog;
import dev.sinkscope.inference.session.ModelSession;
import java.nio.file.Path;
import java.util.Optional;
import javafx.application.Application;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.stage.Screen;
import javafx.stage.Stage;

/**
 * The desktop debugger. Starts on the bundled sink phantom and a bundled photo, unless {@code
 * -Dsinkscope.model=FOLDER} / {@code -Dsinkscope.image=FILE} say otherwise; {@code
 * -Dsinkscope.device=cpu|gpu|auto} picks the device.
 */
public final class SinkscopeApp extends Application {
  static final String STYLESHEET = "sinkscope.css";

  private MainViewModel vm;
  private TaskExecutor tasks;
  private Stage stage;

  public static void launchApp(String[] args) {
    Application.launch(SinkscopeApp.class, args);
  }

  @Override
  public void start(Stage primary) {
    this.stage = primary;
    AppPreferences prefs = AppPreferences.standard();
    // The composition root: the threads (task executor), the model opener and the presentation
    // models are made here; the window only binds to them.
    tasks = FxTaskExecutor.start();
    String device = System.getProperty("sinkscope.device", "auto");
    vm =
        new MainViewModel(
            listener ->
                new InferenceService(
                    tasks.inferenceLane(),
                    tasks.ui(),
                    folder -> ModelSession.open(folder, device),
                    listener),
            BundledAssets.standard(),
            prefs,
            tasks);
    MainView view = new MainView(vm, stage, new FileDialogs.Native());
    CrashLog.install(
        (line, error) ->
            tasks
                .ui()
                .execute(
                    () ->
                        view.errors()
                            .show(
                                new UserError(
                                    "Unexpected error", line, UserError.stackTrace(error)))));
    Scene scene = createScene(view);
    stage.setScene(scene);
    stage.titleProperty().bind(vm.titleProperty());
    stage.setMinWidth(960);
    stage.setMinHeight(640);
    restoreBounds(prefs);
    SmokeSnapshot.requested().ifPresent(target -> SmokeSnapshot.install(target, scene, view, vm));
    stage.show();
    vm.startDefault(pathProperty("sinkscope.model"), pathProperty("sinkscope.image"));
  }

  /** The scene with the application's stylesheet, shared with the tests. */
  public static Scene createScene(MainView view) {
    Scene scene = new Scene(view.root(), 1440, 900);
    scene.getStylesheets().add(SinkscopeApp.class.getResource(STYLESHEET).toExternalForm());
    return scene;
  }

  @Override
  public void stop() {
    if (vm != null) {
      saveBounds(vm.preferences());
      vm.close();
      try {
        // The window is gone; let the worker close the models (a load in progress cannot be cut
        // short).
        vm.awaitClosed(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (tasks != null) {
      tasks.close();
      try {
        tasks.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    SmokeSnapshot.exitIfFinished();
  }

  private void restoreBounds(AppPreferences prefs) {
    Optional<AppPreferences.WindowBounds> saved = prefs.windowBounds();
    if (saved.isEmpty()) {
      Rectangle2D screen = Screen.getPrimary().getVisualBounds();
      stage.setWidth(Math.min(1440, screen.getWidth()));
      stage.setHeight(Math.min(900, screen.getHeight()));
      return;
    }
    AppPreferences.WindowBounds b = saved.get();
    boolean onScreen =
        !Screen.getScreensForRectangle(b.x(), b.y(), b.width(), b.height()).isEmpty();
    if (onScreen) {
      stage.setX(b.x());
      stage.setY(b.y());
    }
    stage.setWidth(b.width());
    stage.setHeight(b.height());
    stage.setMaximized(b.maximized());
  }

  private void saveBounds(AppPreferences prefs) {
    if (stage == null || stage.getWidth() <= 0) {
      return;
    }
    prefs.setWindowBounds(
        new AppPreferences.WindowBounds(
            stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight(), stage.isMaximized()));
  }

  private static Path pathProperty(String key) {
    String v = System.getProperty(key);
    return v == null || v.isBlank() ? null : Path.of(v);
  }
}
