package dev.sinkscope.app.gui.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sinkscope.app.gui.canvas.RenderedView;
import dev.sinkscope.app.gui.canvas.ViewerViewModel;
import dev.sinkscope.app.gui.session.AnalyzedPass;
import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.LayerSummary;
import dev.sinkscope.inference.mitigation.Mitigation;
import dev.sinkscope.inference.work.HeavyWork;
import dev.sinkscope.render.ExportMetadata;
import dev.sinkscope.render.LegendRenderer;
import dev.sinkscope.render.LegendStyle;
import dev.sinkscope.render.PngExport;
import dev.sinkscope.render.Raster;
import dev.sinkscope.render.SmallMultiples;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes what is on screen: pictures as PNG with their provenance in text chunks, metrics as JSON
 * or CSV.
 */
public final class Exporter {
  /**
   * Non-finite numbers (a rule without a threshold, a metric of an empty set) are written as null,
   * not "NaN".
   */
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .registerModule(
              new com.fasterxml.jackson.databind.module.SimpleModule("finite-or-null")
                  .addSerializer(Double.class, new FiniteOrNull())
                  .addSerializer(double.class, new FiniteOrNull()));

  private static final class FiniteOrNull
      extends com.fasterxml.jackson.databind.JsonSerializer<Double> {
    @Override
    public void serialize(
        Double value,
        com.fasterxml.jackson.core.JsonGenerator out,
        com.fasterxml.jackson.databind.SerializerProvider provider)
        throws IOException {
      if (value == null || !Double.isFinite(value)) {
        out.writeNull();
      } else {
        out.writeNumber(value);
      }
    }
  }

  private Exporter() {}

  /** The picture with its colorbar beside it and the caption above, as one PNG. */
  public static void writeView(
      RenderedView view, Map<String, String> metadata, LegendStyle style, Path file)
      throws IOException {
    HeavyWork.starts(HeavyWork.Kind.EXPORT);
    PngExport.write(viewRaster(view, style), metadata, file);
  }

  /**
   * What {@link #writeView} writes: the picture with its colorbar beside it and the caption above.
   */
  public static Raster viewRaster(RenderedView view, LegendStyle style) {
    // The window draws its colour bar in the dark theme; on the page it follows the page's colours.
    Raster legend =
        view.legend() == null
            ? null
            : LegendRenderer.restyle(view.legend(), ViewerViewModel.LEGEND_STYLE, style).raster();
    return SmallMultiples.arrange(
        view.caption(), List.of(new SmallMultiples.Panel("", view.picture())), 1, legend, style);
  }

  /** A ready raster (e.g. a comparison) as PNG. */
  public static void writePicture(Raster picture, Map<String, String> metadata, Path file)
      throws IOException {
    HeavyWork.starts(HeavyWork.Kind.EXPORT);
    PngExport.write(picture, metadata, file);
  }

  /** Text chunks: render's standard keys, then the photo, device and detection rule. */
  public static Map<String, String> metadata(
      AnalyzedPass pass,
      String imageName,
      String layer,
      String head,
      String quantity,
      String normalization) {
    List<String> mitigations = mitigationSpecs(pass);
    Map<String, String> map =
        new LinkedHashMap<>(
            new ExportMetadata(
                    pass.model().displayName()
                        + (pass.model().synthetic() ? " (synthetic phantom)" : ""),
                    layer,
                    head,
                    quantity,
                    mitigations,
                    normalization)
                .toMap());
    map.put("Image", imageName);
    map.put("Device", pass.model().device());
    map.put(
        "Detection", pass.report().options().detection().rule().name().toLowerCase(Locale.ROOT));
    return map;
  }

  /** Everything that changed the pass: its mitigation specs and, when on, shift/flip denoising. */
  static List<String> mitigationSpecs(AnalyzedPass pass) {
    List<String> mitigations =
        new ArrayList<>(pass.mitigations().mitigations().stream().map(Mitigation::spec).toList());
    if (pass.denoised()) {
      // as the CLI's denoise command writes it
      mitigations.add(
          "denoise:views=" + pass.finalFeatures().views() + ",seed=" + pass.finalFeatures().seed());
    }
    return mitigations;
  }

