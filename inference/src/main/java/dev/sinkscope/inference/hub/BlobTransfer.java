package dev.sinkscope.inference.hub;

import dev.sinkscope.inference.hub.HubException.Kind;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Locale;

/**
 * One blob's bytes: written to {@code blobs/{etag}.incomplete}, resumed with {@code Range} after a
 * cut, retried with backoff, checked against the content hash and only then moved into place.
 */
final class BlobTransfer {
  /** Upper bound on attempts for one file even when every attempt makes some progress. */
  private static final int MAX_ATTEMPTS_PER_FILE = 50;

  private final HubSettings settings;
  private final HubCache cache;
  private final HubTransport transport;
  private final RetryPolicy retry;

  BlobTransfer(HubSettings settings, HubCache cache, HubTransport transport, RetryPolicy retry) {
    this.settings = settings;
    this.cache = cache;
    this.transport = transport;
    this.retry = retry;
  }

  /**
   * Downloads a blob to its {@code .incomplete} file, resuming and retrying, verifies it and moves
   * it into place. A hash mismatch deletes the partial file and downloads once more from scratch.
   */
  void fetchBlob(
      HubModelId id,
      String name,
      FileMetadata meta,
      Path blob,
      ProgressTracker tracker,
      CancelToken cancel)
      throws HubException, IOException {
    String repoId = id.repoId();
    Path partial = cache.incompletePath(repoId, meta.etag());
    Files.createDirectories(partial.getParent());
    if (meta.size() >= 0 && Files.exists(partial) && Files.size(partial) > meta.size()) {
      Files.delete(partial); // longer than the file can be: not a prefix of it
    }
    tracker.startFile(name, meta.size(), partialSize(repoId, meta));

    FileMetadata current = meta;
    boolean refetchedAfterMismatch = false;
    int failureStreak = 0;
    for (int attempt = 1; ; attempt++) {
      cancel.throwIfCancelled(repoId, name);
      long[] received = {0};
      try {
        if (attempt > 1) {
          current = refreshedMetadata(id, name, meta, cancel); // signed CDN links expire
        }
        String sha256 = transferOnce(id, name, current, partial, tracker, received, cancel);
        String problem = verify(meta, partial, sha256);
        if (problem == null) {
          cache.promoteToBlob(partial, blob);
          tracker.finishFile();
          return;
        }
        Files.deleteIfExists(partial);
        if (refetchedAfterMismatch) {
          throw new HubException(
              Kind.CHECKSUM_MISMATCH,
              repoId,
              name,
              "Download of "
                  + repoId
                  + "/"
                  + name
                  + " is corrupt twice in a row ("
                  + problem
                  + "); the bad file was deleted. Something between you and "
                  + HubTransport.host(current.downloadUri())
                  + " is altering data; try again later or another HF_ENDPOINT mirror.");
        }
        refetchedAfterMismatch = true;
        tracker.restartFile();
        tracker
            .listener()
            .onNotice(
                repoId
                    + "/"
                    + name
                    + " failed its integrity check ("
                    + problem
                    + "); deleted it and downloading it once more.");
      } catch (Retryable failure) {
        failureStreak = received[0] > 0 ? 1 : failureStreak + 1;
        if (failureStreak > settings.maxRetries() || attempt >= MAX_ATTEMPTS_PER_FILE) {
          throw failure.toHubException(repoId, name, attempt, settings);
        }
        Duration wait = retry.backoff(failureStreak);
        long have = Files.exists(partial) ? Files.size(partial) : 0;
        tracker
            .listener()
            .onNotice(
                "Download of "
                    + repoId
                    + "/"
                    + name
                    + " interrupted ("
                    + failure.getMessage()
                    + ") with "
                    + HumanUnits.bytes(have)
                    + " on disk; resuming in "
                    + HumanUnits.duration(wait)
                    + " (retry "
                    + failureStreak
                    + " of "
                    + settings.maxRetries()
                    + ").");
        RetryPolicy.sleep(wait, cancel, repoId, name);
      }
    }
  }

  private FileMetadata refreshedMetadata(
      HubModelId id, String name, FileMetadata original, CancelToken cancel)
      throws Retryable, HubException {
    FileMetadata fresh =
        transport
            .headOnce(id, original.commit(), name, cancel)
            .orElseThrow(
                () ->
                    new HubException(
                        Kind.NOT_FOUND,
                        id.repoId(),
                        name,
                        id.repoId()
                            + "/"
                            + name
                            + " disappeared from the hub during the download (HTTP 404)."));
    if (!fresh.etag().equals(original.etag())) {
      throw new HubException(
          Kind.BAD_RESPONSE,
          id.repoId(),
          name,
          "The hub changed the content hash of "
              + id.repoId()
              + "/"
              + name
              + " at commit "
              + original.commit()
              + " during the download ("
              + original.etag()
              + " → "
              + fresh.etag()
              + ").");
    }
    return fresh;
  }

