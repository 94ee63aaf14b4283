package dev.sinkscope.inference.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The Hugging Face hub cache on disk, in exactly the layout the Python {@code huggingface_hub}
 * library reads and writes, so models downloaded by either are found by both:
 *
 * <pre>
 * {root}/models--{org}--{name}/
 *   blobs/{etag}                  file contents; etag = sha256 (LFS files) or git blob sha1
 *   blobs/{etag}.incomplete       a partial download, resumable
 *   snapshots/{commit}/{filename} relative symlink to ../../blobs/{etag} (a copy where links fail)
 *   refs/{revision}               the commit hash a branch or tag pointed to, no newline
 *   .no_exist/{commit}/{filename} empty marker: the file does not exist at that commit
 * {root}/.locks/models--{org}--{name}/{etag}.lock
 * </pre>
 */
public final class HubCache {
  private static final String MODEL_PREFIX = "models--";
  private static final String SEPARATOR = "--";
  private static final String INCOMPLETE_SUFFIX = ".incomplete";

  private final Path root;
  private final boolean trySymlinks;

  public HubCache(Path root) {
    this(root, true);
  }

  /**
   * {@code trySymlinks=false} forces the no-symlink fallback (tests, file systems without links).
   */
  HubCache(Path root, boolean trySymlinks) {
    this.root = root.toAbsolutePath().normalize();
    this.trySymlinks = trySymlinks;
  }

  public Path root() {
    return root;
  }

  /** {@code org/name} → {@code models--org--name}. */
  public static String repoFolderName(String repoId) {
    return MODEL_PREFIX + repoId.replace("/", SEPARATOR);
  }

  public Path repoDir(String repoId) {
    return root.resolve(repoFolderName(repoId));
  }

  /**
   * The commit a revision stands for according to the cache: {@code refs/{revision}} if present,
   * else the revision itself when it is a commit hash with a snapshot folder.
   */
  public Optional<String> resolveCommit(String repoId, String revision) {
    Path repoDir = repoDir(repoId);
    Path ref = repoDir.resolve("refs").resolve(revision);
    if (Files.isRegularFile(ref)) {
      try {
        String commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
        if (!commit.isEmpty()) {
          return Optional.of(commit);
        }
      } catch (IOException e) {
        // An unreadable ref is treated as absent; the caller then downloads or reports it missing.
      }
    }
    if (RepoFiles.isCommitHash(revision)
        && Files.isDirectory(repoDir.resolve("snapshots").resolve(revision))) {
      return Optional.of(revision);
    }
    return Optional.empty();
  }

  /**
   * The snapshot folder for a revision, if the cache has one. No network. The folder may lack
   * files; {@link ModelLocator} checks that it holds a loadable model.
   */
  public Optional<Path> resolveLocal(String repoId, String revision) {
    return resolveCommit(repoId, revision)
        .map(commit -> snapshotDir(repoId, commit))
        .filter(Files::isDirectory);
  }

  /**
   * The snapshot folder of a revision when it holds a loadable model (config.json plus every
   * safetensors weight file); no network. The "Open from hub" list marks such repos as cached.
   */
  public Optional<Path> completeSnapshot(String repoId, String revision) {
    return resolveLocal(repoId, revision).filter(dir -> RepoFiles.missingForModel(dir).isEmpty());
  }

  /** A file of a cached revision, if present (a dangling symlink counts as absent). */
  public Optional<Path> cachedFile(String repoId, String revision, String filename) {
    return resolveLocal(repoId, revision)
        .map(dir -> dir.resolve(filename))
        .filter(Files::isRegularFile);
  }

  /** Whether a download recorded that {@code filename} does not exist at {@code commit}. */
  public boolean isKnownMissing(String repoId, String commit, String filename) {
    return Files.exists(repoDir(repoId).resolve(".no_exist").resolve(commit).resolve(filename));
  }

