package dev.sinkscope.app.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.sinkscope.inference.analysis.AnalysisOptions;
import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.mitigation.Mitigation;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.model.ModelLoadException;
import dev.sinkscope.inference.pipeline.CaptureChoice;
import dev.sinkscope.inference.pipeline.CapturedAttention;
import dev.sinkscope.inference.pipeline.Inspection;
import dev.sinkscope.inference.pipeline.InspectionPipeline;
import dev.sinkscope.inference.preprocess.ImageLoadException;
import dev.sinkscope.inference.preprocess.PreprocessConfigException;
import dev.sinkscope.inference.report.HeadSelection;
import dev.sinkscope.inference.report.LayerComparison;
import dev.sinkscope.inference.report.LayerMetrics;
import dev.sinkscope.inference.report.MetricsCsv;
import dev.sinkscope.inference.report.ModelReference;
import dev.sinkscope.inference.report.Quantity;
import dev.sinkscope.inference.report.SessionFile;
import dev.sinkscope.inference.report.ViewSettings;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.session.ModelSession;
import dev.sinkscope.render.Colormap;
import dev.sinkscope.render.ExportMetadata;
import dev.sinkscope.render.Normalization;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a session into one folder: a PNG per panel, the metrics as JSON and CSV, and the session
 * file. The command line's {@code report} and the app's File > "Export report…" both write through
 * here, so the folders look the same. Pure Java drawing (the render module); no toolkit.
 */
public final class SessionReport {
  public static final String NORM_PNG = "norm.png";
  public static final String RECEIVED_PNG = "attention-received.png";
  public static final String CLS_PNG = "cls-attention.png";
  public static final String COMPARE_PNG = "compare.png";
  public static final String METRICS_JSON = "metrics.json";
  public static final String METRICS_CSV = "metrics.csv";
  public static final String SESSION_JSON = "session.json";

  /** Model B's panels are named as model A's with this prefix. */
  public static final String MODEL_B_PREFIX = "b-";

  private SessionReport() {}

  /** Opens a model folder on the caller's device. */
  @FunctionalInterface
  public interface ModelOpener {
    ModelSession open(Path folder) throws ModelLoadException;

    /**
     * The report is done with {@code session}: closes it, unless the opener lent a model that stays
     * open (the app's model on screen).
     */
    default void release(ModelSession session) throws IOException {
      session.close();
    }

    /** How the report's passes keep attention (the numbers are the same under each). */
    default CaptureChoice capture() {
      return CaptureChoice.AUTO;
    }
  }

  /** A model the report uses for a while, handed back to its opener at the end. */
  private record Borrowed(ModelOpener opener, InspectionPipeline pipeline)
      implements AutoCloseable {
    static Borrowed open(ModelOpener opener, Path folder) throws ModelLoadException {
      return new Borrowed(opener, pipelineFor(opener, folder));
    }

    @Override
    public void close() throws IOException {
      opener.release(pipeline.session());
    }
  }

  /** The pipeline the report runs on {@code folder}'s model, with the opener's capture choice. */
  static InspectionPipeline pipelineFor(ModelOpener opener, Path folder) throws ModelLoadException {
    return InspectionPipeline.over(opener.open(folder)).capture(opener.capture());
  }

  /** Hears which step runs; {@code fraction} of the whole report in [0, 1]. */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = (step, fraction) -> {};

