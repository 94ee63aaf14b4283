package dev.sinkscope.inference.hub;

import dev.sinkscope.inference.hub.HubException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Fetches the files of a listed revision that a model needs: {@code config.json}, {@code
 * preprocessor_config.json} when present, and the safetensors weights (one file or the shards of an
 * index), refusing pickle-only repos; each file is linked into {@code snapshots/{commit}/} as
 * Python's client does.
 */
final class ModelFetcher {
  private final HubCache cache;
  private final HubTransport transport;
  private final RetryPolicy retry;
  private final BlobTransfer transfer;
  private final OfflineCache offline;

  ModelFetcher(
      HubCache cache,
      HubTransport transport,
      RetryPolicy retry,
      BlobTransfer transfer,
      OfflineCache offline) {
    this.cache = cache;
    this.transport = transport;
    this.retry = retry;
    this.transfer = transfer;
    this.offline = offline;
  }

  /**
   * Makes the snapshot of {@code listing.commit()} hold what a model needs, downloading what the
   * cache lacks, and points the revision's ref at that commit.
   *
   * @return the snapshot folder
   */
  Path fetchModel(HubModelId id, RepoListing listing, ProgressTracker tracker, CancelToken cancel)
      throws HubException {
    String commit = listing.commit();
    String repoId = id.repoId();
    if (!listing.contains(RepoFiles.CONFIG)) {
      throw new HubException(
          Kind.NOT_FOUND,
          repoId,
          RepoFiles.CONFIG,
          id
              + " has no "
              + RepoFiles.CONFIG
              + ", so it is not a transformers or timm model repo Sinkscope can load.");
    }
    boolean single = listing.contains(RepoFiles.SAFETENSORS);
    if (!single && !listing.contains(RepoFiles.SAFETENSORS_INDEX)) {
      List<String> pickles = RepoFiles.pickles(listing.files());
      if (!pickles.isEmpty()) {
        throw new HubException(
            Kind.PICKLE_ONLY,
            repoId,
            pickles.get(0),
            id
                + " has only pickle weights ("
                + String.join(", ", pickles)
                + "); Sinkscope never unpickles. Convert to safetensors or pick a repo "
                + "revision that has "
                + RepoFiles.SAFETENSORS
                + " (the hub's conversion bot often offers one as a pull "
                + "request, usable as revision refs/pr/N).");
      }
      throw new HubException(
          Kind.NO_WEIGHTS,
          repoId,
          RepoFiles.SAFETENSORS,
          id
              + " has neither "
              + RepoFiles.SAFETENSORS
              + " nor "
              + RepoFiles.SAFETENSORS_INDEX
              + " at its top level"
              + (listing.complete() ? "; it has: " + summarize(listing.files()) : "")
              + ".");
    }

    fetchSmallFile(id, commit, RepoFiles.CONFIG, false, tracker, cancel);
    if (listing.contains(RepoFiles.PREPROCESSOR_CONFIG)) {
      fetchSmallFile(id, commit, RepoFiles.PREPROCESSOR_CONFIG, true, tracker, cancel);
    }
    List<String> weights;
    if (single) {
      weights = List.of(RepoFiles.SAFETENSORS);
    } else {
      Path index =
          fetchSmallFile(id, commit, RepoFiles.SAFETENSORS_INDEX, false, tracker, cancel)
              .orElseThrow();
      try {
        weights = RepoFiles.shardsOf(repoId, Files.readAllBytes(index));
      } catch (IOException e) {
        throw HubErrors.localIo(repoId, RepoFiles.SAFETENSORS_INDEX, "read", index, e);
      }
    }
    fetchWeights(id, commit, weights, tracker, cancel);
    try {
      cache.writeRef(repoId, id.revision(), commit);
    } catch (IOException e) {
      throw HubErrors.localIo(
          repoId, null, "write the ref of", cache.repoDir(repoId).resolve("refs"), e);
    }
    return cache.snapshotDir(repoId, commit);
  }

