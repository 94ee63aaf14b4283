package dev.sinkscope.inference.hub;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A model repo found in the hub cache, whoever downloaded it.
 *
 * @param repoId {@code org/name}
 * @param repoDir its {@code models--org--name} folder
 * @param revisions the snapshots present, newest first
 * @param blobBytes total size of the complete files in {@code blobs/}
 * @param partialBytes total size of {@code .incomplete} partial downloads in {@code blobs/}
 * @param hasSafetensorsModel whether some snapshot has config.json plus all safetensors weights
 * @param family model family as config.json states it ({@code model_type}, else timm's {@code
 *     architecture}), from the snapshot {@code main} points to, else the newest
 */
public record CachedModel(
    String repoId,
    Path repoDir,
    List<CachedRevision> revisions,
    long blobBytes,
    long partialBytes,
    boolean hasSafetensorsModel,
    Optional<String> family) {

  public CachedModel {
    revisions = List.copyOf(revisions);
  }

  /**
   * One snapshot folder of a cached repo.
   *
   * @param commit commit hash (the snapshot folder's name)
   * @param refs branch or tag names in {@code refs/} that point at it (may be empty)
   * @param snapshotDir the folder a loader opens
   * @param hasSafetensorsModel config.json plus all safetensors weights are present
   */
  public record CachedRevision(
      String commit, List<String> refs, Path snapshotDir, boolean hasSafetensorsModel) {
    public CachedRevision {
      refs = List.copyOf(refs);
    }
  }
}
