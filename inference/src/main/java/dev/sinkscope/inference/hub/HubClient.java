package dev.sinkscope.inference.hub;

import dev.sinkscope.inference.hub.HubException.Kind;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Downloads model repos from the Hugging Face hub (or a mirror) into the shared hub cache.
 *
 * <p>Follows the hub protocol the Python client uses: a HEAD on {@code
 * {endpoint}/{repo}/resolve/{revision}/{file}} yields the commit ({@code X-Repo-Commit}), the
 * content hash ({@code X-Linked-Etag} or {@code ETag}) and size; large files answer with a redirect
 * to a CDN, which is followed by hand so the token never goes to another host. Bytes go to {@code
 * blobs/{etag}.incomplete}, resume with {@code Range} after a cut, are checked against the hash and
 * only then become {@code blobs/{etag}} with a link in {@code snapshots/{commit}/}.
 *
 * <p>Only {@code config.json}, {@code preprocessor_config.json} and safetensors weights are
 * fetched; repos that ship weights only as pickles are refused. Calls block; run them on a worker
 * thread and cancel them with a {@link CancelToken}. One instance may serve many threads.
 *
 * <p>The parts: {@link RepoLister} (which files), {@link ModelFetcher} (which of them a model
 * needs), {@link BlobTransfer} (one file's resumable, verified bytes), {@link HubTransport} (HTTP,
 * one attempt) with {@link RetryPolicy}, {@link OfflineCache} (decisions from the cache alone).
 */
public final class HubClient {
  private final HubSettings settings;
  private final HubCache cache;
  private final OfflineCache offline;
  private final RepoLister lister;
  private final ModelFetcher fetcher;

  public HubClient(HubSettings settings) {
    this(settings, new HubCache(settings.cacheDir()));
  }

  HubClient(HubSettings settings, HubCache cache) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.cache = Objects.requireNonNull(cache, "cache");
    HubTransport transport = new HubTransport(settings);
    RetryPolicy retry = new RetryPolicy(settings);
    this.offline = new OfflineCache(settings, cache);
    this.lister = new RepoLister(settings, transport, retry, offline);
    this.fetcher =
        new ModelFetcher(
            cache, transport, retry, new BlobTransfer(settings, cache, transport, retry), offline);
  }

  public HubSettings settings() {
    return settings;
  }

  public HubCache cache() {
    return cache;
  }

  /**
   * {@link #download(String, String, DownloadListener, CancelToken)} without progress or cancel.
   */
  public Path download(String repoId, String revision) throws HubException {
    return download(repoId, revision, DownloadListener.NONE, CancelToken.create());
  }

  /**
   * Makes sure the cache holds {@code config.json}, {@code preprocessor_config.json} (when the repo
   * has one) and the safetensors weights of a revision, downloading what is missing.
   *
   * <p>In offline mode only the cache is read. Online, the revision is resolved to a commit first;
   * files already cached are not downloaded again. If the hub cannot be reached but the cache has a
   * complete snapshot of the revision, that snapshot is returned with a notice.
   *
   * @return the snapshot folder ({@code snapshots/{commit}}) holding the files
   */
  public Path download(
      String repoId, String revision, DownloadListener listener, CancelToken cancel)
      throws HubException {
    HubModelId id = modelId(repoId, revision);
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(cancel, "cancel");
    if (settings.offline()) {
      return offline.cachedModelOrThrow(id);
    }
    RepoListing listing;
    try {
      listing = lister.list(id, cancel, listener);
    } catch (HubException e) {
      Optional<Path> cached =
          OfflineCache.isConnectivityProblem(e) ? offline.completeLocal(id) : Optional.empty();
      if (cached.isEmpty()) {
        throw e;
      }
      listener.onNotice(
          "Could not reach "
              + settings.endpoint()
              + " ("
              + e.getMessage()
              + "); using the cached "
              + "copy of "
              + id
              + " at "
              + cached.get()
              + ".");
      return cached.get();
    }
    return fetcher.fetchModel(id, listing, new ProgressTracker(id.repoId(), listener), cancel);
  }

  /**
   * The files of a revision, from the hub's listing API ({@code
   * /api/models/{repo}/revision/{rev}}), or, on servers without that API, by probing the well-known
   * file names.
   */
  public RepoListing listFiles(String repoId, String revision) throws HubException {
    return lister.list(modelId(repoId, revision), CancelToken.create(), DownloadListener.NONE);
  }

  private static HubModelId modelId(String repoId, String revision) throws HubException {
    try {
      return new HubModelId(repoId, revision == null ? HubModelId.DEFAULT_REVISION : revision);
    } catch (IllegalArgumentException e) {
      throw new HubException(Kind.INVALID_ARGUMENT, repoId, null, e.getMessage(), e);
    }
  }

  /** {@link HumanUnits#bytes(long)}, kept for callers outside the hub package. */
  public static String formatBytes(long bytes) {
    return HumanUnits.bytes(bytes);
  }
}