  private void fetchWeights(
      HubModelId id,
      String commit,
      List<String> weights,
      ProgressTracker tracker,
      CancelToken cancel)
      throws HubException {
    String repoId = id.repoId();
    List<String> names = new ArrayList<>();
    List<FileMetadata> needed = new ArrayList<>();
    for (String name : weights) {
      Path pointer = cache.pointerPath(repoId, commit, name);
      if (Files.isRegularFile(pointer)) {
        tracker.listener().onFileReady(repoId, name, pointer, true);
        continue;
      }
      FileMetadata meta =
          retry
              .run(
                  repoId,
                  name,
                  cancel,
                  tracker.listener(),
                  () -> transport.headOnce(id, commit, name, cancel))
              .orElseThrow(
                  () ->
                      new HubException(
                          Kind.NOT_FOUND,
                          repoId,
                          name,
                          id + " lists " + name + " but the hub has no such file (HTTP 404)."));
      if (Files.isRegularFile(cache.blobPath(repoId, meta.etag()))) {
        materialize(id, name, meta, tracker, cancel);
      } else {
        names.add(name);
        needed.add(meta);
      }
    }
    long total = 0;
    long onDisk = 0;
    for (FileMetadata meta : needed) {
      total = total < 0 || meta.size() < 0 ? -1 : total + meta.size();
      onDisk += transfer.partialSize(repoId, meta);
    }
    offline.requireDiskSpace(repoId, total - onDisk);
    tracker.planOverall(total, total < 0 ? 0 : onDisk);
    for (int i = 0; i < needed.size(); i++) {
      materialize(id, names.get(i), needed.get(i), tracker, cancel);
    }
  }

  /** config.json and friends: HEAD, then download unless cached. Empty when optional and absent. */
  private Optional<Path> fetchSmallFile(
      HubModelId id,
      String commit,
      String name,
      boolean optional,
      ProgressTracker tracker,
      CancelToken cancel)
      throws HubException {
    String repoId = id.repoId();
    Path pointer = cache.pointerPath(repoId, commit, name);
    if (Files.isRegularFile(pointer)) {
      tracker.listener().onFileReady(repoId, name, pointer, true);
      return Optional.of(pointer);
    }
    if (optional && cache.isKnownMissing(repoId, commit, name)) {
      return Optional.empty();
    }
    Optional<FileMetadata> meta =
        retry.run(
            repoId,
            name,
            cancel,
            tracker.listener(),
            () -> transport.headOnce(id, commit, name, cancel));
    if (meta.isEmpty()) {
      if (!optional) {
        throw new HubException(
            Kind.NOT_FOUND, repoId, name, id + " has no file " + name + " (HTTP 404).");
      }
      offline.rememberMissing(repoId, commit, name);
      return Optional.empty();
    }
    return Optional.of(materialize(id, name, meta.get(), tracker, cancel));
  }

  /** Gets the blob (downloading it under a lock unless present) and links it into the snapshot. */
  private Path materialize(
      HubModelId id, String name, FileMetadata meta, ProgressTracker tracker, CancelToken cancel)
      throws HubException {
    String repoId = id.repoId();
    Path pointer = cache.pointerPath(repoId, meta.commit(), name);
    Path blob = cache.blobPath(repoId, meta.etag());
    boolean fromCache = true;
    try {
      if (!Files.isRegularFile(blob)) {
        BlobLock lock = BlobLock.acquire(cache.lockPath(repoId, meta.etag()), cancel, repoId, name);
        try {
          if (Files.isRegularFile(blob)) { // another process finished it while we waited
            tracker.startFile(name, meta.size(), transfer.partialSize(repoId, meta));
            tracker.completeWithoutTransfer();
          } else {
            transfer.fetchBlob(id, name, meta, blob, tracker, cancel);
            fromCache = false;
          }
        } finally {
          lock.close();
        }
      }
      if (!cache.linkIntoSnapshot(blob, pointer)) {
        tracker
            .listener()
            .onNotice(
                "Symbolic links are not available in "
                    + cache.root()
                    + "; "
                    + name
                    + " was linked or copied into the snapshot instead.");
      }
    } catch (IOException e) {
      throw HubErrors.localIo(repoId, name, "store", pointer, e);
    }
    tracker.listener().onFileReady(repoId, name, pointer, fromCache);
    return pointer;
  }

  private static String summarize(List<String> files) {
    Iterator<String> it = files.stream().sorted().iterator();
    StringBuilder out = new StringBuilder();
    int shown = 0;
    while (it.hasNext() && shown < 10) {
      out.append(shown++ == 0 ? "" : ", ").append(it.next());
    }
    if (files.size() > shown) {
      out.append(", … (").append(files.size() - shown).append(" more)");
    }
    return files.isEmpty() ? "no files" : out.toString();
  }
}
