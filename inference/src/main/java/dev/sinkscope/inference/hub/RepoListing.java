package dev.sinkscope.inference.hub;

import java.util.List;

/**
 * The files of one repo revision.
 *
 * @param repoId {@code org/name}
 * @param commit the commit hash the revision resolved to
 * @param files file paths relative to the repo root; when the server has no listing API, only the
 *     well-known names that exist
 * @param complete whether {@code files} is the full listing (false when it was probed)
 */
public record RepoListing(String repoId, String commit, List<String> files, boolean complete) {
  public RepoListing {
    files = List.copyOf(files);
  }

  public boolean contains(String filename) {
    return files.contains(filename);
  }
}
