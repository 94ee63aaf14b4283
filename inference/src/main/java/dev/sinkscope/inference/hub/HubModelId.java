package dev.sinkscope.inference.hub;

import java.util.regex.Pattern;

/**
 * A model on the hub: repo id plus revision (branch, tag or commit hash), parsed from the {@code
 * org/name[@revision]} form the CLI and GUI accept.
 *
 * @param repoId {@code org/name} (or a legacy name without an org)
 * @param revision branch, tag or 40-hex commit; {@code main} by default
 */
public record HubModelId(String repoId, String revision) {

  public static final String DEFAULT_REVISION = "main";

  // Same rules as huggingface_hub's repo id check: word characters, '-' and '.', at most 96
  // per part, not starting or ending with '-' or '.', and no "--" or "..".
  private static final Pattern PART =
      Pattern.compile("[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,94}[A-Za-z0-9_])?");

  public HubModelId {
    validateRepoId(repoId);
    validateRevision(repoId, revision);
  }

  /** Parses {@code org/name} or {@code org/name@revision}; the revision may contain slashes. */
  public static HubModelId parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("model id is missing");
    }
    String trimmed = text.strip();
    int at = trimmed.indexOf('@');
    if (at < 0) {
      return new HubModelId(trimmed, DEFAULT_REVISION);
    }
    return new HubModelId(trimmed.substring(0, at), trimmed.substring(at + 1));
  }

  /** Whether {@code text} has the shape {@code org/name[@revision]} (it may still not exist). */
  public static boolean isHubIdWithOrg(String text) {
    if (text == null) {
      return false;
    }
    String id = text.strip();
    int at = id.indexOf('@');
    if (at >= 0) {
      id = id.substring(0, at);
    }
    if (id.indexOf('/') < 0) {
      return false;
    }
    try {
      parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static void validateRepoId(String repoId) {
    if (repoId == null || repoId.isEmpty()) {
      throw new IllegalArgumentException(
          "repo id is empty; expected org/name, e.g. facebook/dinov2-small");
    }
    String[] parts = repoId.split("/", -1);
    boolean ok = parts.length <= 2;
    for (String part : parts) {
      ok &= PART.matcher(part).matches() && !part.contains("--") && !part.contains("..");
    }
    if (!ok) {
      throw new IllegalArgumentException(
          "'"
              + repoId
              + "' is not a valid hub repo id; expected org/name "
              + "with letters, digits, '-', '_' or '.', e.g. facebook/dinov2-small");
    }
  }

  static void validateRevision(String repoId, String revision) {
    if (revision == null || revision.isEmpty()) {
      throw new IllegalArgumentException(
          "revision of " + repoId + " is empty; use a branch, tag or commit");
    }
    // The revision becomes a path under refs/, so it must not climb out of it.
    for (String segment : revision.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "'" + revision + "' is not a valid revision of " + repoId);
      }
    }
    if (revision.contains("\\") || revision.chars().anyMatch(c -> c < 0x20)) {
      throw new IllegalArgumentException("'" + revision + "' is not a valid revision of " + repoId);
    }
  }

  @Override
  public String toString() {
    return DEFAULT_REVISION.equals(revision) ? repoId : repoId + "@" + revision;
  }
}
