package dev.sinkscope.app.gui.hub;

import dev.sinkscope.app.gui.session.ModelLocation;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A model from the Hugging Face hub, already in the local cache: opens like a folder, but keeps the
 * repo id and the commit for titles and saved sessions.
 *
 * @param repoId {@code org/name}
 * @param commit the snapshot's commit hash
 * @param folder the snapshot folder ({@code snapshots/<commit>})
 */
public record HubModelLocation(String repoId, String commit, Path folder) implements ModelLocation {

  public HubModelLocation {
    Objects.requireNonNull(repoId, "repoId");
    Objects.requireNonNull(commit, "commit");
    folder = folder.toAbsolutePath().normalize();
  }

  /** The location of a snapshot folder {@code .../snapshots/<commit>} of {@code repoId}. */
  public static HubModelLocation ofSnapshot(String repoId, Path snapshotFolder) {
    Path name = snapshotFolder.toAbsolutePath().normalize().getFileName();
    return new HubModelLocation(repoId, name == null ? "" : name.toString(), snapshotFolder);
  }

  @Override
  public Path resolve() {
    return folder;
  }

  @Override
  public String displayName() {
    return repoId;
  }
}