  /** Per-block metrics and whole-pass results of each pass as JSON. */
  public static void writeMetricsJson(List<AnalyzedPass> passes, String imageName, Path file)
      throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (AnalyzedPass pass : passes) {
      AnalysisReport r = pass.report();
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("label", pass.label());
      entry.put("model", pass.model().displayName());
      entry.put("synthetic", pass.model().synthetic());
      entry.put("modelSpec", pass.model().spec().summary());
      entry.put("device", pass.model().device());
      entry.put("image", imageName);
      entry.put("mitigations", mitigationSpecs(pass));
      entry.put("detectionRule", r.options().detection().rule());
      entry.put("emergenceBlock", r.emergence().found() ? r.emergence().block() : null);
      entry.put(
          "sinkMassOnArtifacts",
          r.sinks() == null ? null : finiteOrNull(r.sinks().sinkMassOnArtifacts()));
      entry.put(
          "clsCaptureOnArtifacts",
          r.sinks() == null ? null : finiteOrNull(r.sinks().clsCaptureOnArtifacts()));
      entry.put(
          "clsCaptureOnRegisters",
          r.sinks() == null ? null : finiteOrNull(r.sinks().clsCaptureOnRegisters()));
      entry.put("blocks", r.summaries());
      entry.put("notes", r.notes());
      if (pass.finalFeatures() != null) {
        // shift/flip denoising on: what the last block's norm map showed (row-major over the grid)
        var layout = pass.result().layout();
        Map<String, Object> features = new LinkedHashMap<>();
        features.put("views", pass.finalFeatures().views());
        features.put("seed", pass.finalFeatures().seed());
        features.put(
            "patchNorms",
            java.util.Arrays.copyOfRange(
                pass.finalFeatures().tokenNorms(),
                layout.firstPatchIndex(),
                layout.firstPatchIndex() + layout.patchCount()));
        features.put("changeFromSinglePass", pass.finalFeatures().change());
        entry.put("finalFeatures", features);
      }
      out.add(entry);
    }
    JSON.writeValue(file.toFile(), Map.of("producer", "Sinkscope", "passes", out));
  }

  static final List<String> CSV_COLUMNS =
      List.of(
          "pass",
          "block",
          "patch_norm_min",
          "patch_norm_median",
          "patch_norm_max",
          "max_over_median",
          "rule",
          "verdict",
          "artifact_threshold",
          "artifact_count",
          "artifact_fraction",
          "sink_mass_on_artifacts",
          "cls_capture_on_artifacts",
          "cls_capture_on_registers",
          "top_sink_token",
          "top_sink_ratio",
          "massive_activations");

  /** One row per pass and block. */
  public static void writeMetricsCsv(List<AnalyzedPass> passes, Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(String.join(",", CSV_COLUMNS));
      w.write('\n');
      for (AnalyzedPass pass : passes) {
        for (LayerSummary s : pass.report().summaries()) {
          List<String> cells =
              List.of(
                  csv(pass.label()),
                  Integer.toString(s.block()),
                  num(s.patchNormMin()),
                  num(s.patchNormMedian()),
                  num(s.patchNormMax()),
                  num(s.maxOverMedian()),
                  s.appliedRule().name(),
                  s.verdict().name(),
                  num(s.artifactThreshold()),
                  Integer.toString(s.artifactCount()),
                  num(s.artifactFraction()),
                  num(s.sinkMassOnArtifacts()),
                  num(s.clsCaptureOnArtifacts()),
                  num(s.clsCaptureOnRegisters()),
                  Integer.toString(s.topSinkToken()),
                  num(s.topSinkRatio()),
                  Integer.toString(s.massiveActivationCount()));
          w.write(String.join(",", cells));
          w.write('\n');
        }
      }
    }
  }

  private static Double finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private static String num(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "";
  }

  private static String csv(String text) {
    return text.contains(",") || text.contains("\"")
        ? "\"" + text.replace("\"", "\"\"") + "\""
        : text;
  }
}
