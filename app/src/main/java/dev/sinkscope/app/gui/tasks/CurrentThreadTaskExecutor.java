package dev.sinkscope.app.gui.tasks;

/**
 * Runs every task and every UI callback at once on the calling thread (JabRef's idea of the same
 * name): deterministic presentation-model tests without a toolkit or threads.
 */
public final class CurrentThreadTaskExecutor extends LaneTaskExecutor {
  public CurrentThreadTaskExecutor() {
    super(Runnable::run, Runnable::run, Runnable::run);
  }
}
