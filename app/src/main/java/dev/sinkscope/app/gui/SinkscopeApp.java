package dev.sinkscope.app.gui;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;

/** The desktop debugger. */
public final class SinkscopeApp extends Application {

  public static void launchApp(String[] args) {
    Application.launch(SinkscopeApp.class, args);
  }

  @Override
  public void start(Stage stage) {
    stage.setTitle("Sinkscope");
    stage.setScene(new Scene(new Label("Sinkscope"), 800, 600));
    stage.show();
  }
}
