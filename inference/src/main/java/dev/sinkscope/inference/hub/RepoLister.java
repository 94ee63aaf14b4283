package dev.sinkscope.inference.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.inference.hub.HubException.Kind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The files of a revision, from the hub's listing API, or, on servers without that API, by probing
 * the well-known file names.
 */
final class RepoLister {
  private final HubSettings settings;
  private final HubTransport transport;
  private final RetryPolicy retry;
  private final OfflineCache offline;
  private final ObjectMapper json = new ObjectMapper();

  RepoLister(
      HubSettings settings, HubTransport transport, RetryPolicy retry, OfflineCache offline) {
    this.settings = settings;
    this.transport = transport;
    this.retry = retry;
    this.offline = offline;
  }

  /** Refused in offline mode; retries each request as the settings allow. */
  RepoListing list(HubModelId id, CancelToken cancel, DownloadListener listener)
      throws HubException {
    offline.requireOnline(id, null);
    URI api = transport.listingUri(id);
    Optional<RepoListing> listing =
        retry.run(id.repoId(), null, cancel, listener, () -> apiListing(id, api, cancel));
    return listing.isPresent() ? listing.get() : probeListing(id, cancel, listener);
  }

  private Optional<RepoListing> apiListing(HubModelId id, URI api, CancelToken cancel)
      throws Retryable, HubException {
    HubTransport.Exchange exchange = transport.follow("GET", api, null, true, id, null, cancel);
    HttpResponse<ChunkedBody> response = exchange.response();
    int status = response.statusCode();
    if (status == 200) {
      byte[] body = transport.readAll(response.body(), id, cancel);
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
      throw HubErrors.http(settings, status, response.headers(), id, null);
    }
    if (HubTransport.isRetryableStatus(status)) {
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
          retry.run(
              id.repoId(), name, cancel, listener, () -> transport.headOnce(id, at, name, cancel));
      if (meta.isPresent()) {
        present.add(name);
        commit = commit != null ? commit : meta.get().commit();
      } else if (commit != null) {
        offline.rememberMissing(id.repoId(), commit, name);
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
}
