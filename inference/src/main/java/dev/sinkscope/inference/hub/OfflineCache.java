package dev.sinkscope.inference.hub;

import dev.sinkscope.inference.hub.HubException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the client decides from the cache alone: offline mode, the cached copy used when the hub
 * cannot be reached, files known to be absent, and whether the cache's disk has room.
 */
final class OfflineCache {
  /** Headroom kept free on the cache's disk beyond the download itself. */
  private static final long DISK_MARGIN_BYTES = 64L << 20;

  private final HubSettings settings;
  private final HubCache cache;

  OfflineCache(HubSettings settings, HubCache cache) {
    this.settings = settings;
    this.cache = cache;
  }

  Path cachedModelOrThrow(HubModelId id) throws HubException {
    Optional<Path> snapshot = cache.resolveLocal(id.repoId(), id.revision());
    if (snapshot.isEmpty()) {
      throw new HubException(
          Kind.NOT_CACHED,
          id.repoId(),
          null,
          "Offline mode is on (HF_HUB_OFFLINE or the offline "
              + "option) and "
              + id
              + " is not in the Hugging Face cache at "
              + cache.root()
              + ". Download it once while "
              + "online, or point HF_HUB_CACHE at the cache that has it.");
    }
    List<String> missing = RepoFiles.missingForModel(snapshot.get());
    if (!missing.isEmpty()) {
      throw new HubException(
          Kind.NOT_CACHED,
          id.repoId(),
          missing.get(0),
          "Offline mode is on (HF_HUB_OFFLINE or "
              + "the offline option) and the cached snapshot of "
              + id
              + " at "
              + snapshot.get()
              + " lacks "
              + String.join(", ", missing)
              + ". Download it once while online.");
    }
    return snapshot.get();
  }

  Optional<Path> completeLocal(HubModelId id) {
    return cache
        .resolveLocal(id.repoId(), id.revision())
        .filter(dir -> RepoFiles.missingForModel(dir).isEmpty());
  }

  static boolean isConnectivityProblem(HubException e) {
    return e.kind() == Kind.NETWORK || e.kind() == Kind.TIMEOUT || e.kind() == Kind.SERVER_ERROR;
  }

  void requireOnline(HubModelId id, String name) throws HubException {
    if (settings.offline()) {
      throw new HubException(
          Kind.NOT_CACHED,
          id.repoId(),
          name,
          "Offline mode is on (HF_HUB_OFFLINE or the offline "
              + "option); not contacting "
              + settings.endpoint()
              + " for "
              + id
              + ".");
    }
  }

  void requireDiskSpace(String repoId, long bytesNeeded) throws HubException {
    if (bytesNeeded <= 0) {
      return;
    }
    try {
      Path dir = cache.repoDir(repoId).resolve("blobs");
      Files.createDirectories(dir);
      long usable = Files.getFileStore(dir).getUsableSpace();
      if (usable < bytesNeeded + DISK_MARGIN_BYTES) {
        throw new HubException(
            Kind.DISK_FULL,
            repoId,
            null,
            "Downloading "
                + repoId
                + " needs "
                + HumanUnits.bytes(bytesNeeded)
                + " but only "
                + HumanUnits.bytes(usable)
                + " is free in "
                + cache.root()
                + "; free some space or set HF_HUB_CACHE to a larger disk.");
      }
    } catch (IOException e) {
      // Cannot tell: go ahead, a full disk then shows up as a write error naming the file.
    }
  }

  /** Records a 404 in {@code .no_exist/} as Python does, so offline lookups know it is absent. */
  void rememberMissing(String repoId, String commit, String name) {
    try {
      cache.markMissing(repoId, commit, name);
    } catch (IOException e) {
      // Only a shortcut for later lookups; failing to record it changes nothing now.
    }
  }
}
