package dev.sinkscope.inference.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What an entry that should be a model file is instead, in words: a folder, a named pipe, a device,
 * a socket or a broken symbolic link. Reading a pipe or a device would block or never end, so these
 * are named and refused before anything is opened.
 */
public final class FileKinds {
  private FileKinds() {}

  /**
   * Why {@code path} is not a readable regular file although an entry of that name exists, e.g. "is
   * a named pipe (FIFO), not a regular file"; empty when it is a regular file or does not exist at
   * all.
   */
  public static Optional<String> notARegularFile(Path path) {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS) || Files.isRegularFile(path)) {
      return Optional.empty();
    }
    if (Files.isSymbolicLink(path) && !Files.exists(path)) {
      String target;
      try {
        target = Files.readSymbolicLink(path).toString();
      } catch (IOException e) {
        target = "an unreadable target";
      }
      return Optional.of(
          "is a broken symbolic link (to "
              + target
              + ", which does not exist), not a regular file");
    }
    if (Files.isDirectory(path)) {
      return Optional.of("is a folder, not a regular file");
    }
    return Optional.of("is " + special(path) + ", not a regular file");
  }

  private static String special(Path path) {
    try {
      int mode = (Integer) Files.getAttribute(path, "unix:mode");
      switch (mode & 0170000) {
        case 0010000:
          return "a named pipe (FIFO)";
        case 0020000:
          return "a character device";
        case 0060000:
          return "a block device";
        case 0140000:
          return "a socket";
        default:
          break;
      }
    } catch (IOException
        | UnsupportedOperationException
        | IllegalArgumentException
        | ClassCastException e) {
      // no unix attributes on this file system: fall through to the generic words
    }
    return "a special file (a pipe, device or socket)";
  }
}
