package dev.sinkscope.inference.hub;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Retries of failures that may pass ({@link Retryable}), with exponential backoff and notices. */
final class RetryPolicy {
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final HubSettings settings;

  RetryPolicy(HubSettings settings) {
    this.settings = settings;
  }

  /** One try of a request. */
  interface Attempt<T> {
    T run() throws Retryable, HubException;
  }

  /**
   * Runs a short request up to the retry budget; each retry is announced with its count, so a
   * failing request is not silent.
   */
  <T> T run(
      String repoId, String name, CancelToken cancel, DownloadListener listener, Attempt<T> attempt)
      throws HubException {
    for (int tries = 1; ; tries++) {
      cancel.throwIfCancelled(repoId, name);
      try {
        return attempt.run();
      } catch (Retryable failure) {
        if (tries > settings.maxRetries()) {
          throw failure.toHubException(repoId, name, tries, settings);
        }
        Duration wait = backoff(tries);
        listener.onNotice(
            retryNotice(repoId, name, failure.getMessage(), wait, tries, settings.maxRetries()));
        sleep(wait, cancel, repoId, name);
      }
    }
  }

  /** E.g. "Asking the hub about org/model/config.json failed (HTTP 500); retry 1 of 3 in 2 s." */
  static String retryNotice(
      String repoId, String name, String problem, Duration wait, int retry, int of) {
    return "Asking the hub about "
        + repoId
        + (name == null ? "" : "/" + name)
        + " failed ("
        + problem
        + "); retry "
        + retry
        + " of "
        + of
        + " in "
        + HumanUnits.duration(wait)
        + ".";
  }

  Duration backoff(int failureNumber) {
    long millis = settings.initialBackoff().toMillis() << Math.min(failureNumber - 1, 20);
    return Duration.ofMillis(
        Math.min(millis, Math.max(MAX_BACKOFF.toMillis(), settings.initialBackoff().toMillis())));
  }

  /** Waits, checking the cancel token every 100 ms. */
  static void sleep(Duration wait, CancelToken cancel, String repoId, String name)
      throws HubException {
    long deadline = System.nanoTime() + wait.toNanos();
    try {
      while (true) {
        cancel.throwIfCancelled(repoId, name);
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 100));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CancelToken.cancelledError(repoId, name);
    }
  }
}
