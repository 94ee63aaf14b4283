package dev.sinkscope.inference.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * Which model a session used and which weights it had.
 *
 * @param source where the model came from
 * @param id hub repo id ({@code org/name}) or bundled model name; null for a folder
 * @param revision hub commit the weights came from; null otherwise
 * @param path model folder, relative to the session file's folder or absolute; null unless a folder
 * @param weights content hash of the weight files
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelReference(
    Source source, String id, String revision, String path, WeightsFingerprint weights) {

  /** Where a model comes from. */
  public enum Source {
    @JsonProperty("hub")
    HUB,
    @JsonProperty("folder")
    FOLDER,
    @JsonProperty("bundled")
    BUNDLED
  }

  public ModelReference {
    if (source == null) {
      throw new IllegalArgumentException("model.source is required (hub, folder or bundled)");
    }
    Objects.requireNonNull(weights, "model.weights is required");
    switch (source) {
      case HUB ->
          require(
              id != null && id.contains("/") && revision != null && path == null,
              "a hub model needs id (org/name) and revision, and no path");
      case FOLDER ->
          require(path != null && id == null && revision == null, "a folder model needs path only");
      case BUNDLED ->
          require(id != null && revision == null && path == null, "a bundled model needs id only");
      default -> throw new IllegalStateException();
    }
  }

  public static ModelReference hub(String repoId, String commit, WeightsFingerprint weights) {
    return new ModelReference(Source.HUB, repoId, commit, null, weights);
  }

  public static ModelReference folder(String path, WeightsFingerprint weights) {
    return new ModelReference(Source.FOLDER, null, null, path, weights);
  }

  public static ModelReference bundled(String name, WeightsFingerprint weights) {
    return new ModelReference(Source.BUNDLED, name, null, null, weights);
  }

  /** Short name for titles: the repo id, bundled name or folder path. */
  @JsonIgnore
  public String displayName() {
    return source == Source.FOLDER ? path : id;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("model: " + message);
    }
  }
}
