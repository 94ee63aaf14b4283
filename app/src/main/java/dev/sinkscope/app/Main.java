package dev.sinkscope.app;

import dev.sinkscope.app.cli.SinkscopeCommand;
import dev.sinkscope.app.runtime.RuntimeSettings;

/** Entry point of the runnable jar: no arguments opens the GUI, a subcommand runs the CLI. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    RuntimeSettings.applyDefaults();
    if (args.length == 0) {
      RuntimeSettings.applyDesktopThreads(Runtime.getRuntime().availableProcessors());
      dev.sinkscope.app.gui.SinkscopeApp.launchApp(args);
      return;
    }
    System.exit(SinkscopeCommand.execute(args));
  }
}
