package dev.sinkscope.inference.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a hub cache the way Python's huggingface_hub leaves it, written out by hand here (not
 * through the code under test): blobs named by hash, relative symlinks from the snapshot, refs.
 */
final class PythonCacheFixture {
  private final Path repoDir;

  PythonCacheFixture(Path cacheRoot, String repoId) {
    this.repoDir = cacheRoot.resolve("models--" + repoId.replace("/", "--"));
  }

  Path repoDir() {
    return repoDir;
  }

  /** Adds a file at a commit; LFS files are named by sha256, others by git blob sha1. */
  PythonCacheFixture file(String commit, String filename, byte[] content) throws IOException {
    String etag = FakeHub.isLfs(filename) ? FakeHub.sha256(content) : FakeHub.gitBlobSha1(content);
    Path blob = repoDir.resolve("blobs").resolve(etag);
    Files.createDirectories(blob.getParent());
    Files.write(blob, content);
    Path link = repoDir.resolve("snapshots").resolve(commit).resolve(filename);
    Files.createDirectories(link.getParent());
    int depth = filename.split("/").length - 1;
    Files.createSymbolicLink(link, Path.of("../".repeat(2 + depth) + "blobs/" + etag));
    return this;
  }

  PythonCacheFixture file(String commit, String filename, String content) throws IOException {
    return file(commit, filename, content.getBytes(StandardCharsets.UTF_8));
  }

  PythonCacheFixture ref(String revision, String commit) throws IOException {
    Path ref = repoDir.resolve("refs").resolve(revision);
    Files.createDirectories(ref.getParent());
    Files.writeString(ref, commit);
    return this;
  }

  PythonCacheFixture partial(String etag, byte[] content) throws IOException {
    Path partial = repoDir.resolve("blobs").resolve(etag + ".incomplete");
    Files.createDirectories(partial.getParent());
    Files.write(partial, content);
    return this;
  }
}
