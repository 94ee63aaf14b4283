package dev.sinkscope.inference.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A saved session: enough to look at the same thing again, on another day or machine. Written as
 * JSON (see {@code docs/cli.md}, "Session files"):
 *
 * <pre>{@code
 * {
 *   "format" : "sinkscope-session",
 *   "schemaVersion" : 1,
 *   "model" : { "source" : "hub", "id" : "facebook/dinov2-small", "revision" : "<commit>",
 *               "weights" : { "method" : "sha256-of-weight-files", "sha256" : "...", "files" : [ ... ] } },
 *   "image" : { "path" : "coffee.png", "sha256" : "..." },
 *   "view" : { "layer" : 0, "head" : "mean", "quantity" : "patch-norm", "colormap" : "viridis",
 *              "normalization" : "min-max" },
 *   "mitigations" : [ "ttr" ],
 *   "neurons" : "map.json",
 *   "compare" : "before-after"
 * }
 * }</pre>
 *
 * <p>Schema version 2 adds the quantities {@code rollout}, {@code pca-rgb}, {@code attends-to} and
 * {@code attended-by}, the selected patch {@code view.patch}, and {@code "compare": "other-model"}
 * with the second model in {@code modelB}. A session is written with the lowest version that holds
 * it, so sessions without these still open in versions that read only 1; both versions are read.
 *
 * <p>Relative paths ({@code model.path}, {@code image.path}, {@code neurons}) are relative to the
 * folder of the session file, so a session moves together with its photo.
 *
 * @param format always {@link #FORMAT}
 * @param schemaVersion 1 or {@link #SCHEMA_VERSION}, at least the version the content needs; files
 *     of a newer version are refused
 * @param model the model and its weights hash
 * @param image the photo and its hash
 * @param view what the main picture shows
 * @param mitigations mitigation SPEC strings, applied in order (see {@code MitigationSpecs})
 * @param neurons register-neuron map for a {@code ttr} SPEC that names none; may be null
 * @param compare whether to compare with the unmitigated pass or with {@code modelB}
 * @param modelB the second model of an {@code other-model} comparison (run without mitigations);
 *     else null
 */
@JsonPropertyOrder({
  "format",
  "schemaVersion",
  "model",
  "image",
  "view",
  "mitigations",
  "neurons",
  "compare",
  "modelB"
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionFile(
    String format,
    int schemaVersion,
    ModelReference model,
    ImageReference image,
    ViewSettings view,
    List<String> mitigations,
    String neurons,
    CompareMode compare,
    ModelReference modelB) {

  public static final String FORMAT = "sinkscope-session";

  /** The newest schema version this build reads and writes. */
  public static final int SCHEMA_VERSION = 2;

  /** The oldest one it reads. */
  public static final int OLDEST_SCHEMA_VERSION = 1;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public SessionFile {
    if (!FORMAT.equals(format)) {
      throw new IllegalArgumentException(
          "not a Sinkscope session (format must be \"" + FORMAT + "\")");
    }
    if (schemaVersion < OLDEST_SCHEMA_VERSION || schemaVersion > SCHEMA_VERSION) {
      throw new IllegalArgumentException(
          "schemaVersion "
              + schemaVersion
              + " is not supported (this version reads "
              + OLDEST_SCHEMA_VERSION
              + "-"
              + SCHEMA_VERSION
              + ")");
    }
    Objects.requireNonNull(model, "model is required");
    Objects.requireNonNull(image, "image is required");
    view = view == null ? ViewSettings.DEFAULT : view;
    mitigations = mitigations == null ? List.of() : List.copyOf(mitigations);
    compare = compare == null ? CompareMode.NONE : compare;
    if (compare == CompareMode.BEFORE_AFTER && mitigations.isEmpty()) {
      throw new IllegalArgumentException("compare before-after needs at least one mitigation");
    }
    if ((compare == CompareMode.OTHER_MODEL) != (modelB != null)) {
      throw new IllegalArgumentException("modelB is needed exactly when compare is other-model");
    }
    int needed = neededVersion(view, compare);
    if (schemaVersion < needed) {
      throw new IllegalArgumentException(
          "this session uses fields of schemaVersion "
              + needed
              + " (quantity "
              + view.quantity()
              + (view.patch() != null ? ", view.patch" : "")
              + ", compare "
              + compare
              + ") but says schemaVersion "
              + schemaVersion);
    }
  }

  public static SessionFile of(
      ModelReference model,
      ImageReference image,
      ViewSettings view,
      List<String> mitigations,
      String neurons,
      CompareMode compare) {
    return of(model, image, view, mitigations, neurons, compare, null);
  }

  /** A session with the lowest schema version that holds it. */
  public static SessionFile of(
      ModelReference model,
      ImageReference image,
      ViewSettings view,
      List<String> mitigations,
      String neurons,
      CompareMode compare,
      ModelReference modelB) {
    ViewSettings v = view == null ? ViewSettings.DEFAULT : view;
    CompareMode c = compare == null ? CompareMode.NONE : compare;
    return new SessionFile(
        FORMAT, neededVersion(v, c), model, image, v, mitigations, neurons, c, modelB);
  }

  private static int neededVersion(ViewSettings view, CompareMode compare) {
    return Math.max(view.schemaVersion(), compare == CompareMode.OTHER_MODEL ? 2 : 1);
  }

  /** Reads and validates a session file; every problem is an IOException naming the file. */
  public static SessionFile read(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
      throw new IOException(file + ": not a Sinkscope session (no \"format\": \"" + FORMAT + "\")");
    }
    int version = root.path("schemaVersion").asInt(-1);
    if (version < OLDEST_SCHEMA_VERSION || version > SCHEMA_VERSION) {
      throw new IOException(
          file
              + ": schemaVersion "
              + root.path("schemaVersion")
              + " is not supported (this version"
              + " reads "
              + OLDEST_SCHEMA_VERSION
              + "-"
              + SCHEMA_VERSION
              + (version > SCHEMA_VERSION ? "; update Sinkscope)" : ")"));
    }
    try {
      return JSON.treeToValue(root, SessionFile.class);
    } catch (JsonProcessingException e) {
      throw new IOException(file + ": " + reason(e), e);
    }
  }

  /** Writes the file (UTF-8, indented, fields in a fixed order, ending with a newline). */
  public void write(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, toJson(), StandardCharsets.UTF_8);
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a session always serialises", e);
    }
  }

  /** The photo's location, given where this session file lies. */
  public Path imagePath(Path sessionFile) {
    return resolve(sessionFile, image.path());
  }

  /** The neuron map's location, or null when the session names none. */
  public Path neuronsPath(Path sessionFile) {
    return neurons == null ? null : resolve(sessionFile, neurons);
  }

  /** The model folder of a folder model, given where this session file lies. */
  public Path modelFolder(Path sessionFile) {
    if (model.source() != ModelReference.Source.FOLDER) {
      throw new IllegalStateException("the session's model is not a folder but " + model.source());
    }
    return resolve(sessionFile, model.path());
  }

  /** True when {@code mitigations} are set and the session asks for the before/after comparison. */
  @JsonIgnore
  public boolean comparesBeforeAfter() {
    return compare == CompareMode.BEFORE_AFTER;
  }

  /** True when the session compares its model with {@code modelB}. */
  @JsonIgnore
  public boolean comparesOtherModel() {
    return compare == CompareMode.OTHER_MODEL;
  }

  /** The folder of model B when it is a folder model, given where this session file lies. */
  public Path modelBFolder(Path sessionFile) {
    if (modelB == null || modelB.source() != ModelReference.Source.FOLDER) {
      throw new IllegalStateException("the session's model B is not a folder");
    }
    return resolve(sessionFile, modelB.path());
  }

  /** Resolves a stored path against the folder of {@code sessionFile}. */
  public static Path resolve(Path sessionFile, String stored) {
    Path p = Path.of(stored);
    if (p.isAbsolute()) {
      return p;
    }
    Path folder = sessionFile.toAbsolutePath().getParent();
    return (folder == null ? p : folder.resolve(p)).normalize();
  }

  /**
   * How a session at {@code sessionFile} stores {@code target}: relative (with '/' separators) when
   * the target lies in the session's folder or below, else absolute.
   */
  public static String storedPath(Path sessionFile, Path target) {
    Path absolute = target.toAbsolutePath().normalize();
    Path folder = sessionFile.toAbsolutePath().normalize().getParent();
    if (folder != null && absolute.startsWith(folder)) {
      return folder.relativize(absolute).toString().replace('\\', '/');
    }
    return absolute.toString();
  }

  /** Checks that the photo still has the hash the session recorded. */
  public void verifyImage(Path sessionFile) throws IOException {
    Path file = imagePath(sessionFile);
    if (!Files.isRegularFile(file)) {
      throw new IOException("the session's image " + file + " does not exist");
    }
    String now = Sha256.ofFile(file);
    if (!now.equals(image.sha256())) {
      throw new IOException(
          "the session's image "
              + file
              + " changed since the session was saved (sha256 "
              + now
              + ", recorded "
              + image.sha256()
              + ")");
    }
  }

  private static String reason(JsonProcessingException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IllegalArgumentException || t instanceof NullPointerException) {
        if (t.getMessage() != null) {
          return t.getMessage();
        }
      }
    }
    return e.getOriginalMessage();
  }
}
