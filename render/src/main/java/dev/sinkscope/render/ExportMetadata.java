package dev.sinkscope.render;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an exported picture shows, under fixed PNG text keywords so exports can be searched and
 * compared later. Null fields are left out of the file.
 *
 * @param layer layer index or a description such as "all"
 * @param head head index or a description such as "mean"
 * @param mitigations mitigations applied, empty for none
 * @param normalization colormap and scale, e.g. from {@link #describe(Colormap, Scale)}
 */
public record ExportMetadata(
    String model,
    String layer,
    String head,
    String quantity,
    List<String> mitigations,
    String normalization) {

  public static final String SOFTWARE = "Software";
  public static final String MODEL = "Model";
  public static final String LAYER = "Layer";
  public static final String HEAD = "Head";
  public static final String QUANTITY = "Quantity";
  public static final String MITIGATIONS = "Mitigations";
  public static final String NORMALIZATION = "Normalization";

  private static final String NONE = "none";

  public ExportMetadata {
    mitigations = mitigations == null ? List.of() : List.copyOf(mitigations);
  }

  /** Text chunks in a stable order, starting with the software name. */
  public Map<String, String> toMap() {
    Map<String, String> map = new LinkedHashMap<>();
    map.put(SOFTWARE, "Sinkscope");
    putIfPresent(map, MODEL, model);
    putIfPresent(map, LAYER, layer);
    putIfPresent(map, HEAD, head);
    putIfPresent(map, QUANTITY, quantity);
    map.put(MITIGATIONS, mitigations.isEmpty() ? NONE : String.join(", ", mitigations));
    putIfPresent(map, NORMALIZATION, normalization);
    return map;
  }

  /** Reads the fields back from text chunks, e.g. from {@link PngExport#readMetadata}. */
  public static ExportMetadata fromMap(Map<String, String> map) {
    String mitigationText = map.get(MITIGATIONS);
    List<String> mitigations =
        mitigationText == null || mitigationText.equals(NONE) || mitigationText.isBlank()
            ? List.of()
            : Arrays.stream(mitigationText.split(",")).map(String::strip).toList();
    return new ExportMetadata(
        map.get(MODEL),
        map.get(LAYER),
        map.get(HEAD),
        map.get(QUANTITY),
        mitigations,
        map.get(NORMALIZATION));
  }

  /** E.g. {@code "viridis, percentile 1-99 [0.12, 3.4], linear"}. */
  public static String describe(Colormap colormap, Scale scale) {
    return colormap.name()
        + ", "
        + scale.describe()
        + ", "
        + scale.kind().name().toLowerCase(java.util.Locale.ROOT);
  }

  private static void putIfPresent(Map<String, String> map, String key, String value) {
    if (value != null) {
      map.put(key, value);
    }
  }
}
