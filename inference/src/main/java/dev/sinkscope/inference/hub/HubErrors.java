package dev.sinkscope.inference.hub;

import dev.sinkscope.inference.hub.HubException.Kind;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.nio.file.Path;

/** The messages a user reads when the hub refuses a request or the cache's disk fails. */
final class HubErrors {
  private HubErrors() {}

  /** An HTTP answer that no retry can fix, with what to check (token, licence, id, revision). */
  static HubException http(
      HubSettings settings, int status, HttpHeaders headers, HubModelId id, String name) {
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

  /** A local file that could not be read or written, named with the repo file it was for. */
  static HubException localIo(String repoId, String name, String verb, Path path, IOException e) {
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
}
