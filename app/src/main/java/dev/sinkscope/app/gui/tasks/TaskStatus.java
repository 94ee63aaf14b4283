package dev.sinkscope.app.gui.tasks;

import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * The one running / progress / cancel / error state of the window: every shown task and the running
 * pass are an {@link Activity} here, the newest on top. The status bar shows the top activity's
 * message and progress, its Cancel (and Esc) stops the top cancellable activity, and the latest
 * failure of any task is published once. Lives on the UI thread.
 */
public final class TaskStatus {

  /**
   * A failed task.
   *
   * @param title the task's title
   * @param error what it threw
   */
  public record Failure(String title, Throwable error) {}

  /** Something that runs and shows in the status bar until {@link #end()}. UI thread only. */
  public final class Activity {
    private final String title;
    private final Runnable cancel;
    private String message;
    private double fraction = -1;
    private boolean ended;

    private Activity(String title, Runnable cancel) {
      this.title = title;
      this.cancel = cancel;
      this.message = title;
    }

    public String title() {
      return title;
    }

    /** Shows what runs now; {@code fraction} in [0, 1], or negative while unknown. */
    public void update(double fraction, String message) {
      this.fraction = fraction;
      this.message = message;
      refresh();
    }

    /** Asks it to stop (nothing happens for one that cannot be cancelled). */
    public void cancel() {
      if (cancel != null && !ended) {
        cancel.run();
      }
    }

    public boolean cancellable() {
      return cancel != null;
    }

    /** It ended (finished, failed or stopped); it leaves the status bar. Idempotent. */
    public void end() {
      if (!ended) {
        ended = true;
        running.remove(this);
        refresh();
      }
    }

    public boolean ended() {
      return ended;
    }
  }

  private final List<Activity> running = new ArrayList<>();
  private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "running");
  private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
  private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", 0);
  private final ReadOnlyBooleanWrapper cancellable =
      new ReadOnlyBooleanWrapper(this, "cancellable");
  private final ReadOnlyObjectWrapper<Failure> failure =
      new ReadOnlyObjectWrapper<>(this, "failure");

  /**
   * Something starts (UI thread).
   *
   * @param cancel how to stop it, or null when it cannot be stopped
   */
  public Activity begin(String title, Runnable cancel) {
    Activity a = new Activity(title, cancel);
    running.add(a);
    refresh();
    return a;
  }

  /** Stops the newest cancellable activity; false when nothing could be cancelled. */
  public boolean cancel() {
    for (int i = running.size() - 1; i >= 0; i--) {
      Activity a = running.get(i);
      if (a.cancellable()) {
        a.cancel();
        return true;
      }
    }
    return false;
  }

  /** Publishes a failure (a new object each time, so every one is seen). */
  public void failed(String title, Throwable error) {
    failure.set(new Failure(title, error));
  }

  /** Whether anything runs. */
  public ReadOnlyBooleanProperty runningProperty() {
    return busy.getReadOnlyProperty();
  }

  /** The newest activity's message, or "" when nothing runs. */
  public ReadOnlyStringProperty messageProperty() {
    return message.getReadOnlyProperty();
  }

  /** The newest activity's done share, negative while unknown, 0 when nothing runs. */
  public ReadOnlyDoubleProperty progressProperty() {
    return progress.getReadOnlyProperty();
  }

  /** Whether Cancel / Esc has something to stop. */
  public ReadOnlyBooleanProperty cancellableProperty() {
    return cancellable.getReadOnlyProperty();
  }

  /** The latest failure of a task. */
  public ReadOnlyObjectProperty<Failure> failureProperty() {
    return failure.getReadOnlyProperty();
  }

  /** The titles of what runs, oldest first (tests, the status bar's tooltip). */
  public List<String> titles() {
    return running.stream().map(Activity::title).toList();
  }

  private void refresh() {
    Activity top = running.isEmpty() ? null : running.get(running.size() - 1);
    // the message last, so a listener on it sees the progress that goes with it
    progress.set(top == null ? 0 : top.fraction);
    cancellable.set(running.stream().anyMatch(Activity::cancellable));
    busy.set(top != null);
    message.set(top == null ? "" : top.message);
  }
}
