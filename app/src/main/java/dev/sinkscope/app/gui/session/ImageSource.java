package dev.sinkscope.app.gui.session;

import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.inference.preprocess.ImageDecoder;
import dev.sinkscope.inference.preprocess.ImageLoadException;
import dev.sinkscope.inference.preprocess.RgbImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a photo comes from: a file, bytes pasted or dropped, or a bundled photo. Decoded on the
 * inference thread.
 */
public interface ImageSource {

  RgbImage decode(ImageDecoder decoder) throws ImageLoadException, IOException;

  String displayName();

  /** The file behind it, for the recent list; empty for pasted pictures. */
  default Optional<Path> file() {
    return Optional.empty();
  }

  /**
   * A photo file.
   *
   * @param name what the window calls it: the file name, or the photo's own name when a session
   *     keeps a copy under another name
   */
  record FromFile(Path path, String name) implements ImageSource {
    public FromFile {
      path = path.toAbsolutePath().normalize();
      if (name == null || name.isBlank()) {
        Path file = path.getFileName();
        name = file == null ? path.toString() : file.toString();
      }
    }

    public FromFile(Path path) {
      this(path, null);
    }

    @Override
    public RgbImage decode(ImageDecoder decoder) throws ImageLoadException {
      return decoder.decode(path);
    }

    @Override
    public String displayName() {
      return name;
    }

    @Override
    public Optional<Path> file() {
      return Optional.of(path);
    }
  }

  /**
   * Encoded bytes (clipboard, drag-and-drop from a browser). Identity equality: each paste is a new
   * picture.
   */
  final class FromBytes implements ImageSource {
    private final String name;
    private final byte[] bytes;

    public FromBytes(String name, byte[] bytes) {
      this.name = name;
      this.bytes = bytes.clone();
    }

    @Override
    public RgbImage decode(ImageDecoder decoder) throws ImageLoadException {
      return decoder.decode(bytes, name);
    }

    /** A copy of the encoded picture (for saving it beside a session). */
    public byte[] bytes() {
      return bytes.clone();
    }

    @Override
    public String displayName() {
      return name;
    }
  }

  /** A photo shipped with the application. */
  record Bundled(String name, BundledAssets assets) implements ImageSource {
    @Override
    public RgbImage decode(ImageDecoder decoder) throws ImageLoadException, IOException {
      return decoder.decode(assets.photoBytes(name), name);
    }

    @Override
    public String displayName() {
      return name;
    }
  }
}
