package dev.sinkscope.inference.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which hash an ETag promises and how to compute it. The hub's ETag is the file's sha256 for LFS
 * files (all weights) and its git blob sha1 for small files kept in git.
 */
enum ContentHash {
  SHA256,
  GIT_BLOB_SHA1,
  /** An ETag of another shape (some mirrors): only the size can be checked. */
  UNVERIFIABLE;

  private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");
  private static final Pattern HEX40 = Pattern.compile("[0-9a-fA-F]{40}");
  private static final int BUFFER = 1 << 16;

  static ContentHash forEtag(String etag) {
    if (HEX64.matcher(etag).matches()) {
      return SHA256;
    }
    if (HEX40.matcher(etag).matches()) {
      return GIT_BLOB_SHA1;
    }
    return UNVERIFIABLE;
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Feeds the first {@code length} bytes of a file into a digest (resuming a partial download). */
  static void update(MessageDigest digest, Path file, long length) throws IOException {
    byte[] buffer = new byte[BUFFER];
    long left = length;
    try (InputStream in = Files.newInputStream(file)) {
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          throw new IOException("partial download " + file + " is shorter than expected");
        }
        digest.update(buffer, 0, n);
        left -= n;
      }
    }
  }

  /** Git's object id of a file: sha1 over {@code "blob <size>\0"} followed by the content. */
  static String gitBlobSha1(Path file) throws IOException {
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-1", e);
    }
    long size = Files.size(file);
    sha1.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
    update(sha1, file, size);
    return hex(sha1.digest());
  }

  static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }

  static boolean matches(String etag, String actualHex) {
    return etag.toLowerCase(Locale.ROOT).equals(actualHex);
  }
}