  /**
   * Every model repo in the cache, sorted by repo id; an absent cache folder gives an empty list.
   */
  public List<CachedModel> listCached() throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<CachedModel> models = new ArrayList<>();
    try (DirectoryStream<Path> repos = Files.newDirectoryStream(root, MODEL_PREFIX + "*")) {
      for (Path repoDir : repos) {
        if (Files.isDirectory(repoDir)) {
          models.add(describe(repoDir));
        }
      }
    }
    models.sort(Comparator.comparing(CachedModel::repoId));
    return models;
  }

  private CachedModel describe(Path repoDir) throws IOException {
    String repoId =
        repoDir.getFileName().toString().substring(MODEL_PREFIX.length()).replace(SEPARATOR, "/");
    Map<String, List<String>> refsByCommit = readRefs(repoDir.resolve("refs"));

    List<CachedModel.CachedRevision> revisions = new ArrayList<>();
    Path snapshots = repoDir.resolve("snapshots");
    if (Files.isDirectory(snapshots)) {
      List<Path> dirs;
      try (Stream<Path> list = Files.list(snapshots)) {
        dirs =
            list.filter(Files::isDirectory)
                .sorted(Comparator.comparing(HubCache::lastModified).reversed())
                .toList();
      }
      for (Path dir : dirs) {
        String commit = dir.getFileName().toString();
        revisions.add(
            new CachedModel.CachedRevision(
                commit,
                refsByCommit.getOrDefault(commit, List.of()),
                dir,
                RepoFiles.missingForModel(dir).isEmpty()));
      }
    }

    long blobBytes = 0;
    long partialBytes = 0;
    Path blobs = repoDir.resolve("blobs");
    if (Files.isDirectory(blobs)) {
      try (Stream<Path> list = Files.list(blobs)) {
        for (Path blob : (Iterable<Path>) list::iterator) {
          if (Files.isRegularFile(blob, LinkOption.NOFOLLOW_LINKS)) {
            long size = Files.size(blob);
            if (blob.getFileName().toString().endsWith(INCOMPLETE_SUFFIX)) {
              partialBytes += size;
            } else {
              blobBytes += size;
            }
          }
        }
      }
    }

    Optional<CachedModel.CachedRevision> preferred =
        revisions.stream()
            .filter(r -> r.refs().contains(HubModelId.DEFAULT_REVISION))
            .findFirst()
            .or(() -> revisions.stream().findFirst());
    Optional<String> family = preferred.flatMap(r -> RepoFiles.familyOf(r.snapshotDir()));
    boolean hasModel = revisions.stream().anyMatch(CachedModel.CachedRevision::hasSafetensorsModel);
    return new CachedModel(repoId, repoDir, revisions, blobBytes, partialBytes, hasModel, family);
  }

  private static Map<String, List<String>> readRefs(Path refsDir) throws IOException {
    Map<String, List<String>> byCommit = new HashMap<>();
    if (!Files.isDirectory(refsDir)) {
      return byCommit;
    }
    // Refs may be nested (refs/pr/1), hence the walk.
    try (Stream<Path> walk = Files.walk(refsDir)) {
      for (Path ref : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        String name = refsDir.relativize(ref).toString().replace('\\', '/');
        String commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
        byCommit.computeIfAbsent(commit, c -> new ArrayList<>()).add(name);
      }
    }
    byCommit.values().forEach(names -> names.sort(null));
    return byCommit;
  }

  private static FileTime lastModified(Path path) {
    try {
      return Files.getLastModifiedTime(path);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  // ---- write side, used by HubClient ----

  Path snapshotDir(String repoId, String commit) {
    return repoDir(repoId).resolve("snapshots").resolve(commit);
  }

  Path pointerPath(String repoId, String commit, String filename) {
    return snapshotDir(repoId, commit).resolve(filename);
  }

  Path blobPath(String repoId, String etag) {
    return repoDir(repoId).resolve("blobs").resolve(etag);
  }

  Path incompletePath(String repoId, String etag) {
    return repoDir(repoId).resolve("blobs").resolve(etag + INCOMPLETE_SUFFIX);
  }

  Path lockPath(String repoId, String etag) {
    return root.resolve(".locks").resolve(repoFolderName(repoId)).resolve(etag + ".lock");
  }

  /** Records which commit a branch or tag points to; a commit hash needs no ref. */
  void writeRef(String repoId, String revision, String commit) throws IOException {
    if (revision.equals(commit)) {
      return;
    }
    Path ref = repoDir(repoId).resolve("refs").resolve(revision);
    if (Files.isRegularFile(ref)
        && Files.readString(ref, StandardCharsets.UTF_8).strip().equals(commit)) {
      return;
    }
    Files.createDirectories(ref.getParent());
    // Write then rename, so a reader never sees a half-written hash.
    Path temp = Files.createTempFile(ref.getParent(), ".ref", ".tmp");
    try {
      Files.writeString(temp, commit, StandardCharsets.UTF_8);
      moveReplacing(temp, ref);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  void markMissing(String repoId, String commit, String filename) throws IOException {
    Path marker = repoDir(repoId).resolve(".no_exist").resolve(commit).resolve(filename);
    Files.createDirectories(marker.getParent());
    if (!Files.exists(marker)) {
      Files.createFile(marker);
    }
  }

  /** Moves a verified partial download into place as the blob. */
  void promoteToBlob(Path partial, Path blob) throws IOException {
    moveReplacing(partial, blob);
  }

  /**
   * Makes {@code snapshots/{commit}/{filename}} point at the blob: a relative symlink as Python
   * makes it; where symlinks are not allowed, a hard link; failing that, a copy. The entry is built
   * under a temporary name and renamed into place, so concurrent downloads of the same file never
   * see a missing or half-copied entry.
   *
   * @return false when it had to fall back from a symlink
   */
  boolean linkIntoSnapshot(Path blob, Path pointer) throws IOException {
    Path dir = pointer.getParent();
    Files.createDirectories(dir);
    Path target = dir.relativize(blob);
    if (Files.isSymbolicLink(pointer) && Files.readSymbolicLink(pointer).equals(target)) {
      return true;
    }
    Path temp = dir.resolve("." + pointer.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      if (trySymlinks) {
        try {
          Files.createSymbolicLink(temp, target);
          moveReplacing(temp, pointer);
          return true;
        } catch (UnsupportedOperationException | FileSystemException e) {
          // e.g. Windows without developer mode: fall through to a hard link or copy.
          Files.deleteIfExists(temp);
        }
      }
      try {
        Files.createLink(temp, blob);
      } catch (UnsupportedOperationException | FileSystemException e) {
        Files.deleteIfExists(temp);
        Files.copy(blob, temp);
      }
      moveReplacing(temp, pointer);
      return false;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void moveReplacing(Path source, Path target) throws IOException {
    try {
      Files.move(
          source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
