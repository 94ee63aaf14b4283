package dev.sinkscope.app.gui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The models and photos that ship inside the application. A model is a classpath folder; the engine
 * needs real files, so it is extracted once to {@code <cache>/bundled/<name>-<content hash>/} (written
 * under a temporary name and moved into place, so a half-written folder is never used) and reused
 * on later starts.
 */
public final class BundledAssets {
  public static final String PHANTOM = "sink-phantom";
  public static final String PHANTOM_REGISTERS = "sink-phantom-registers";
  /** Photos the assets module ships, in gallery order. */
  public static final List<String> PHOTO_NAMES =
      List.of("coffee.png", "astronaut.png", "rocket.jpg", "camera.png", "hubble_deep_field.jpg");
  /** The photo opened on a fresh start: a flat table top, where artifacts like to sit. */
  public static final String DEFAULT_PHOTO = "coffee.png";

  static final List<String> REQUIRED_MODEL_FILES = List.of("config.json", "model.safetensors",
      "preprocessor_config.json");
  static final List<String> OPTIONAL_MODEL_FILES = List.of("README.md", "phantom.json");
  static final String DEFAULT_ROOT = "dev/sinkscope/assets/";

  private final ClassLoader loader;
  private final String resourceRoot;
  private final Path cacheDir;

  /**
   * @param resourceRoot classpath folder holding {@code models/} and {@code images/}, ending in '/'
   * @param cacheDir where models are extracted
   */
  public BundledAssets(ClassLoader loader, String resourceRoot, Path cacheDir) {
    this.loader = loader;
    this.resourceRoot = resourceRoot.endsWith("/") ? resourceRoot : resourceRoot + "/";
    this.cacheDir = cacheDir;
  }

  /** The application's assets, cached under {@code $XDG_CACHE_HOME/sinkscope} or {@code ~/.cache/sinkscope}. */
  public static BundledAssets standard() {
    return new BundledAssets(BundledAssets.class.getClassLoader(), DEFAULT_ROOT, defaultCacheDir());
  }

  static Path defaultCacheDir() {
    String override = System.getProperty("sinkscope.cache.dir");
    if (override != null && !override.isBlank()) {
      return Path.of(override).resolve("bundled");
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("sinkscope").resolve("bundled");
  }

  public Path cacheDir() {
    return cacheDir;
  }

  /** Whether {@code name} can be opened: bundled, or a phantom the generator can write. */
  public boolean hasModel(String name) {
    return hasResource(modelResource(name, "config.json"));
  }

  /** The extracted folder of bundled model {@code name}; extracts it on first use. */
  public Path model(String name) throws IOException {
    if (hasResource(modelResource(name, "config.json"))) {
      return extract(name);
    }
    throw new IOException("no bundled model named '" + name + "' (looked for " + modelResource(name, "config.json")
        + " on the classpath)");
  }

  /** Bundled photos present in this build, in gallery order. */
  public List<String> photos() {
    List<String> present = new ArrayList<>();
    for (String name : PHOTO_NAMES) {
      if (hasResource(photoResource(name))) {
        present.add(name);
      }
    }
    return present;
  }

  public boolean hasPhoto(String name) {
    return hasResource(photoResource(name));
  }

  /** A URL JavaFX can load a thumbnail from in the background, or null when absent. */
  public String photoUrl(String name) {
    java.net.URL url = loader.getResource(photoResource(name));
    return url == null ? null : url.toExternalForm();
  }

  public byte[] photoBytes(String name) throws IOException {
    try (InputStream in = loader.getResourceAsStream(photoResource(name))) {
      if (in == null) {
        throw new IOException("no bundled photo named '" + name + "'");
      }
      return in.readAllBytes();
    }
  }

  /** True for the hand-wired phantom (or its twin): it carries phantom.json or a phantom folder name. */
  public static boolean isPhantom(Path folder) {
    if (Files.isRegularFile(folder.resolve("phantom.json"))) {
      return true;
    }
    Path name = folder.getFileName();
    return name != null && name.toString().toLowerCase(Locale.ROOT).startsWith(PHANTOM);
  }

  private String modelResource(String name, String file) {
    return resourceRoot + "models/" + name + "/" + file;
  }

  private String photoResource(String name) {
    return resourceRoot + "images/" + name;
  }

  private boolean hasResource(String resource) {
    return loader.getResource(resource) != null;
  }

  private Path extract(String name) throws IOException {
    List<String> files = new ArrayList<>();
    for (String file : REQUIRED_MODEL_FILES) {
      if (!hasResource(modelResource(name, file))) {
        throw new IOException("bundled model '" + name + "' lacks " + file);
      }
      files.add(file);
    }
    for (String file : OPTIONAL_MODEL_FILES) {
      if (hasResource(modelResource(name, file))) {
        files.add(file);
      }
    }
    MessageDigest digest = sha256();
    byte[] buffer = new byte[1 << 16];
    for (String file : files) {
      digest.update(file.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      try (InputStream in = open(modelResource(name, file))) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          digest.update(buffer, 0, n);
        }
      }
    }
    Path target = cacheDir.resolve(name + "-" + shortHex(digest.digest()));
    if (isComplete(target)) {
      return target;
    }
    Files.createDirectories(cacheDir);
    Path staging = Files.createTempDirectory(cacheDir, ".extract-" + name + "-");
    try {
      for (String file : files) {
        try (InputStream in = open(modelResource(name, file))) {
          Files.copy(in, staging.resolve(file));
        }
      }
      return moveIntoPlace(staging, target);
    } finally {
      deleteTree(staging);
    }
  }

  private static boolean isComplete(Path folder) {
    for (String file : REQUIRED_MODEL_FILES) {
      if (!Files.isRegularFile(folder.resolve(file))) {
        return false;
      }
    }
    return true;
  }

  /** Renames the staging folder to {@code target}; if another process won the race, its copy is used. */
  private static Path moveIntoPlace(Path staging, Path target) throws IOException {
    try {
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
      if (!isComplete(target)) {
        throw e;
      }
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot move the extracted model into " + target + ": " + e.getMessage(), e);
    }
    return target;
  }

  private InputStream open(String resource) throws IOException {
    InputStream in = loader.getResourceAsStream(resource);
    if (in == null) {
      throw new IOException("resource disappeared: " + resource);
    }
    return in;
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // a leftover staging folder is harmless: names are unique and never read
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
    }
  }

  private static String shortHex(byte[] digest) {
    return HexFormat.of().formatHex(digest, 0, 8);
  }
}
