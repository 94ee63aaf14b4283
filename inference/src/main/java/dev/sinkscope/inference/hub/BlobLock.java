package dev.sinkscope.inference.hub;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps two downloads of the same blob (two windows, or the GUI and the CLI) from writing one
 * partial file at once. A JVM-wide lock guards threads of this process; a file lock in {@code
 * .locks/} guards other Sinkscope processes. Python's file locks use a different OS mechanism and
 * are not seen; a clash with Python at worst fails the hash check and re-fetches.
 */
final class BlobLock implements AutoCloseable {
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS =
      new ConcurrentHashMap<>();
  private static final long POLL_MILLIS = 200;

  private final ReentrantLock threadLock;
  private final FileChannel channel;
  private final FileLock fileLock;

  private BlobLock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
    this.threadLock = threadLock;
    this.channel = channel;
    this.fileLock = fileLock;
  }

  /** Waits for the lock, giving up when the token is cancelled. */
  static BlobLock acquire(Path lockFile, CancelToken cancel, String repoId, String filename)
      throws IOException, HubException {
    Path key = lockFile.toAbsolutePath().normalize();
    ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
    try {
      while (!threadLock.tryLock(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        cancel.throwIfCancelled(repoId, filename);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CancelToken.cancelledError(repoId, filename);
    }
    FileChannel channel = null;
    try {
      Files.createDirectories(key.getParent());
      channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock fileLock;
      while ((fileLock = tryLock(channel)) == null) {
        cancel.throwIfCancelled(repoId, filename);
        sleep(cancel, repoId, filename);
      }
      return new BlobLock(threadLock, channel, fileLock);
    } catch (IOException | HubException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      threadLock.unlock();
      throw e;
    }
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null;
    }
  }

  private static void sleep(CancelToken cancel, String repoId, String filename)
      throws HubException {
    try {
      Thread.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CancelToken.cancelledError(repoId, filename);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      fileLock.release();
      channel.close();
    } finally {
      threadLock.unlock();
    }
  }
}
