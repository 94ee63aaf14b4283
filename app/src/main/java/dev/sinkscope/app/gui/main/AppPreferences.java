package dev.sinkscope.app.gui.main;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/** What the app remembers between runs: recent models and images, window bounds, last folders. */
public final class AppPreferences {
  public static final int RECENT_LIMIT = 8;
  static final String NODE = "dev/sinkscope/app/gui";

  private final Preferences node;

  public AppPreferences(Preferences node) {
    this.node = node;
  }

  /** The per-user node of this application. */
  public static AppPreferences standard() {
    return new AppPreferences(Preferences.userRoot().node(NODE));
  }

  /** Window bounds and state. */
  public record WindowBounds(double x, double y, double width, double height, boolean maximized) {}

  public List<Path> recentModels() {
    return recent("recentModels");
  }

  public List<Path> recentImages() {
    return recent("recentImages");
  }

  public void addRecentModel(Path folder) {
    addRecent("recentModels", folder);
  }

  public void addRecentImage(Path file) {
    addRecent("recentImages", file);
  }

  public Optional<WindowBounds> windowBounds() {
    double w = node.getDouble("window.width", -1);
    double h = node.getDouble("window.height", -1);
    if (w < 200 || h < 150) {
      return Optional.empty();
    }
    return Optional.of(
        new WindowBounds(
            node.getDouble("window.x", 0),
            node.getDouble("window.y", 0),
            w,
            h,
            node.getBoolean("window.maximized", false)));
  }

  public void setWindowBounds(WindowBounds bounds) {
    node.putDouble("window.x", bounds.x());
    node.putDouble("window.y", bounds.y());
    node.putDouble("window.width", bounds.width());
    node.putDouble("window.height", bounds.height());
    node.putBoolean("window.maximized", bounds.maximized());
  }

  /** The folder a file dialog of {@code kind} last used, if it still exists. */
  public Optional<Path> lastFolder(String kind) {
    String p = node.get("folder." + kind, null);
    if (p == null) {
      return Optional.empty();
    }
    Path path = Path.of(p);
    return Files.isDirectory(path) ? Optional.of(path) : Optional.empty();
  }

  public void setLastFolder(String kind, Path folder) {
    if (folder != null) {
      node.put("folder." + kind, folder.toAbsolutePath().toString());
    }
  }

  /** Writes to the backing store; failures are not worth bothering the user with. */
  public void flush() {
    try {
      node.flush();
    } catch (BackingStoreException | IllegalStateException e) {
      // preferences are a convenience
    }
  }

  private List<Path> recent(String key) {
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < RECENT_LIMIT; i++) {
      String p = node.get(key + "." + i, null);
      if (p != null) {
        out.add(Path.of(p));
      }
    }
    return out;
  }

  private void addRecent(String key, Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    List<Path> list = recent(key);
    list.remove(absolute);
    list.add(0, absolute);
    for (int i = 0; i < RECENT_LIMIT; i++) {
      if (i < list.size()) {
        node.put(key + "." + i, list.get(i).toString());
      } else {
        node.remove(key + "." + i);
      }
    }
  }
}
