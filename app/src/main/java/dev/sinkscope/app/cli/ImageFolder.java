package dev.sinkscope.app.cli;

import dev.sinkscope.app.assets.BundledAssets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The photos of an {@code --images} folder: image files by extension, sorted by name, not
 * recursive.
 */
final class ImageFolder {
  static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

  private ImageFolder() {}

  /** {@code --images} value for the bundled photos. */
  static final String BUNDLED_PHOTOS = "bundled";

  /** {@code bundled} names the photos inside the jar. */
  static List<Path> list(String argument, CliContext context) throws IOException {
    Path folder =
        argument.equals(BUNDLED_PHOTOS) && !Files.isDirectory(Path.of(argument))
            ? BundledAssets.inCache(context.bundledCache()).photosFolder()
            : Path.of(argument);
    if (!Files.isDirectory(folder)) {
      throw new IOException("--images " + argument + " is not a folder");
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(folder)) {
      files = list.filter(Files::isRegularFile).filter(ImageFolder::isImageName).sorted().toList();
    }
    if (files.isEmpty()) {
      throw new IOException(
          "--images "
              + argument
              + " holds no image files ("
              + String.join(", ", EXTENSIONS.stream().sorted().toList())
              + ")");
    }
    return files;
  }

  static boolean isImageName(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }
}
