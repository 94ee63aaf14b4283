package dev.sinkscope.inference.hub;

import java.time.Duration;
import java.util.Optional;

/**
 * One progress report. Byte counts include what an earlier, interrupted download left behind, so a
 * resumed download starts part-way; the rate counts only bytes moved in this session.
 *
 * @param repoId repo being downloaded
 * @param filename file being downloaded
 * @param fileBytesDone bytes of this file on disk
 * @param fileBytesTotal size of this file, or -1 if the server did not say
 * @param overallBytesDone bytes on disk over all files of this download that needed fetching
 * @param overallBytesTotal their total size, or -1 when not known yet
 * @param bytesPerSecond recent transfer rate (smoothed), 0 before there is a measurement
 */
public record DownloadProgress(
    String repoId,
    String filename,
    long fileBytesDone,
    long fileBytesTotal,
    long overallBytesDone,
    long overallBytesTotal,
    double bytesPerSecond) {

  /** Fraction of the whole download done, in [0, 1], or -1 when the total is unknown. */
  public double fraction() {
    long total = overallBytesTotal >= 0 ? overallBytesTotal : fileBytesTotal;
    long done = overallBytesTotal >= 0 ? overallBytesDone : fileBytesDone;
    if (total <= 0) {
      return total == 0 ? 1.0 : -1.0;
    }
    return Math.min(1.0, (double) done / total);
  }

  /** Time left at the current rate, when both the total and a rate are known. */
  public Optional<Duration> eta() {
    long total = overallBytesTotal >= 0 ? overallBytesTotal : fileBytesTotal;
    long done = overallBytesTotal >= 0 ? overallBytesDone : fileBytesDone;
    if (total < 0 || bytesPerSecond <= 0) {
      return Optional.empty();
    }
    double seconds = Math.max(0, total - done) / bytesPerSecond;
    return Optional.of(Duration.ofMillis(Math.round(seconds * 1000)));
  }
}
