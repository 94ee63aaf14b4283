package dev.sinkscope.inference.hub;

/**
 * Lets another thread (a GUI cancel button, a Ctrl-C hook) stop a download. The copy loop checks it
 * between chunks and while waiting for data, so a cancel takes effect within a fraction of a second
 * and leaves only a resumable {@code .incomplete} file behind.
 */
public final class CancelToken {
  private volatile boolean cancelled;

  /** A fresh token that nobody has cancelled yet. */
  public static CancelToken create() {
    return new CancelToken();
  }

  public void cancel() {
    cancelled = true;
  }

  public boolean isCancelled() {
    return cancelled;
  }

  void throwIfCancelled(String repoId, String filename) throws HubException {
    if (cancelled) {
      throw cancelledError(repoId, filename);
    }
  }

  /** The error a cancelled (or interrupted) download ends with. */
  static HubException cancelledError(String repoId, String filename) {
    return new HubException(
        HubException.Kind.CANCELLED,
        repoId,
        filename,
        "Download of "
            + describe(repoId, filename)
            + " was cancelled; the partial file is kept so "
            + "the next download resumes where this one stopped.");
  }

  private static String describe(String repoId, String filename) {
    return filename == null ? repoId : repoId + "/" + filename;
  }
}
