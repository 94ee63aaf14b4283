package dev.sinkscope.app;

/** Entry point of the runnable jar: no arguments opens the GUI, a subcommand runs the CLI. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("Sinkscope");
  }
}
