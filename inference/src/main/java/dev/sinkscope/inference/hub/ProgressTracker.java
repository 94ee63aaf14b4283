package dev.sinkscope.inference.hub;

/**
 * Turns byte counts into throttled {@link DownloadProgress} reports with a smoothed rate. One
 * tracker spans all files of one download, so the overall total and ETA cover the whole model.
 */
final class ProgressTracker {
  private static final long REPORT_INTERVAL_NANOS = 100_000_000L;
  private static final long RATE_WINDOW_NANOS = 500_000_000L;

  /** Weight of the newest rate sample in the moving average. */
  private static final double SMOOTHING = 0.3;

  private final String repoId;
  private final DownloadListener listener;
  private long overallTotal = -1;
  private long overallDoneBeforeFile;

  private String filename;
  private long fileTotal;
  private long fileDone;
  private long lastReportNanos;

  private long rateSampleStartNanos;
  private long rateSampleStartBytes;
  private long transferredThisSession;
  private double bytesPerSecond;

  ProgressTracker(String repoId, DownloadListener listener) {
    this.repoId = repoId;
    this.listener = listener;
  }

  DownloadListener listener() {
    return listener;
  }

  /** Sets the total over all files that need fetching, and what is already on disk of them. */
  void planOverall(long totalBytes, long alreadyOnDisk) {
    overallTotal = totalBytes;
    overallDoneBeforeFile = alreadyOnDisk;
  }

  /**
   * A file starts; {@code alreadyOnDisk} is what a partial download left (also counted by
   * planOverall).
   */
  void startFile(String name, long total, long alreadyOnDisk) {
    filename = name;
    fileTotal = total;
    fileDone = alreadyOnDisk;
    if (overallTotal >= 0) {
      overallDoneBeforeFile -= alreadyOnDisk;
    }
    lastReportNanos = 0;
    rateSampleStartNanos = System.nanoTime();
    rateSampleStartBytes = transferredThisSession;
  }

  /** The server ignored a resume request and sends the file from byte 0 again. */
  void restartFile() {
    fileDone = 0;
  }

  void advance(int bytes) {
    fileDone += bytes;
    transferredThisSession += bytes;
    long now = System.nanoTime();
    long sampleAge = now - rateSampleStartNanos;
    if (sampleAge >= RATE_WINDOW_NANOS) {
      double sample = (transferredThisSession - rateSampleStartBytes) * 1e9 / sampleAge;
      bytesPerSecond =
          bytesPerSecond == 0 ? sample : SMOOTHING * sample + (1 - SMOOTHING) * bytesPerSecond;
      rateSampleStartNanos = now;
      rateSampleStartBytes = transferredThisSession;
    }
    // First chunk of a file, then at most every interval.
    if (lastReportNanos == 0 || now - lastReportNanos >= REPORT_INTERVAL_NANOS) {
      lastReportNanos = now;
      report();
    }
  }

  /** Another process finished the file while we waited for its lock: count it as done. */
  void completeWithoutTransfer() {
    if (fileTotal >= 0) {
      fileDone = fileTotal;
    }
    finishFile();
  }

  /** The file is complete (the final report always goes out). */
  void finishFile() {
    report();
    if (overallTotal >= 0) {
      overallDoneBeforeFile += fileDone;
    }
  }

  private void report() {
    long overallDone = overallTotal >= 0 ? overallDoneBeforeFile + fileDone : -1;
    listener.onProgress(
        new DownloadProgress(
            repoId, filename, fileDone, fileTotal, overallDone, overallTotal, bytesPerSecond));
  }
}
