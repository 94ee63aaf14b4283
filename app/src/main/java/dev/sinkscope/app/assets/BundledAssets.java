package dev.sinkscope.app.assets;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The models and photos that ship inside the application, for the app and the command line alike. A
 * model is a classpath folder; the engine needs real files, so it is extracted once to {@code
 * <cache>/bundled/<name>-<content hash>/} (written under a temporary name and moved into place, so
 * a half-written folder is never used) and reused on later starts and by other processes. No JavaFX
 * here: the command line uses it.
 */
public final class BundledAssets {
  public static final String PHANTOM = "sink-phantom";
  public static final String PHANTOM_REGISTERS = "sink-phantom-registers";

  /** Photos the assets module ships, in gallery order. */
  public static final List<String> PHOTO_NAMES =
      List.of("coffee.png", "astronaut.png", "rocket.jpg", "camera.png", "hubble_deep_field.jpg");

  /** The photo opened on a fresh start: a flat table top, where artifacts like to sit. */
  public static final String DEFAULT_PHOTO = "coffee.png";

  /** Short names accepted by {@code --model}, mapped to the bundled model folder names. */
  public static final Map<String, String> ALIASES = aliases();

  static final List<String> REQUIRED_MODEL_FILES =
      List.of("config.json", "model.safetensors", "preprocessor_config.json");
  static final List<String> OPTIONAL_MODEL_FILES = List.of("README.md", "phantom.json");
  public static final String DEFAULT_ROOT = "dev/sinkscope/assets/";

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

  /** The application's assets, extracted into {@code cacheDir}. */
  public static BundledAssets inCache(Path cacheDir) {
    return new BundledAssets(BundledAssets.class.getClassLoader(), DEFAULT_ROOT, cacheDir);
  }

  /**
   * The application's assets, cached under {@code $XDG_CACHE_HOME/sinkscope} or {@code
   * ~/.cache/sinkscope}.
   */
  public static BundledAssets standard() {
    return new BundledAssets(BundledAssets.class.getClassLoader(), DEFAULT_ROOT, defaultCacheDir());
  }

  private static Map<String, String> aliases() {
    Map<String, String> names = new LinkedHashMap<>();
    names.put("phantom", PHANTOM);
    names.put("phantom-registers", PHANTOM_REGISTERS);
    return java.util.Collections.unmodifiableMap(names);
  }

  /** The bundled model folder a {@code --model} argument names (alias or folder name), if any. */
  public static Optional<String> modelNameOf(String argument) {
    String a = argument.trim().toLowerCase(Locale.ROOT);
    if (ALIASES.containsKey(a)) {
      return Optional.of(ALIASES.get(a));
    }
    return ALIASES.values().stream().filter(a::equals).findFirst();
  }

  /**
   * {@code sinkscope.cache.dir}/bundled, else {@code $XDG_CACHE_HOME/sinkscope/bundled}, else
   * {@code ~/.cache/sinkscope/bundled}.
   */
  public static Path defaultCacheDir() {
    String override = System.getProperty("sinkscope.cache.dir");
    if (override != null && !override.isBlank()) {
      return Path.of(override).resolve("bundled");
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
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
      return extractModel(name);
    }
    throw new IOException(
        "no bundled model named '"
            + name
            + "' (looked for "
            + modelResource(name, "config.json")
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

  /** How sessions and metrics name a bundled model: "sink-phantom" → "phantom". */
  public static String sessionName(String assetName) {
    return assetName.startsWith("sink-") ? assetName.substring("sink-".length()) : assetName;
  }

  /**
   * True for the hand-wired phantom (or its twin): it carries phantom.json or a phantom folder
   * name.
   */
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

  /**
   * The bundled photos present in this build, extracted to one folder (for {@code --images
   * bundled}).
   */
  public Path photosFolder() throws IOException {
    List<String> present = photos();
    if (present.isEmpty()) {
      throw new IOException(
          "this build has no bundled photos (looked under " + resourceRoot + "images/)");
    }
    Map<String, String> resources = new LinkedHashMap<>();
    present.forEach(p -> resources.put(p, photoResource(p)));
    return extract("photos", resources);
  }

  private Path extractModel(String name) throws IOException {
    Map<String, String> resources = new LinkedHashMap<>();
    for (String file : REQUIRED_MODEL_FILES) {
      if (!hasResource(modelResource(name, file))) {
        throw new IOException("bundled model '" + name + "' lacks " + file);
      }
      resources.put(file, modelResource(name, file));
    }
    for (String file : OPTIONAL_MODEL_FILES) {
      if (hasResource(modelResource(name, file))) {
        resources.put(file, modelResource(name, file));
      }
    }
    return extract(name, resources);
  }

  /**
   * Copies {@code resources} (file name to classpath resource) to {@code <cache>/<name>-<content
   * hash>/}.
   */
  private Path extract(String name, Map<String, String> resources) throws IOException {
    MessageDigest digest = sha256();
    byte[] buffer = new byte[1 << 16];
    for (Map.Entry<String, String> file : resources.entrySet()) {
      digest.update(file.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      try (InputStream in = open(file.getValue())) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          digest.update(buffer, 0, n);
        }
      }
    }
    Path target = cacheDir.resolve(name + "-" + shortHex(digest.digest()));
    if (isComplete(target, resources.keySet())) {
      return target;
    }
    Files.createDirectories(cacheDir);
    Path staging = Files.createTempDirectory(cacheDir, ".extract-" + name + "-");
    try {
      for (Map.Entry<String, String> file : resources.entrySet()) {
        try (InputStream in = open(file.getValue())) {
          Files.copy(in, staging.resolve(file.getKey()));
        }
      }
      return moveIntoPlace(staging, target, resources.keySet());
    } finally {
      deleteTree(staging);
    }
  }

  private static boolean isComplete(Path folder, java.util.Collection<String> files) {
    return files.stream().allMatch(f -> Files.isRegularFile(folder.resolve(f)));
  }

  /**
   * Renames the staging folder to {@code target}; if another process won the race, its copy is
   * used.
   */
  private static Path moveIntoPlace(Path staging, Path target, java.util.Collection<String> files)
      throws IOException {
    try {
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
      if (!isComplete(target, files)) {
        throw e;
      }
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(
          "cannot move the extracted files into " + target + ": " + e.getMessage(), e);
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
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
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
