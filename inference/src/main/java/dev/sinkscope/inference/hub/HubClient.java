package dev.sinkscope.inference.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.inference.hub.HubException.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
 */
public final class HubClient {
  private static final String USER_AGENT = "sinkscope/0.1; java/" + Runtime.version().feature();
  private static final int MAX_REDIRECTS = 10;

  /** Upper bound on attempts for one file even when every attempt makes some progress. */
  private static final int MAX_ATTEMPTS_PER_FILE = 50;

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final int MAX_JSON_BYTES = 32 << 20;

  /** Headroom kept free on the cache's disk beyond the download itself. */
  private static final long DISK_MARGIN_BYTES = 64L << 20;

  private final HubSettings settings;
  private final HubCache cache;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();

  public HubClient(HubSettings settings) {
    this(settings, new HubCache(settings.cacheDir()));
  }

  HubClient(HubSettings settings, HubCache cache) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.cache = Objects.requireNonNull(cache, "cache");
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
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
      return cachedModelOrThrow(id);
    }
    RepoListing listing;
    try {
      listing = listFiles(id, cancel, listener);
    } catch (HubException e) {
      Optional<Path> cached = isConnectivityProblem(e) ? completeLocal(id) : Optional.empty();
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
    return fetchModel(id, listing, new ProgressTracker(id.repoId(), listener), cancel);
  }

  /**
   * The files of a revision, from the hub's listing API ({@code
   * /api/models/{repo}/revision/{rev}}), or, on servers without that API, by probing the well-known
   * file names.
   */
  public RepoListing listFiles(String repoId, String revision) throws HubException {
    return listFiles(modelId(repoId, revision), CancelToken.create(), DownloadListener.NONE);
  }

  private RepoListing listFiles(HubModelId id, CancelToken cancel, DownloadListener listener)
      throws HubException {
    requireOnline(id, null);
    URI api =
        URI.create(
            settings.endpoint()
                + "/api/models/"
                + id.repoId()
                + "/revision/"
                + encode(id.revision(), false));
    Optional<RepoListing> listing =
        withRetries(id.repoId(), null, cancel, listener, () -> apiListing(id, api, cancel));
    return listing.isPresent() ? listing.get() : probeListing(id, cancel, listener);
  }

  private Optional<RepoListing> apiListing(HubModelId id, URI api, CancelToken cancel)
      throws Retryable, HubException {
    Exchange exchange = follow("GET", api, null, true, id, null, cancel);
    HttpResponse<ChunkedBody> response = exchange.response();
    int status = response.statusCode();
    if (status == 200) {
      byte[] body = readAll(response.body(), id, cancel);
      try {
        JsonNode root = json.readTree(body);
        String commit = root.path("sha").asText("");
        if (!RepoFiles.isSafeEtag(commit) || !root.path("siblings").isArray()) {
          return Optional.empty();
        }
        List<String> files = new ArrayList<>();
        for (JsonNode sibling : root.path("siblings")) {
          String name = sibling.path("rfilename").asText("");
          if (!name.isEmpty()) {
            files.add(name);
          }
        }
        return Optional.of(new RepoListing(id.repoId(), commit, files, true));
      } catch (IOException e) {
        return Optional.empty(); // not the hub's JSON: probe the files instead
      }
    }
    response.body().abort();
    String errorCode = response.headers().firstValue("X-Error-Code").orElse("");
    if (status == 401
        || status == 403
        || errorCode.equals("RepoNotFound")
        || errorCode.equals("RevisionNotFound")) {
      throw httpError(status, response.headers(), id, null);
    }
    if (isRetryableStatus(status)) {
      throw Retryable.status(status, api);
    }
    return Optional.empty(); // a mirror without the listing API
  }

  private RepoListing probeListing(HubModelId id, CancelToken cancel, DownloadListener listener)
      throws HubException {
    String revision = id.revision();
    String commit = null;
    List<String> present = new ArrayList<>();
    for (String name : RepoFiles.PROBED_NAMES) {
      String at = commit != null ? commit : revision;
      Optional<FileMetadata> meta =
          withRetries(id.repoId(), name, cancel, listener, () -> headOnce(id, at, name, cancel));
      if (meta.isPresent()) {
        present.add(name);
        commit = commit != null ? commit : meta.get().commit();
      } else if (commit != null) {
        rememberMissing(id.repoId(), commit, name);
      }
    }
    if (commit == null) {
      throw new HubException(
          Kind.NOT_FOUND,
          id.repoId(),
          null,
          id
              + " on "
              + settings.endpoint()
              + " has none of "
              + String.join(", ", RepoFiles.PROBED_NAMES)
              + "; it is not a model repo Sinkscope can load.");
    }
    return new RepoListing(id.repoId(), commit, present, false);
  }

  private Path fetchModel(
      HubModelId id, RepoListing listing, ProgressTracker tracker, CancelToken cancel)
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
        throw localIo(repoId, RepoFiles.SAFETENSORS_INDEX, "read", index, e);
      }
    }
    fetchWeights(id, commit, weights, tracker, cancel);
    try {
      cache.writeRef(repoId, id.revision(), commit);
    } catch (IOException e) {
      throw localIo(repoId, null, "write the ref of", cache.repoDir(repoId).resolve("refs"), e);
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
          withRetries(
                  repoId,
                  name,
                  cancel,
                  tracker.listener(),
                  () -> headOnce(id, commit, name, cancel))
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
      onDisk += partialSize(repoId, meta);
    }
    requireDiskSpace(repoId, total - onDisk);
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
        withRetries(
            repoId, name, cancel, tracker.listener(), () -> headOnce(id, commit, name, cancel));
    if (meta.isEmpty()) {
      if (!optional) {
        throw new HubException(
            Kind.NOT_FOUND, repoId, name, id + " has no file " + name + " (HTTP 404).");
      }
      rememberMissing(repoId, commit, name);
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
            tracker.startFile(name, meta.size(), partialSize(repoId, meta));
            tracker.completeWithoutTransfer();
          } else {
            fetchBlob(id, name, meta, blob, tracker, cancel);
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
      throw localIo(repoId, name, "store", pointer, e);
    }
    tracker.listener().onFileReady(repoId, name, pointer, fromCache);
    return pointer;
  }

  /**
   * Downloads a blob to its {@code .incomplete} file, resuming and retrying, verifies it and moves
   * it into place. A hash mismatch deletes the partial file and downloads once more from scratch.
   */
  private void fetchBlob(
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
                  + host(current.downloadUri())
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
        Duration wait = backoff(failureStreak);
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
                    + formatBytes(have)
                    + " on disk; resuming in "
                    + formatDuration(wait)
                    + " (retry "
                    + failureStreak
                    + " of "
                    + settings.maxRetries()
                    + ").");
        sleep(wait, cancel, repoId, name);
      }
    }
  }

  private FileMetadata refreshedMetadata(
      HubModelId id, String name, FileMetadata original, CancelToken cancel)
      throws Retryable, HubException {
    FileMetadata fresh =
        headOnce(id, original.commit(), name, cancel)
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
    Exchange exchange = follow("GET", meta.downloadUri(), range, false, id, name, cancel);
    HttpResponse<ChunkedBody> response = exchange.response();
    ChunkedBody body = response.body();
    int status = response.statusCode();
    boolean append;
    if (status == 206 && existing > 0) {
      long start = contentRangeStart(response.headers());
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
                host(exchange.uri())
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
      if (isRetryableStatus(status)) {
        throw Retryable.status(status, exchange.uri());
      }
      throw httpError(status, response.headers(), id, name);
    }

    MessageDigest sha256 =
        ContentHash.forEtag(meta.etag()) == ContentHash.SHA256 ? ContentHash.newSha256() : null;
    try {
      if (sha256 != null && append) {
        ContentHash.update(sha256, partial, existing);
      }
    } catch (IOException e) {
      body.abort();
      throw localIo(repoId, name, "read", partial, e);
    }
    StandardOpenOption mode =
        append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
    try (FileChannel out =
        FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode)) {
      while (true) {
        ByteBuffer chunk = nextChunk(body, cancel, repoId, name);
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
      throw localIo(repoId, name, "write", partial, e);
    }
    long size = sizeOrZero(partial);
    if (meta.size() >= 0 && size < meta.size()) {
      throw new Retryable(
          Kind.NETWORK, "connection ended after " + size + " of " + meta.size() + " bytes", null);
    }
    return sha256 == null ? null : ContentHash.hex(sha256.digest());
  }

  private ByteBuffer nextChunk(ChunkedBody body, CancelToken cancel, String repoId, String name)
      throws Retryable, HubException {
    try {
      return body.next(settings.readTimeout(), cancel);
    } catch (ChunkedBody.CancelledWhileReading e) {
      throw CancelToken.cancelledError(repoId, name);
    } catch (IOException e) {
      throw Retryable.of(e);
    }
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

  /** HEAD on the resolve URL. Empty when the file does not exist (HTTP 404 for the entry). */
  private Optional<FileMetadata> headOnce(
      HubModelId id, String revisionOrCommit, String name, CancelToken cancel)
      throws Retryable, HubException {
    URI resolve = resolveUri(id.repoId(), revisionOrCommit, name);
    Exchange exchange = follow("HEAD", resolve, null, true, id, name, cancel);
    HttpResponse<ChunkedBody> response = exchange.response();
    response.body().abort();
    int status = response.statusCode();
    HttpHeaders headers = response.headers();
    boolean redirect = exchange.location() != null;
    if (status / 100 != 2 && !redirect) {
      String errorCode = headers.firstValue("X-Error-Code").orElse("");
      if (status == 404
          && !errorCode.equals("RepoNotFound")
          && !errorCode.equals("RevisionNotFound")) {
        return Optional.empty();
      }
      if (isRetryableStatus(status)) {
        throw Retryable.status(status, exchange.uri());
      }
      throw httpError(status, headers, id, name);
    }
    String commit = headers.firstValue("X-Repo-Commit").orElse(null);
    String etag =
        headers
            .firstValue("X-Linked-Etag")
            .or(() -> headers.firstValue("ETag"))
            .map(HubClient::unquoteEtag)
            .orElse(null);
    if (commit == null || etag == null) {
      throw new HubException(
          Kind.BAD_RESPONSE,
          id.repoId(),
          name,
          host(exchange.uri())
              + " answered for "
              + id.repoId()
              + "/"
              + name
              + " without the "
              + (commit == null ? "X-Repo-Commit" : "ETag")
              + " header a Hugging Face hub sends; is HF_ENDPOINT ("
              + settings.endpoint()
              + ") a hub or a hub mirror?");
    }
    if (!RepoFiles.isSafeEtag(etag) || !RepoFiles.isSafeEtag(commit)) {
      throw new HubException(
          Kind.BAD_RESPONSE,
          id.repoId(),
          name,
          host(exchange.uri())
              + " sent a malformed "
              + "commit or ETag for "
              + id.repoId()
              + "/"
              + name
              + ".");
    }
    long size =
        headers
            .firstValueAsLong("X-Linked-Size")
            .orElse(redirect ? -1 : headers.firstValueAsLong("Content-Length").orElse(-1));
    URI download = redirect ? exchange.location() : exchange.uri();
    return Optional.of(
        new FileMetadata(resolveUri(id.repoId(), commit, name), commit, etag, size, download));
  }

  // ---- HTTP plumbing ----

  /**
   * A response plus the URL that produced it; {@code location} is set for a redirect not followed.
   */
  private record Exchange(HttpResponse<ChunkedBody> response, URI uri, URI location) {}

  /**
   * Sends a request, following redirects by hand: all of them, or with {@code relativeOnly} just
   * those to a path on the same host (renamed repos), so the first cross-host answer, which carries
   * the hub's metadata headers, is the one returned. The token goes only to the hub.
   */
  private Exchange follow(
      String method,
      URI start,
      String range,
      boolean relativeOnly,
      HubModelId id,
      String name,
      CancelToken cancel)
      throws Retryable, HubException {
    URI uri = start;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpResponse<ChunkedBody> response;
      try {
        response = send(method, uri, range, cancel, id.repoId(), name);
      } catch (IOException e) {
        throw Retryable.of(e);
      } catch (IllegalArgumentException e) {
        throw new HubException(
            Kind.BAD_RESPONSE, id.repoId(), name, "Cannot fetch " + uri + ": " + e.getMessage(), e);
      }
      int status = response.statusCode();
      Optional<String> location = response.headers().firstValue("Location");
      if (!isRedirect(status) || location.isEmpty()) {
        return new Exchange(response, uri, null);
      }
      response.body().abort();
      URI target;
      try {
        target = uri.resolve(URI.create(location.get().strip()));
      } catch (IllegalArgumentException e) {
        throw new HubException(
            Kind.BAD_RESPONSE,
            id.repoId(),
            name,
            host(uri) + " redirected to a malformed address: " + location.get(),
            e);
      }
      boolean relative = URI.create(location.get().strip()).getHost() == null;
      if (relativeOnly && !relative) {
        return new Exchange(response, uri, target);
      }
      uri = target;
    }
    throw new HubException(
        Kind.BAD_RESPONSE,
        id.repoId(),
        name,
        "More than " + MAX_REDIRECTS + " redirects fetching " + start + ".");
  }

  private HttpResponse<ChunkedBody> send(
      String method, URI uri, String range, CancelToken cancel, String repoId, String name)
      throws IOException, HubException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(settings.readTimeout())
            .header("User-Agent", USER_AGENT)
            .header("Accept-Encoding", "identity");
    if (sameOrigin(uri, settings.endpoint())) {
      settings.token().ifPresent(token -> request.header("Authorization", "Bearer " + token));
    }
    if (range != null) {
      request.header("Range", range);
    }
    CompletableFuture<HttpResponse<ChunkedBody>> pending =
        http.sendAsync(request.build(), ChunkedBody.handler());
    try {
      while (true) {
        if (cancel.isCancelled()) {
          abandon(pending);
          throw CancelToken.cancelledError(repoId, name);
        }
        try {
          return pending.get(100, TimeUnit.MILLISECONDS);
        } catch (TimeoutException stillWaiting) {
          // check the cancel token again
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abandon(pending);
      throw CancelToken.cancelledError(repoId, name);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException(String.valueOf(cause), cause);
    }
  }

  private static void abandon(CompletableFuture<HttpResponse<ChunkedBody>> pending) {
    pending.thenAccept(response -> response.body().abort());
    pending.cancel(true);
  }

  private byte[] readAll(ChunkedBody body, HubModelId id, CancelToken cancel)
      throws Retryable, HubException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      ByteBuffer chunk = nextChunk(body, cancel, id.repoId(), null);
      if (chunk == null) {
        return out.toByteArray();
      }
      if (out.size() + chunk.remaining() > MAX_JSON_BYTES) {
        body.abort();
        throw new HubException(
            Kind.BAD_RESPONSE,
            id.repoId(),
            null,
            "The file listing of "
                + id
                + " is larger than "
                + formatBytes(MAX_JSON_BYTES)
                + "; refusing to read it.");
      }
      byte[] bytes = new byte[chunk.remaining()];
      chunk.get(bytes);
      out.write(bytes, 0, bytes.length);
    }
  }

  private interface Attempt<T> {
    T run() throws Retryable, HubException;
  }

  /** Runs a short request, retrying failures that may pass, with exponential backoff. */
  /**
   * Runs {@code attempt} up to the retry budget; each retry is announced with its count, so a
   * failing request is not silent.
   */
  private <T> T withRetries(
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
        + formatDuration(wait)
        + ".";
  }

  private Duration backoff(int failureNumber) {
    long millis = settings.initialBackoff().toMillis() << Math.min(failureNumber - 1, 20);
    return Duration.ofMillis(
        Math.min(millis, Math.max(MAX_BACKOFF.toMillis(), settings.initialBackoff().toMillis())));
  }

  private static void sleep(Duration wait, CancelToken cancel, String repoId, String name)
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

  /** A failure worth another attempt: a connection problem, a timeout, a 5xx or 429. */
  private static final class Retryable extends Exception {
    private static final long serialVersionUID = 1L;
    private final Kind kind;

    Retryable(Kind kind, String message, Throwable cause) {
      super(message, cause);
      this.kind = kind;
    }

    static Retryable of(IOException e) {
      if (e instanceof HttpTimeoutException) {
        return new Retryable(Kind.TIMEOUT, "timed out: " + e.getMessage(), e);
      }
      if (e instanceof ConnectException) {
        return new Retryable(Kind.NETWORK, "connection refused or unreachable", e);
      }
      String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return new Retryable(Kind.NETWORK, "connection failed: " + detail, e);
    }

    static Retryable status(int status, URI uri) {
      return new Retryable(Kind.SERVER_ERROR, host(uri) + " answered HTTP " + status, null);
    }

    HubException toHubException(String repoId, String name, int attempts, HubSettings settings) {
      String what = name == null ? repoId : repoId + "/" + name;
      String advice =
          switch (kind) {
            case TIMEOUT ->
                " The server sent nothing for "
                    + formatDuration(settings.readTimeout())
                    + "; on a slow connection raise HF_HUB_DOWNLOAD_TIMEOUT (seconds).";
            case SERVER_ERROR -> " The hub seems to have trouble; try again later.";
            default ->
                " Check the network connection (and HF_ENDPOINT, now "
                    + settings.endpoint()
                    + "), or use offline mode (HF_HUB_OFFLINE=1) with models already in the cache.";
          };
      return new HubException(
          kind,
          repoId,
          name,
          "Could not download "
              + what
              + ": "
              + getMessage()
              + " (gave up after "
              + attempts
              + (attempts == 1 ? " attempt" : " attempts")
              + ")."
              + advice,
          this);
    }
  }

  private HubException httpError(int status, HttpHeaders headers, HubModelId id, String name) {
    String repoId = id.repoId();
    String errorCode = headers.firstValue("X-Error-Code").orElse("");
    String page = settings.endpoint() + "/" + repoId;
    String tokenHint =
        settings.token().isPresent()
            ? "The token from "
                + settings.tokenSource()
                + " was sent; check it is valid and has read access."
            : "No token was sent: set HF_TOKEN, or log in with `huggingface-cli login` (it writes "
                + settings.tokenFile()
                + ").";
    switch (status) {
      case 401:
        return new HubException(
            Kind.UNAUTHORIZED,
            repoId,
            name,
            "The hub refused access to "
                + repoId
                + " (HTTP 401). The repo is gated or private, or the id is misspelled. "
                + tokenHint
                + " For a gated repo, also accept its licence at "
                + page
                + ".");
      case 403:
        return new HubException(
            Kind.FORBIDDEN,
            repoId,
            name,
            "The hub denied access to "
                + repoId
                + " (HTTP 403"
                + (errorCode.isEmpty() ? "" : ", " + errorCode)
                + "). If it is gated, accept its licence at "
                + page
                + " with the account whose token is in HF_TOKEN. "
                + tokenHint);
      case 404:
        if (errorCode.equals("RepoNotFound")) {
          return new HubException(
              Kind.NOT_FOUND,
              repoId,
              null,
              "There is no model repo "
                  + repoId
                  + " on "
                  + settings.endpoint()
                  + " (HTTP 404); check the id.");
        }
        if (errorCode.equals("RevisionNotFound")) {
          return new HubException(
              Kind.NOT_FOUND,
              repoId,
              null,
              repoId
                  + " has no revision '"
                  + id.revision()
                  + "' (HTTP 404); use a branch, tag or commit that exists.");
        }
        return new HubException(
            Kind.NOT_FOUND, repoId, name, id + " has no file " + name + " (HTTP 404).");
      default:
        return new HubException(
            Kind.BAD_RESPONSE,
            repoId,
            name,
            "Unexpected HTTP "
                + status
                + " from "
                + settings.endpoint()
                + " for "
                + (name == null ? repoId : repoId + "/" + name)
                + ".");
    }
  }

  // ---- offline / cache helpers ----

  private Path cachedModelOrThrow(HubModelId id) throws HubException {
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

  private Optional<Path> completeLocal(HubModelId id) {
    return cache
        .resolveLocal(id.repoId(), id.revision())
        .filter(dir -> RepoFiles.missingForModel(dir).isEmpty());
  }

  private static boolean isConnectivityProblem(HubException e) {
    return e.kind() == Kind.NETWORK || e.kind() == Kind.TIMEOUT || e.kind() == Kind.SERVER_ERROR;
  }

  private void requireOnline(HubModelId id, String name) throws HubException {
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

  private void requireDiskSpace(String repoId, long bytesNeeded) throws HubException {
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
                + formatBytes(bytesNeeded)
                + " but only "
                + formatBytes(usable)
                + " is free in "
                + cache.root()
                + "; free some space or set HF_HUB_CACHE to a larger disk.");
      }
    } catch (IOException e) {
      // Cannot tell: go ahead, a full disk then shows up as a write error naming the file.
    }
  }

  /** Bytes a previous attempt left that can be resumed (a too-long partial file gets discarded). */
  /** Records a 404 in {@code .no_exist/} as Python does, so offline lookups know it is absent. */
  private void rememberMissing(String repoId, String commit, String name) {
    try {
      cache.markMissing(repoId, commit, name);
    } catch (IOException e) {
      // Only a shortcut for later lookups; failing to record it changes nothing now.
    }
  }

  private long partialSize(String repoId, FileMetadata meta) {
    long size = sizeOrZero(cache.incompletePath(repoId, meta.etag()));
    return meta.size() >= 0 && size > meta.size() ? 0 : size;
  }

  private static HubException localIo(
      String repoId, String name, String verb, Path path, IOException e) {
    return new HubException(
        Kind.LOCAL_IO,
        repoId,
        name,
        "Could not "
            + verb
            + " "
            + path
            + " for "
            + (name == null ? repoId : repoId + "/" + name)
            + ": "
            + e,
        e);
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

  // ---- small pure helpers ----

  private static HubModelId modelId(String repoId, String revision) throws HubException {
    try {
      return new HubModelId(repoId, revision == null ? HubModelId.DEFAULT_REVISION : revision);
    } catch (IllegalArgumentException e) {
      throw new HubException(Kind.INVALID_ARGUMENT, repoId, null, e.getMessage(), e);
    }
  }

  private URI resolveUri(String repoId, String revision, String filename) {
    return URI.create(
        settings.endpoint()
            + "/"
            + repoId
            + "/resolve/"
            + encode(revision, false)
            + "/"
            + encode(filename, true));
  }

  /** Percent-encodes for a URL path; {@code keepSlashes} for file paths, not for revisions. */
  static String encode(String text, boolean keepSlashes) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      boolean unreserved =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '.'
              || c == '_'
              || c == '~'
              || (keepSlashes && c == '/');
      if (unreserved) {
        out.append(c);
      } else {
        out.append('%')
            .append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return out.toString();
  }

  static String unquoteEtag(String raw) {
    String etag = raw.strip();
    if (etag.startsWith("W/")) {
      etag = etag.substring(2);
    }
    if (etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
      etag = etag.substring(1, etag.length() - 1);
    }
    return etag;
  }

  private static long contentRangeStart(HttpHeaders headers) {
    // "bytes 1000-1999/2000"
    String value = headers.firstValue("Content-Range").orElse("");
    try {
      String spec = value.strip().substring("bytes ".length());
      return Long.parseLong(spec.substring(0, spec.indexOf('-')).strip());
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private static boolean isRetryableStatus(int status) {
    return status == 408 || status == 429 || status >= 500;
  }

  static boolean sameOrigin(URI a, URI b) {
    return Objects.equals(lower(a.getScheme()), lower(b.getScheme()))
        && Objects.equals(lower(a.getHost()), lower(b.getHost()))
        && port(a) == port(b);
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  private static String host(URI uri) {
    return uri.getHost() == null ? String.valueOf(uri) : uri.getHost();
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

  /**
   * A size as people read it: "512 B", "1.5 kB", "4.5 GB" (decimal units, as the hub shows them).
   */
  public static String formatBytes(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  private static String formatDuration(Duration duration) {
    long millis = duration.toMillis();
    return millis < 1000 ? millis + " ms" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
