package dev.sinkscope.app.gui.session;

import dev.sinkscope.app.assets.BundledAssets;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a model folder comes from. Resolving may do I/O (a bundled model is extracted to the cache
 * on first use), so it happens on the inference thread.
 */
public interface ModelLocation {

  /** The model folder, ready to open. */
  Path resolve() throws IOException;

  /** Name for titles and menus. */
  String displayName();

  /** A folder on disk. */
  record Folder(Path path) implements ModelLocation {
    public Folder {
      path = path.toAbsolutePath().normalize();
    }

    @Override
    public Path resolve() {
      return path;
    }

    @Override
    public String displayName() {
      Path name = path.getFileName();
      return name == null ? path.toString() : name.toString();
    }
  }

  /** A model bundled with the application, extracted to the per-user cache when first opened. */
  record Bundled(String name, BundledAssets assets) implements ModelLocation {
    @Override
    public Path resolve() throws IOException {
      return assets.model(name);
    }

    @Override
    public String displayName() {
      return name;
    }
  }
}