  /**
   * One GET of the file, appending to the partial file when the server honours {@code Range}.
   *
   * @return the sha256 of the whole partial file when the ETag is one, else null
   */
  private String transferOnce(
      HubModelId id,
      String name,
      FileMetadata meta,
      Path partial,
      ProgressTracker tracker,
      long[] received,
      CancelToken cancel)
      throws Retryable, HubException {
    String repoId = id.repoId();
    long existing = sizeOrZero(partial);
    String range = existing > 0 ? "bytes=" + existing + "-" : null;
    HubTransport.Exchange exchange =
        transport.follow("GET", meta.downloadUri(), range, false, id, name, cancel);
    HttpResponse<ChunkedBody> response = exchange.response();
    ChunkedBody body = response.body();
    int status = response.statusCode();
    boolean append;
    if (status == 206 && existing > 0) {
      long start = HubTransport.contentRangeStart(response.headers());
      if (start != existing) {
        body.abort();
        deleteQuietly(partial);
        tracker.restartFile();
        throw new Retryable(
            Kind.BAD_RESPONSE, "server resumed at byte " + start + " instead of " + existing, null);
      }
      append = true;
    } else if (status == 200) {
      append = false;
      if (existing > 0) {
        tracker
            .listener()
            .onNotice(
                HubTransport.host(exchange.uri())
                    + " ignored the resume request for "
                    + name
                    + "; downloading it from the start.");
        tracker.restartFile();
      }
    } else if (status == 416) {
      body.abort();
      deleteQuietly(partial);
      tracker.restartFile();
      throw new Retryable(Kind.BAD_RESPONSE, "server rejected resuming at byte " + existing, null);
    } else {
      body.abort();
      if (HubTransport.isRetryableStatus(status)) {
        throw Retryable.status(status, exchange.uri());
      }
      throw HubErrors.http(settings, status, response.headers(), id, name);
    }

    MessageDigest sha256 =
        ContentHash.forEtag(meta.etag()) == ContentHash.SHA256 ? ContentHash.newSha256() : null;
    try {
      if (sha256 != null && append) {
        ContentHash.update(sha256, partial, existing);
      }
    } catch (IOException e) {
      body.abort();
      throw HubErrors.localIo(repoId, name, "read", partial, e);
    }
    StandardOpenOption mode =
        append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
    try (FileChannel out =
        FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode)) {
      while (true) {
        ByteBuffer chunk = transport.nextChunk(body, cancel, repoId, name);
        if (chunk == null) {
          break;
        }
        int n = chunk.remaining();
        if (sha256 != null) {
          sha256.update(chunk.duplicate());
        }
        while (chunk.hasRemaining()) {
          out.write(chunk);
        }
        received[0] += n;
        tracker.advance(n);
      }
    } catch (IOException e) {
      body.abort();
      throw HubErrors.localIo(repoId, name, "write", partial, e);
    }
    long size = sizeOrZero(partial);
    if (meta.size() >= 0 && size < meta.size()) {
      throw new Retryable(
          Kind.NETWORK, "connection ended after " + size + " of " + meta.size() + " bytes", null);
    }
    return sha256 == null ? null : ContentHash.hex(sha256.digest());
  }

  /** Null when the partial file is the announced file, else what is wrong with it. */
  private static String verify(FileMetadata meta, Path partial, String sha256) throws IOException {
    long size = Files.size(partial);
    if (meta.size() >= 0 && size != meta.size()) {
      return "got " + size + " bytes, expected " + meta.size();
    }
    switch (ContentHash.forEtag(meta.etag())) {
      case SHA256:
        return ContentHash.matches(meta.etag(), sha256)
            ? null
            : "sha256 is " + sha256 + ", expected " + meta.etag().toLowerCase(Locale.ROOT);
      case GIT_BLOB_SHA1:
        String sha1 = ContentHash.gitBlobSha1(partial);
        return ContentHash.matches(meta.etag(), sha1)
            ? null
            : "git blob sha1 is " + sha1 + ", expected " + meta.etag().toLowerCase(Locale.ROOT);
      default:
        return null;
    }
  }

  /** Bytes a previous attempt left that can be resumed (a too-long partial file gets discarded). */
  long partialSize(String repoId, FileMetadata meta) {
    long size = sizeOrZero(cache.incompletePath(repoId, meta.etag()));
    return meta.size() >= 0 && size > meta.size() ? 0 : size;
  }

  private static long sizeOrZero(Path path) {
    try {
      return Files.exists(path) ? Files.size(path) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // The next attempt truncates it anyway.
    }
  }
}
