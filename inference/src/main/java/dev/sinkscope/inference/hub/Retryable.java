package dev.sinkscope.inference.hub;

import dev.sinkscope.inference.hub.HubException.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;

/** A failure worth another attempt: a connection problem, a timeout, a 5xx or 429. */
final class Retryable extends Exception {
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
    return new Retryable(
        Kind.SERVER_ERROR, HubTransport.host(uri) + " answered HTTP " + status, null);
  }

  HubException toHubException(String repoId, String name, int attempts, HubSettings settings) {
    String what = name == null ? repoId : repoId + "/" + name;
    String advice =
        switch (kind) {
          case TIMEOUT ->
              " The server sent nothing for "
                  + HumanUnits.duration(settings.readTimeout())
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
