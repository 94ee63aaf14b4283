package dev.sinkscope.inference.hub;

import java.nio.file.Path;

/**
 * Receives download events, on the downloading thread (a GUI hands them to its own thread). All
 * methods default to doing nothing, so implement only what you show.
 */
public interface DownloadListener {

  /** Ignores everything. */
  DownloadListener NONE = new DownloadListener() {};

  /** Called when bytes arrive, at most about ten times a second per file, and once at its end. */
  default void onProgress(DownloadProgress progress) {}

  /** A file is in place in the snapshot folder; {@code fromCache} when nothing was downloaded. */
  default void onFileReady(String repoId, String filename, Path path, boolean fromCache) {}

  /** Something worth a line in a log or status bar: a retry, a resume, a fallback. */
  default void onNotice(String message) {}
}
