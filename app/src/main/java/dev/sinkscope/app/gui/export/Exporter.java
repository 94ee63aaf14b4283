package dev.sinkscope.app.gui.export;

import dev.sinkscope.app.gui.canvas.RenderedView;
import dev.sinkscope.app.gui.canvas.ViewerViewModel;
import dev.sinkscope.app.gui.hub.HubModelLocation;
import dev.sinkscope.app.gui.session.AnalyzedPass;
import dev.sinkscope.app.gui.session.CompareTarget;
import dev.sinkscope.app.gui.session.FinalFeatures;
import dev.sinkscope.app.gui.session.ImageSource;
import dev.sinkscope.app.gui.session.LoadedImage;
import dev.sinkscope.app.gui.session.ModelInfo;
import dev.sinkscope.app.gui.session.ModelLocation;
import dev.sinkscope.app.gui.session.ViewOutcome;
import dev.sinkscope.app.report.Described;
import dev.sinkscope.app.report.SessionReport;
import dev.sinkscope.inference.analysis.LayerSummary;
import dev.sinkscope.inference.mitigation.Mitigation;
import dev.sinkscope.inference.report.LayerComparison;
import dev.sinkscope.inference.report.LayerMetrics;
import dev.sinkscope.inference.report.ModelReference;
import dev.sinkscope.inference.report.ViewSettings;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes what is on screen: pictures as PNG with their provenance in text chunks, metrics as JSON
 * or CSV.
 */
public final class Exporter {
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

  /**
   * The metrics of the view on screen in the layout of {@code report}'s metrics.json ({@link
   * SessionReport.Metrics}), written by the same writer. Reads the photo's bytes for its hash: call
   * off the UI thread.
   *
   * @param view the view settings as a session would record them; null when the view needs a
   *     selected patch and none is selected
   * @param block the 1-based block the picture shows
   */
  public static void writeMetricsJson(ViewOutcome outcome, ViewSettings view, int block, Path file)
      throws IOException {
    HeavyWork.starts(HeavyWork.Kind.EXPORT);
    SessionReport.writeMetrics(file, metrics(outcome, view, block));
  }

  /**
   * What {@link #writeMetricsJson} writes: the whole analysis, computed here (or waited for) where
   * it still follows the picture on screen. Off the UI thread.
   */
  public static SessionReport.Metrics metrics(ViewOutcome outcome, ViewSettings view, int block)
      throws IOException {
    AnalyzedPass pass = outcome.primary();
    AnalyzedPass other = outcome.comparison();
    pass.analysis().complete();
    if (other != null) {
      other.analysis().complete();
    }
    CompareTarget.Kind kind = outcome.request().compare().kind();
    List<LayerMetrics> layers = LayerMetrics.of(pass.report());
    List<LayerComparison> comparison =
        other != null && kind == CompareTarget.Kind.BEFORE_AFTER
            ? LayerComparison.of(LayerMetrics.of(other.report()), layers)
            : null;
    SessionReport.Metrics metrics =
        new SessionReport.Metrics(
            SessionReport.Metrics.PRODUCER,
            modelInfo(pass.model()),
            inputInfo(outcome.image(), pass),
            view,
            block,
            Described.MitigationInfo.of(pass.mitigations()),
            passInfo(pass),
            layers,
            comparison,
            pass.denoised() ? finalFeatures(pass) : null,
            null,
            null,
            null,
            null);
    if (other != null && kind == CompareTarget.Kind.OTHER_MODEL) {
      List<LayerMetrics> layersB = LayerMetrics.of(other.report());
      metrics =
          metrics.withModelB(
              modelInfo(other.model()),
              passInfo(other),
              layersB,
              layersB.size() == layers.size() ? LayerComparison.of(layers, layersB) : null);
    }
    return metrics;
  }

  private static Described.PassInfo passInfo(AnalyzedPass pass) {
    return Described.PassInfo.of(pass.model().device(), pass.model().synthetic(), pass.report());
  }

  /** The model as the session file would name it (its weights' hash is the session's business). */
  private static Described.ModelInfo modelInfo(ModelInfo model) {
    ModelLocation location = model.location();
    if (location instanceof HubModelLocation hub) {
      return Described.ModelInfo.of(
          model.displayName(), ModelReference.Source.HUB, hub.repoId(), hub.commit(), model.spec());
    }
    if (location instanceof ModelLocation.Bundled) {
      return Described.ModelInfo.of(
          model.displayName(),
          ModelReference.Source.BUNDLED,
          dev.sinkscope.app.assets.BundledAssets.sessionName(model.displayName()),
          null,
          model.spec());
    }
    return Described.ModelInfo.of(
        model.displayName(), ModelReference.Source.FOLDER, null, null, model.spec());
  }

  private static Described.InputInfo inputInfo(LoadedImage image, AnalyzedPass pass)
      throws IOException {
    ImageSource source = image.source();
    byte[] bytes;
    if (source.file().isPresent()) {
      bytes = Files.readAllBytes(source.file().get());
    } else if (source instanceof ImageSource.FromBytes pasted) {
      bytes = pasted.bytes();
    } else if (source instanceof ImageSource.Bundled bundled) {
      bytes = bundled.assets().photoBytes(bundled.name());
    } else {
      bytes = null;
    }
    var pixels = pass.result().pixelValues(); // [1, 3, H, W]
    var layout = pass.result().layout();
    return new Described.InputInfo(
        image.displayName(),
        bytes == null ? null : Described.sha256(bytes),
        pixels.dim(2),
        pixels.dim(3),
        layout.gridRows(),
        layout.gridCols());
  }

  private static Described.FinalFeaturesInfo finalFeatures(AnalyzedPass pass) {
    FinalFeatures features = pass.finalFeatures();
    var layout = pass.result().layout();
    return new Described.FinalFeaturesInfo(
        "denoise:views=" + features.views() + ",seed=" + features.seed(), // as the CLI names it
        features.views(),
        features.seed(),
        Arrays.copyOfRange(
            features.tokenNorms(),
            layout.firstPatchIndex(),
            layout.firstPatchIndex() + layout.patchCount()),
        features.change());
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
        // the whole analysis: computed here (or waited for) where it still follows the picture
        for (LayerSummary s : pass.analysis().complete().summaries()) {
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

  private static String num(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "";
  }

  private static String csv(String text) {
    return text.contains(",") || text.contains("\"")
        ? "\"" + text.replace("\"", "\"\"") + "\""
        : text;
  }
}
