package dev.sinkscope.inference.work;

import java.util.Objects;

/**
 * Announces the start of work that must never run on a UI thread: opening a model, decoding an
 * image, a forward pass, the analysis of a pass, writing an export. An observer learns the kind of
 * work and runs on the calling thread, so it can check which thread that is (the app's window tests
 * assert that none of it runs on the JavaFX thread). Without an observer this costs one volatile
 * read.
 */
public final class HeavyWork {
  /** What started. */
  public enum Kind {
    MODEL_OPEN,
    IMAGE_LOAD,
    FORWARD,
    ANALYSIS,
    EXPORT
  }

  /** Called on the thread that does the work, as it starts. */
  @FunctionalInterface
  public interface Observer {
    void started(Kind kind);
  }

  private static final Observer NONE = kind -> {};
  private static volatile Observer observer = NONE;

  private HeavyWork() {}

  /** Called at the entry points of heavy work. */
  public static void starts(Kind kind) {
    observer.started(kind);
  }

  /** Installs {@code watcher} until the returned handle is closed; one observer at a time. */
  public static synchronized AutoCloseable observe(Observer watcher) {
    Objects.requireNonNull(watcher, "watcher");
    if (observer != NONE) {
      throw new IllegalStateException("another observer is installed");
    }
    observer = watcher;
    return () -> {
      synchronized (HeavyWork.class) {
        observer = NONE;
      }
    };
  }
}
