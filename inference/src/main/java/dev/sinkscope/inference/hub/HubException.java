package dev.sinkscope.inference.hub;

import java.util.Objects;
import java.util.Optional;

/**
 * A download or cache lookup that failed. The message is meant for the user as it is: it names the
 * repo (and file, when one is involved), the cause and, where there is one, the fix.
 */
public final class HubException extends Exception {

  /** What went wrong, so callers can react (e.g. offer a token dialog on {@link #UNAUTHORIZED}). */
  public enum Kind {
    /** The argument is not a valid repo id, revision, file name or local folder. */
    INVALID_ARGUMENT,
    /** No such repo, revision or file on the hub. */
    NOT_FOUND,
    /**
     * HTTP 401: no token or a rejected one (the hub also answers 401 for repos that do not exist).
     */
    UNAUTHORIZED,
    /** HTTP 403: typically a gated repo whose licence the token's account has not accepted. */
    FORBIDDEN,
    /** Offline mode and the cache lacks what was asked for. */
    NOT_CACHED,
    /** The repo has weights only as pickles, which are never loaded. */
    PICKLE_ONLY,
    /** The repo has no weights in a supported form at all. */
    NO_WEIGHTS,
    /** A downloaded file did not hash to what the hub announced, even after one fresh download. */
    CHECKSUM_MISMATCH,
    /** The server stopped answering within the read timeout, on every attempt. */
    TIMEOUT,
    /** Connection failures on every attempt. */
    NETWORK,
    /** The server kept answering 5xx or 429. */
    SERVER_ERROR,
    /** The server answered something the hub protocol does not allow. */
    BAD_RESPONSE,
    /** The caller cancelled. */
    CANCELLED,
    /** Not enough free disk space for the download. */
    DISK_FULL,
    /** Reading or writing the local cache failed. */
    LOCAL_IO
  }

  private static final long serialVersionUID = 1L;

  private final Kind kind;
  private final String repoId;
  private final String filename;

  public HubException(Kind kind, String repoId, String filename, String message) {
    this(kind, repoId, filename, message, null);
  }

  public HubException(Kind kind, String repoId, String filename, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.repoId = repoId;
    this.filename = filename;
  }

  public Kind kind() {
    return kind;
  }

  /** The repo id (or the model argument) this is about. */
  public String repoId() {
    return repoId;
  }

  /** The file within the repo, when the failure is about one file. */
  public Optional<String> filename() {
    return Optional.ofNullable(filename);
  }
}
