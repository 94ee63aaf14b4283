package dev.sinkscope.app.cli;

import dev.sinkscope.inference.hub.DownloadListener;
import dev.sinkscope.inference.hub.DownloadProgress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Download progress as plain lines on stderr: at most one every two seconds per file, and at its
 * end.
 */
final class ConsoleDownloadListener implements DownloadListener {
  private static final long INTERVAL_NANOS = 2_000_000_000L;

  private final PrintWriter err;
  private String lastFile = "";
  private long lastPrint;

  ConsoleDownloadListener(PrintWriter err) {
    this.err = err;
  }

  @Override
  public void onProgress(DownloadProgress p) {
    long now = System.nanoTime();
    boolean done = p.fileBytesTotal() >= 0 && p.fileBytesDone() >= p.fileBytesTotal();
    if (p.filename().equals(lastFile) && !done && now - lastPrint < INTERVAL_NANOS) {
      return;
    }
    lastFile = p.filename();
    lastPrint = now;
    String of = p.fileBytesTotal() >= 0 ? " of " + bytes(p.fileBytesTotal()) : "";
    String percent =
        p.fileBytesTotal() > 0
            ? String.format(
                Locale.ROOT, "%3d%% ", Math.round(100.0 * p.fileBytesDone() / p.fileBytesTotal()))
            : "";
    String rate = p.bytesPerSecond() > 0 ? ", " + bytes((long) p.bytesPerSecond()) + "/s" : "";
    err.println(
        "downloading "
            + p.repoId()
            + " "
            + p.filename()
            + ": "
            + percent
            + "("
            + bytes(p.fileBytesDone())
            + of
            + rate
            + ")");
    err.flush();
  }

  @Override
  public void onFileReady(String repoId, String filename, Path path, boolean fromCache) {
    if (!fromCache) {
      err.println("downloaded " + repoId + " " + filename);
      err.flush();
    }
  }

  @Override
  public void onNotice(String message) {
    err.println("note: " + message);
    err.flush();
  }

  static String bytes(long n) {
    return dev.sinkscope.inference.hub.HubClient.formatBytes(n);
  }
}