    void step(String what, double fraction);
  }

  /**
   * What metrics.json holds; the app's File > "Export metrics…" (Ctrl+M) writes the same layout for
   * the view on screen, with {@link #writeMetrics}.
   *
   * @param producer always "Sinkscope"
   * @param model the model
   * @param input the photo
   * @param view what the pictures show; null when the view needs a selected patch and none is
   * @param block the 1-based block the pictures show
   * @param mitigations what the session applies
   * @param pass whole-pass results of the session's pass (device, rule, emergence, sink shares)
   * @param layers per-block metrics of the session's pass (with its mitigations)
   * @param comparison per-block before/after: {@code report} writes it when the session has
   *     mitigations, the app when its comparison shows before/after; else null
   * @param finalFeatures the final features the last block shows while shift/flip denoising is on
   *     (the app only); else null
   * @param modelB model B of an {@code other-model} session; else left out
   * @param passB whole-pass results of model B; else left out
   * @param layersB per-block metrics of model B (without mitigations); else left out
   * @param comparisonB per-block model A ("before") against model B ("after") when both have as
   *     many blocks; else left out
   */
  public record Metrics(
      String producer,
      Described.ModelInfo model,
      Described.InputInfo input,
      ViewSettings view,
      int block,
      List<Described.MitigationInfo> mitigations,
      Described.PassInfo pass,
      List<LayerMetrics> layers,
      List<LayerComparison> comparison,
      Described.FinalFeaturesInfo finalFeatures,
      @JsonInclude(JsonInclude.Include.NON_NULL) Described.ModelInfo modelB,
      @JsonInclude(JsonInclude.Include.NON_NULL) Described.PassInfo passB,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<LayerMetrics> layersB,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<LayerComparison> comparisonB) {
    public static final String PRODUCER = "Sinkscope";

    /** These metrics with model B's. */
    public Metrics withModelB(
        Described.ModelInfo modelB,
        Described.PassInfo passB,
        List<LayerMetrics> layersB,
        List<LayerComparison> comparisonB) {
      return new Metrics(
          producer,
          model,
          input,
          view,
          block,
          mitigations,
          pass,
          layers,
          comparison,
          finalFeatures,
          modelB,
          passB,
          layersB,
          comparisonB);
    }
  }

  /** Writes {@code metrics} as metrics.json does (indented; null, never "NaN", for no value). */
  public static void writeMetrics(Path file, Metrics metrics) throws IOException {
    Pictures.writeJson(file, metrics);
  }

  /**
   * Writes the report of {@code session} into {@code outDir} (created if needed) and returns the
   * names of the files written, in order. The caller has located the models and checked their
   * weights and the photo.
   *
   * @param sessionFile where the session lies (relative paths resolve against its folder); copied
   *     as {@link #SESSION_JSON} unless it already is that file
   * @param modelFolder the session's model
   * @param modelBFolder model B for an {@code other-model} session, else null
   */
  public static List<String> write(
      SessionFile session,
      Path sessionFile,
      Path modelFolder,
      Path modelBFolder,
      Path outDir,
      ModelOpener opener,
      Progress progress)
      throws IOException, ModelLoadException, PreprocessConfigException, ImageLoadException {
    return write(
        session,
        sessionFile,
        modelFolder,
        modelBFolder,
        outDir,
        opener,
        progress,
        CancellationToken.NONE);
  }

  /**
   * As {@link #write(SessionFile, Path, Path, Path, Path, ModelOpener, Progress)}, stopping with a
   * {@link java.util.concurrent.CancellationException} between blocks and between steps once {@code
   * cancel} says so; files written before that stay.
   */
  public static List<String> write(
      SessionFile session,
      Path sessionFile,
      Path modelFolder,
      Path modelBFolder,
      Path outDir,
      ModelOpener opener,
      Progress progress,
      CancellationToken cancel)
      throws IOException, ModelLoadException, PreprocessConfigException, ImageLoadException {
    Progress checked =
        (step, fraction) -> {
          cancel.throwIfCancelled();
          progress.step(step, fraction);
        };
    return render(session, sessionFile, modelFolder, modelBFolder, outDir, opener, checked, cancel);
  }

  private static List<String> render(
      SessionFile session,
      Path sessionFile,
      Path modelFolder,
      Path modelBFolder,
      Path outDir,
      ModelOpener opener,
      Progress progress,
      CancellationToken cancel)
      throws IOException, ModelLoadException, PreprocessConfigException, ImageLoadException {
    boolean withB = session.comparesOtherModel();
    if (withB && modelBFolder == null) {
      throw new IllegalArgumentException(
          "the session compares with model B, but model B was not located");
    }
    ViewSettings view = session.view();
    Colormap colormap = Pictures.colormap(view.colormap());
    Normalization normalization = Pictures.normalization(view.normalization());
    ImageInput image = ImageInput.photo(modelFolder, session.imagePath(sessionFile));
    MitigationStack stack =
        Mitigations.parse(session.mitigations(), session.neuronsPath(sessionFile), modelFolder);
    Files.createDirectories(outDir);
    List<String> written = new ArrayList<>();
    AnalysisOptions options =
        AnalysisOptions.defaults().withPca(dev.sinkscope.inference.analysis.PcaOptions.disabled());
    int steps = withB ? 6 : 4;
    Metrics metrics;
    Pass a;
    progress.step("Opening " + session.model().displayName(), 0);
    try (Borrowed borrowed = Borrowed.open(opener, modelFolder)) {
      InspectionPipeline pipeline = borrowed.pipeline();
      ModelSession model = pipeline.session();
      stack.validate(model.spec());
      HeadSelection head = view.head();
      head.validate(model.spec().numHeads());
      int block = view.blockIn(model.spec().numLayers());
      progress.step("Running " + session.model().displayName(), 1.0 / steps);
      Inspection beforePass =
          finite(
              pipeline.inspect(
                  image.pixels(), MitigationStack.NONE, options, cancel, ProgressListener.NONE),
              session.model().displayName());
      Inspection currentPass =
          stack.isEmpty()
              ? beforePass
              : finite(
                  pipeline.inspect(image.pixels(), stack, options, cancel, ProgressListener.NONE),
                  session.model().displayName() + " with " + stack.spec());
      ForwardResult current = currentPass.result();
      AnalysisReport currentReport = currentPass.report();
      a =
          new Pass(
              session.model().displayName(), currentPass.attention(), currentReport, stack, block);
      progress.step("Drawing the panels of " + a.name, 2.0 / steps);
      writePanels(a, "", session, image, colormap, normalization, outDir, written);

      List<LayerMetrics> layers = LayerMetrics.of(currentReport);
      List<LayerComparison> comparison = null;
      AnalysisReport beforeReport = null;
      if (!stack.isEmpty()) {
        beforeReport = beforePass.report();
        comparison = LayerComparison.of(LayerMetrics.of(beforeReport), layers);
      }
      if (session.comparesBeforeAfter()) {
        Quantity q = view.quantity();
        if (!q.isRgb()) {
          int shown = q.perBlock() ? block : current.blocks();
          Pictures.Picture p =
              Pictures.beforeAfter(
                  Pictures.heading(a.name, shown, current.blocks(), q, head),
                  image,
                  Grids.of(q, beforePass.attention(), beforeReport, shown, head, view.patch()),
                  Grids.of(q, a.attention, currentReport, shown, head, view.patch()),
                  BlockView.markers(beforeReport, shown),
                  BlockView.markers(currentReport, shown),
                  "no mitigation",
                  "with " + stack.spec(),
                  colormap,
                  normalization,
                  q.label() + (q.perBlock() ? " (block " + block + ")" : ""));
          Pictures.write(
              p.raster(),
              Pictures.metadata(
                  a.name,
                  Pictures.blockText(shown, current.blocks()),
                  q.perHead() ? head.toString() : "n/a",
                  q.label() + " before/after",
                  specs(stack),
                  ExportMetadata.describe(colormap, p.scale()),
                  image.name(),
                  "Left: without mitigations; middle: with them; right: after minus before (blue = lower)."),
              outDir.resolve(COMPARE_PNG));
          written.add(COMPARE_PNG);
        }
      }
      metrics =
          new Metrics(
              Metrics.PRODUCER,
              info(session.model(), model),
              Described.InputInfo.of(image, current),
              view,
              block,
              Described.MitigationInfo.of(stack),
              Described.PassInfo.of(
                  model.deviceDescription(),
                  dev.sinkscope.app.assets.BundledAssets.isPhantom(modelFolder),
                  currentReport),
              layers,
              comparison,
              null,
              null,
              null,
              null,
              null);
    }
    List<LayerComparison> comparisonB = null;
    if (withB) {
      ModelReference refB = session.modelB();
      progress.step("Opening model B, " + refB.displayName(), 3.0 / steps);
      try (Borrowed borrowedB = Borrowed.open(opener, modelBFolder)) {
        InspectionPipeline pipelineB = borrowedB.pipeline();
        ModelSession modelB = pipelineB.session();
        ImageInput imageB = ImageInput.photo(modelBFolder, session.imagePath(sessionFile));
        view.head().validate(modelB.spec().numHeads());
        int blocksB = modelB.spec().numLayers();
        // As the app does: the same block number, or B's last block when B has fewer.
        int blockB = view.layer() == 0 ? blocksB : Math.min(view.layer(), blocksB);
        progress.step("Running model B, " + refB.displayName(), 4.0 / steps);
        Inspection passB =
            finite(
                pipelineB.inspect(
                    imageB.pixels(), MitigationStack.NONE, options, cancel, ProgressListener.NONE),
                refB.displayName());
        AnalysisReport reportB = passB.report();
        Pass b =
            new Pass(refB.displayName(), passB.attention(), reportB, MitigationStack.NONE, blockB);
        writePanels(b, MODEL_B_PREFIX, session, imageB, colormap, normalization, outDir, written);
        if (writeAgainstB(a, b, view, image, colormap, normalization, outDir)) {
          written.add(COMPARE_PNG);
        }
        List<LayerMetrics> layersB = LayerMetrics.of(reportB);
        if (layersB.size() == metrics.layers().size()) {
          comparisonB = LayerComparison.of(metrics.layers(), layersB);
        }
        metrics =
            metrics.withModelB(
                info(refB, modelB),
                Described.PassInfo.of(
                    modelB.deviceDescription(),
                    dev.sinkscope.app.assets.BundledAssets.isPhantom(modelBFolder),
                    reportB),
                layersB,
                comparisonB);
      }
    }
    progress.step("Writing the metrics", (steps - 1.0) / steps);
    writeMetrics(outDir.resolve(METRICS_JSON), metrics);
    written.add(METRICS_JSON);
    try (Writer w = Pictures.newWriter(outDir.resolve(METRICS_CSV))) {
      // The comparison the session asks for: model B when it compares with B, else before/after.
      if (comparisonB != null) {
        MetricsCsv.writeComparison(w, comparisonB);
      } else if (metrics.comparison() != null) {
        MetricsCsv.writeComparison(w, metrics.comparison());
      } else {
        MetricsCsv.writeLayers(w, metrics.layers());
      }
    }
    written.add(METRICS_CSV);
    Path copy = outDir.resolve(SESSION_JSON);
    if (!Files.exists(copy) || !Files.isSameFile(sessionFile, copy)) {
      Files.copy(sessionFile, copy, StandardCopyOption.REPLACE_EXISTING);
    }
    written.add(SESSION_JSON);
    written.add(HtmlReport.write(outDir, metrics, session, List.copyOf(written)));
    progress.step("Report written", 1);
    return written;
  }

  /** The PNG name of a quantity's panel, e.g. {@code rollout.png}. */
  public static String panelName(Quantity quantity) {
    return switch (quantity) {
      case PATCH_NORM -> NORM_PNG;
      case ATTENTION_RECEIVED -> RECEIVED_PNG;
      case CLS_ATTENTION -> CLS_PNG;
      default -> quantity.key() + ".png";
    };
  }

  /** One analysed pass (its attention, kept or recomputable) and the block its panels show. */
  private record Pass(
      String name,
      CapturedAttention attention,
      AnalysisReport report,
      MitigationStack stack,
      int block) {
    ForwardResult result() {
      return attention.result();
    }
  }

  /**
   * {@code inspection} when its pass is finite; otherwise a clear error naming the pass and the
   * first bad value.
   */
  private static Inspection finite(Inspection inspection, String which) {
    if (!inspection.finite()) {
      throw new IllegalStateException(
          "the pass of " + which + " is not finite: " + inspection.health().describe());
    }
    return inspection;
  }

  /**
   * Norm, received attention, CLS attention (with a CLS token), and the session's quantity when it
   * is another.
   */
  private static void writePanels(
      Pass pass,
      String prefix,
      SessionFile session,
      ImageInput image,
      Colormap colormap,
      Normalization normalization,
      Path outDir,
      List<String> written)
      throws IOException {
    List<Quantity> panels =
        new ArrayList<>(List.of(Quantity.PATCH_NORM, Quantity.ATTENTION_RECEIVED));
    if (pass.result().clsLikeQuery().availableAt(pass.block())) {
      panels.add(
          Quantity.CLS_ATTENTION); // a model without CLS: the pooling probe's attention, last block
      // only
    }
    if (!panels.contains(session.view().quantity())) {
      panels.add(session.view().quantity());
    }
    for (Quantity q : panels) {
      String name = prefix + panelName(q);
      HeatmapExport.write(
          outDir.resolve(name),
          pass.name,
          image,
          pass.attention,
          pass.report,
          pass.stack,
          pass.block,
          q,
          session.view().head(),
          session.view().patch(),
          colormap,
          normalization);
      written.add(name);
    }
  }

  /**
   * Model A, model B and B minus A of the session's quantity; false when they cannot be
   * differenced.
   */
  private static boolean writeAgainstB(
      Pass a,
      Pass b,
      ViewSettings view,
      ImageInput image,
      Colormap colormap,
      Normalization normalization,
      Path outDir)
      throws IOException {
    Quantity q = view.quantity();
    if (q.isRgb()) {
      return false; // PCA colours of two models have unrelated axes
    }
    int blockA = q.perBlock() ? a.block : a.result().blocks();
    int blockB = q.perBlock() ? b.block : b.result().blocks();
    var gridA = Grids.of(q, a.attention, a.report, blockA, view.head(), view.patch());
    var gridB = Grids.of(q, b.attention, b.report, blockB, view.head(), view.patch());
    if (gridA.rows() != gridB.rows() || gridA.cols() != gridB.cols()) {
      return false;
    }
    Pictures.Picture p =
        Pictures.beforeAfter(
            a.name
                + " vs "
                + b.name
                + " | "
                + q.label()
                + (q.perHead() ? " (" + Pictures.headLabel(view.head()) + ")" : ""),
            image,
            gridA,
            gridB,
            BlockView.markers(a.report, blockA),
            BlockView.markers(b.report, blockB),
            "A: " + a.name + (a.stack.isEmpty() ? "" : " with " + a.stack.spec()),
            "B: " + b.name,
            colormap,
            normalization,
            q.label()
                + (q.perBlock()
                    ? " (block " + blockA + (blockA == blockB ? "" : " / " + blockB) + ")"
                    : ""));
    java.util.Map<String, String> metadata =
        Pictures.metadata(
            a.name + " | " + b.name,
            q.perBlock() ? Pictures.blockText(blockA, a.result().blocks()) : "all blocks (rollout)",
            q.perHead() ? view.head().toString() : "n/a",
            q.label() + ": model A vs model B",
            specs(a.stack),
            ExportMetadata.describe(colormap, p.scale()),
            image.name(),
            "Left: model A; middle: model B (no mitigations); right: B minus A (blue = lower).");
    metadata.put("Compared", "A: " + a.name + " | B: " + b.name);
    Pictures.write(p.raster(), metadata, outDir.resolve(COMPARE_PNG));
    return true;
  }

  private static Described.ModelInfo info(ModelReference ref, ModelSession session) {
    return Described.ModelInfo.of(
        ref.displayName(), ref.source(), ref.id(), ref.revision(), session.spec());
  }

  private static List<String> specs(MitigationStack stack) {
    return stack.mitigations().stream().map(Mitigation::spec).toList();
  }
}
