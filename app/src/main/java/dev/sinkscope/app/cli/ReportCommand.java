package dev.sinkscope.app.cli;

import dev.sinkscope.inference.analysis.AnalysisOptions;
import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.Analyzer;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.mitigation.Mitigation;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.report.HeadSelection;
import dev.sinkscope.inference.report.LayerComparison;
import dev.sinkscope.inference.report.LayerMetrics;
import dev.sinkscope.inference.report.MetricsCsv;
import dev.sinkscope.inference.report.ModelReference;
import dev.sinkscope.inference.report.Quantity;
import dev.sinkscope.inference.report.SessionFile;
import dev.sinkscope.inference.report.ViewSettings;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.session.IncrementalRunner;
import dev.sinkscope.inference.session.ModelSession;
import dev.sinkscope.render.Colormap;
import dev.sinkscope.render.ExportMetadata;
import dev.sinkscope.render.Normalization;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code report}: render a session into a folder of pictures and metrics. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Render a session file into one folder: norm.png (patch norms), attention-received.png (sinks), "
        + "cls-attention.png, compare.png (before/after, when the session compares), metrics.json, metrics.csv and "
        + "a copy of the session as session.json.",
        "The weights and the photo must hash as the session recorded. The same session renders to identical PNGs."})
final class ReportCommand implements Callable<Integer> {
  static final String NORM_PNG = "norm.png";
  static final String RECEIVED_PNG = "attention-received.png";
  static final String CLS_PNG = "cls-attention.png";
  static final String COMPARE_PNG = "compare.png";

  @ParentCommand SinkscopeCommand root;
  @Spec CommandSpec spec;

  @Option(names = "--session", required = true, paramLabel = "SESSION.json", description = "Session file to render.")
  Path sessionFile;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write (created if needed).")
  Path outDir;

  @Option(names = "--allow-other-weights",
      description = "Render even when the model's weights no longer hash as the session recorded.")
  boolean allowOtherWeights;

  @Mixin CommonOptions common;

  /**
   * What metrics.json holds.
   *
   * @param model the model
   * @param input the photo
   * @param view what the pictures show
   * @param block the 1-based block the pictures show
   * @param mitigations what the session applies
   * @param layers per-block metrics of the session's pass (with its mitigations)
   * @param comparison per-block before/after, when the session has mitigations; else null
   */
  record Metrics(Described.ModelInfo model, Described.InputInfo input, ViewSettings view, int block,
      List<Described.MitigationInfo> mitigations, List<LayerMetrics> layers, List<LayerComparison> comparison) {}

  @Override
  public Integer call() throws Exception {
    common.apply();
    PrintWriter out = spec.commandLine().getOut();
    SessionFile session = SessionFile.read(sessionFile);
    session.verifyImage(sessionFile);
    ModelResolver resolver = new ModelResolver(root.context(), spec.commandLine().getErr());
    Path folder = resolver.resolve(session.model(), sessionFile, allowOtherWeights);
    ModelReference ref = session.model();
    ModelResolver.Resolved resolved = new ModelResolver.Resolved(ref.displayName(), folder, ref.source(),
        ref.id(), ref.revision());
    ImageInput image = ImageInput.photo(folder, session.imagePath(sessionFile));
    ViewSettings view = session.view();
    Colormap colormap = Pictures.colormap(view.colormap());
    Normalization normalization = Pictures.normalization(view.normalization());
    Files.createDirectories(outDir);
    List<String> written = new ArrayList<>();
    try (ModelSession model = ModelSession.open(folder, common.device)) {
      MitigationStack stack = Mitigations.parse(session.mitigations(), session.neuronsPath(sessionFile), folder);
      stack.validate(model.spec());
      int block = view.blockIn(model.spec().numLayers());
      HeadSelection head = view.head();
      head.validate(model.spec().numHeads());
      IncrementalRunner runner = new IncrementalRunner(model);
      ForwardResult before = runner.run(image.pixels(), MitigationStack.NONE, CaptureOptions.DEFAULT,
          CancellationToken.NONE, ProgressListener.NONE);
      ForwardResult current = stack.isEmpty() ? before : runner.run(image.pixels(), stack, CaptureOptions.DEFAULT,
          CancellationToken.NONE, ProgressListener.NONE);
      AnalysisOptions options = AnalysisSettings.defaults();
      AnalysisReport currentReport = Analyzer.analyze(current, options);
      String name = resolved.displayName();

      HeatmapExport.write(outDir.resolve(NORM_PNG), name, image, current, currentReport, stack, block,
          Quantity.PATCH_NORM, head, colormap, normalization);
      written.add(NORM_PNG);
      HeatmapExport.write(outDir.resolve(RECEIVED_PNG), name, image, current, currentReport, stack, block,
          Quantity.ATTENTION_RECEIVED, head, colormap, normalization);
      written.add(RECEIVED_PNG);
      if (current.layout().hasCls()) {
        HeatmapExport.write(outDir.resolve(CLS_PNG), name, image, current, currentReport, stack, block,
            Quantity.CLS_ATTENTION, head, colormap, normalization);
        written.add(CLS_PNG);
      }
      List<LayerMetrics> layers = LayerMetrics.of(currentReport);
      List<LayerComparison> comparison = null;
      if (!stack.isEmpty()) {
        comparison = LayerComparison.of(LayerMetrics.of(Analyzer.analyze(before, options)), layers);
      }
      if (session.comparesBeforeAfter()) {
        Quantity q = view.quantity();
        Pictures.Picture p = Pictures.beforeAfter(
            CompareCommand.heading(name, block, model.spec().numLayers(), q, head), image,
            Grids.of(q, before, block, head), Grids.of(q, current, block, head), "no mitigation",
            "with " + stack.spec(), colormap, normalization, q.label() + " (block " + block + ")");
        Pictures.write(p.raster(), Pictures.metadata(name, CompareCommand.blockText(block, model.spec().numLayers()),
            q.perHead() ? head.toString() : "n/a", q.label() + " before/after",
            stack.mitigations().stream().map(Mitigation::spec).toList(), ExportMetadata.describe(colormap, p.scale()),
            image.name(), "Left: without mitigations; middle: with them; right: after minus before (blue = lower)."),
            outDir.resolve(COMPARE_PNG));
        written.add(COMPARE_PNG);
      }
      Metrics metrics = new Metrics(Described.ModelInfo.of(resolved, model.spec()), Described.InputInfo.of(image,
          current), view, block, Described.MitigationInfo.of(stack), layers, comparison);
      CompareCommand.writeJson(outDir.resolve("metrics.json"), metrics);
      written.add("metrics.json");
      try (Writer w = CompareCommand.newWriter(outDir.resolve("metrics.csv"))) {
        if (comparison != null) {
          MetricsCsv.writeComparison(w, comparison);
        } else {
          MetricsCsv.writeLayers(w, layers);
        }
      }
      written.add("metrics.csv");
    }
    Files.copy(sessionFile, outDir.resolve("session.json"), StandardCopyOption.REPLACE_EXISTING);
    written.add("session.json");
    out.println("report: " + outDir);
    written.forEach(f -> out.println("  " + f));
    out.flush();
    return 0;
  }
}
