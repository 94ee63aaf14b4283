package dev.sinkscope.inference.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * What the main picture shows.
 *
 * @param layer 1-based block number as in the analysis tables; 0 means the last block
 * @param head head combination for attention quantities
 * @param quantity the quantity of the main picture and of the comparison
 * @param colormap colormap name (see the render module's {@code Colormaps}); a {@code _r} suffix
 *     reverses it
 * @param normalization how the colour range is chosen
 * @param patch the selected patch: required for {@code attends-to} and {@code attended-by},
 *     optional otherwise (the app outlines it); null when none is selected
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ViewSettings(
    int layer,
    HeadSelection head,
    Quantity quantity,
    String colormap,
    NormalizationSpec normalization,
    SelectedPatch patch) {

  public static final ViewSettings DEFAULT =
      new ViewSettings(
          0, HeadSelection.MEAN, Quantity.PATCH_NORM, "viridis", NormalizationSpec.MIN_MAX, null);

  public ViewSettings {
    if (layer < 0) {
      throw new IllegalArgumentException(
          "view.layer must be a 1-based block number, or 0 for the last block");
    }
    head = head == null ? HeadSelection.MEAN : head;
    quantity = quantity == null ? Quantity.PATCH_NORM : quantity;
    colormap = colormap == null || colormap.isBlank() ? "viridis" : colormap;
    normalization = normalization == null ? NormalizationSpec.MIN_MAX : normalization;
    Objects.requireNonNull(quantity);
    if (quantity.needsPatch() && patch == null) {
      throw new IllegalArgumentException(
          "view.quantity "
              + quantity
              + " needs view.patch ({\"row\": R, \"col\": C},"
              + " 0-based)");
    }
  }

  /** The 1-based block this view shows in a model with {@code blocks} blocks. */
  public int blockIn(int blocks) {
    if (layer > blocks) {
      throw new IllegalArgumentException(
          "layer " + layer + " does not exist: the model has blocks 1-" + blocks);
    }
    return layer == 0 ? blocks : layer;
  }

  /** The first session schema version that can hold this view. */
  @JsonIgnore
  public int schemaVersion() {
    return patch != null ? 2 : quantity.sinceSchemaVersion();
  }
}
