package dev.sinkscope.inference.hub;

import dev.sinkscope.inference.hub.HubException.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP side of the hub protocol: requests carrying the token (to the hub only), redirects
 * followed by hand, cancellable waits, bounded reads, and the HEAD that yields a file's commit,
 * content hash and size. Each call is one attempt; {@link RetryPolicy} decides about another.
 */
final class HubTransport {
  private static final String USER_AGENT = "sinkscope/0.1; java/" + Runtime.version().feature();
  private static final int MAX_REDIRECTS = 10;
  private static final int MAX_JSON_BYTES = 32 << 20;

  private final HubSettings settings;
  private final HttpClient http;

  HubTransport(HubSettings settings) {
    this.settings = settings;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /** The hub's listing API for a revision: {@code /api/models/{repo}/revision/{rev}}. */
  URI listingUri(HubModelId id) {
    return URI.create(
        settings.endpoint()
            + "/api/models/"
            + id.repoId()
            + "/revision/"
            + encode(id.revision(), false));
  }

  /** HEAD on the resolve URL. Empty when the file does not exist (HTTP 404 for the entry). */
  Optional<FileMetadata> headOnce(
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
      throw HubErrors.http(settings, status, headers, id, name);
    }
    String commit = headers.firstValue("X-Repo-Commit").orElse(null);
    String etag =
        headers
            .firstValue("X-Linked-Etag")
            .or(() -> headers.firstValue("ETag"))
            .map(HubTransport::unquoteEtag)
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

  /**
   * A response plus the URL that produced it; {@code location} is set for a redirect not followed.
   */
  record Exchange(HttpResponse<ChunkedBody> response, URI uri, URI location) {}

  /**
   * Sends a request, following redirects by hand: all of them, or with {@code relativeOnly} just
   * those to a path on the same host (renamed repos), so the first cross-host answer, which carries
   * the hub's metadata headers, is the one returned. The token goes only to the hub.
   */
  Exchange follow(
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

  byte[] readAll(ChunkedBody body, HubModelId id, CancelToken cancel)
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
                + HumanUnits.bytes(MAX_JSON_BYTES)
                + "; refusing to read it.");
      }
      byte[] bytes = new byte[chunk.remaining()];
      chunk.get(bytes);
      out.write(bytes, 0, bytes.length);
    }
  }

  ByteBuffer nextChunk(ChunkedBody body, CancelToken cancel, String repoId, String name)
      throws Retryable, HubException {
    try {
      return body.next(settings.readTimeout(), cancel);
    } catch (ChunkedBody.CancelledWhileReading e) {
      throw CancelToken.cancelledError(repoId, name);
    } catch (IOException e) {
      throw Retryable.of(e);
    }
  }

  URI resolveUri(String repoId, String revision, String filename) {
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

  static long contentRangeStart(HttpHeaders headers) {
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

  static boolean isRetryableStatus(int status) {
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

  static String host(URI uri) {
    return uri.getHost() == null ? String.valueOf(uri) : uri.getHost();
  }
}
