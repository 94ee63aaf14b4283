package dev.sinkscope.app.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
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
 * The models and photos inside the jar, made into real folders: the engine needs files. A model is
 * extracted once to {@code <cache>/<folder name>-<content hash>/} (the same layout the desktop app
 * uses, so both share it), written under a temporary name and moved into place so a half-written
 * folder is never used.
 */
final class BundledModels {
  /** Names accepted by {@code --model}, mapped to the asset folder names. */
  static final Map<String, String> NAMES = names();
  /** {@code --images} value for the bundled photos. */
  static final String BUNDLED_PHOTOS = "bundled";

  private static final String ROOT = "dev/sinkscope/assets/";
  private static final List<String> REQUIRED = List.of("config.json", "model.safetensors", "preprocessor_config.json");
  private static final List<String> OPTIONAL = List.of("README.md", "phantom.json");
  private static final List<String> PHOTOS =
      List.of("astronaut.png", "camera.png", "coffee.png", "hubble_deep_field.jpg", "rocket.jpg");

  private final Path cacheDir;
  private final ClassLoader loader = BundledModels.class.getClassLoader();

  BundledModels(Path cacheDir) {
    this.cacheDir = cacheDir;
  }

  private static Map<String, String> names() {
    Map<String, String> names = new LinkedHashMap<>();
    names.put("phantom", "sink-phantom");
    names.put("phantom-registers", "sink-phantom-registers");
    return names;
  }

  /** The asset folder name for a {@code --model} argument, when it names a bundled model. */
  static Optional<String> folderNameOf(String argument) {
    String a = argument.trim().toLowerCase(Locale.ROOT);
    if (NAMES.containsKey(a)) {
      return Optional.of(NAMES.get(a));
    }
    return NAMES.values().stream().filter(a::equals).findFirst();
  }

  /** {@code $XDG_CACHE_HOME/sinkscope/bundled}, {@code ~/.cache/sinkscope/bundled}, or the {@code sinkscope.cache.dir} property. */
  static Path defaultCacheDir() {
    String override = System.getProperty("sinkscope.cache.dir");
    if (override != null && !override.isBlank()) {
      return Path.of(override).resolve("bundled");
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("sinkscope").resolve("bundled");
  }

  /** The extracted folder of bundled model {@code folderName} (e.g. sink-phantom). */
  Path model(String folderName) throws IOException {
    List<String> files = new ArrayList<>();
    for (String file : REQUIRED) {
      if (loader.getResource(ROOT + "models/" + folderName + "/" + file) == null) {
        throw new IOException("bundled model '" + folderName + "' lacks " + file + " in this build");
      }
      files.add(file);
    }
    for (String file : OPTIONAL) {
      if (loader.getResource(ROOT + "models/" + folderName + "/" + file) != null) {
        files.add(file);
      }
    }
    return extract(folderName, ROOT + "models/" + folderName + "/", files);
  }

  /** The bundled photos, extracted to one folder. */
  Path photos() throws IOException {
    return extract("photos", ROOT + "images/", PHOTOS);
  }

  private Path extract(String name, String resourceDir, List<String> files) throws IOException {
    MessageDigest digest = sha256();
    byte[] buffer = new byte[1 << 16];
    for (String file : files) {
      digest.update(file.getBytes(StandardCharsets.UTF_8));
      try (InputStream in = open(resourceDir + file)) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          digest.update(buffer, 0, n);
        }
      }
    }
    Path target = cacheDir.resolve(name + "-" + HexFormat.of().formatHex(digest.digest(), 0, 8));
    if (isComplete(target, files)) {
      return target;
    }
    Files.createDirectories(cacheDir);
    Path staging = Files.createTempDirectory(cacheDir, ".extract-" + name + "-");
    try {
      for (String file : files) {
        try (InputStream in = open(resourceDir + file)) {
          Files.copy(in, staging.resolve(file));
        }
      }
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
        if (!isComplete(target, files)) {
          throw e; // not another process's finished copy
        }
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot move the extracted " + name + " into " + target + ": " + e.getMessage(), e);
      }
      return target;
    } finally {
      deleteTree(staging);
    }
  }

  private static boolean isComplete(Path folder, List<String> files) {
    return files.stream().allMatch(f -> Files.isRegularFile(folder.resolve(f)));
  }

  private InputStream open(String resource) throws IOException {
    InputStream in = loader.getResourceAsStream(resource);
    if (in == null) {
      throw new IOException("missing from this build: " + resource);
    }
    return in;
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover staging folder is harmless: its name is unique and never read
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
    }
  }
}
