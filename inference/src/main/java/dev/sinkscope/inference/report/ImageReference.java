package dev.sinkscope.inference.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The photo a session looked at.
 *
 * @param path image file, relative to the session file's folder or absolute
 * @param sha256 SHA-256 of the file's bytes, so a changed photo is noticed
 */
public record ImageReference(String path, String sha256) {

  public ImageReference {
    Objects.requireNonNull(path, "image.path is required");
    if (!Sha256.isHex(sha256)) {
      throw new IllegalArgumentException("image.sha256 must be 64 lower-case hex digits");
    }
  }

  /** Hashes {@code file}; {@code storedPath} is how the session names it. */
  public static ImageReference of(Path file, String storedPath) throws IOException {
    return new ImageReference(storedPath, Sha256.ofFile(file));
  }
}
