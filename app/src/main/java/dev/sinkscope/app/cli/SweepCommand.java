package dev.sinkscope.app.cli;

import dev.sinkscope.app.report.Mitigations;
import dev.sinkscope.inference.analysis.AnalysisOptions;
import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.pipeline.Inspection;
import dev.sinkscope.inference.pipeline.InspectionPipeline;
import dev.sinkscope.inference.preprocess.ImageLoadException;
import dev.sinkscope.inference.report.LayerMetrics;
import dev.sinkscope.inference.report.MetricsCsv;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.session.ModelSession;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sweep}: one row per image of a folder, worst artifacts first. */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Run a model on every image of a folder and rank the images by artifact severity: the largest "
            + "patch-norm max/median ratio over the blocks, then the artifact count and the sink mass on artifacts at "
            + "that block. Unreadable images get a row with an error instead of stopping the sweep.")
final class SweepCommand implements Callable<Integer> {
  /** Columns of the CSV, in order. */
  static final List<String> COLUMNS =
      List.of(
          "rank",
          "image",
          "status",
          "error",
          "worstBlock",
          "maxOverMedian",
          "patchNormMedian",
          "patchNormMax",
          "artifactCount",
          "artifactFraction",
          "sinkMassOnArtifacts",
          "clsCaptureOnArtifacts",
          "topSinkKind",
          "topSinkRatio",
          "emergenceBlock",
          "mitigations");

  @ParentCommand SinkscopeCommand root;
  @Spec CommandSpec spec;

  @Mixin ModelOption modelOption;

  @Mixin ImagesOption imagesOption;

  @Option(
      names = "--csv",
      required = true,
      paramLabel = "OUT.csv",
      description = "Write the ranking as CSV.")
  Path csv;

  @Option(names = "--json", paramLabel = "OUT.json", description = "Write the ranking as JSON too.")
  Path json;

  @Option(
      names = "--mitigation",
      paramLabel = "SPEC",
      description = "Measure with this mitigation applied (repeatable); see below.")
  List<String> mitigations = new ArrayList<>();

  @Option(
      names = "--neurons",
      paramLabel = "MAP.json",
      description = "Register-neuron map for ttr.")
  Path neurons;

  @Option(
      names = "--batch",
      defaultValue = "4",
      paramLabel = "N",
      description =
          "Images per forward pass when no mitigation is given (mitigations edit one pass, so a "
              + "mitigated sweep runs one image at a time). Results are the same for any N; larger N is faster on "
              + "a GPU and holds N images' captures at once. Default: ${DEFAULT-VALUE}.")
  int batch;

  @Mixin AnalysisSettings analysis;
  @Mixin CommonOptions common;

  /**
   * One image. Metrics are at {@code worstBlock}, the block with the largest max/median ratio; all
   * null (and {@code rank} null) when the image could not be read.
   *
   * @param rank 1 = most severe; null for an error row
   * @param image file name
   * @param status ok or error
   * @param error why the image was skipped; null when ok
   * @param worstBlock 1-based block with the largest patch-norm max/median ratio
   * @param maxOverMedian that ratio (the severity)
   * @param patchNormMedian median patch norm at that block
   * @param patchNormMax largest patch norm at that block
   * @param artifactCount artifact patches at that block (by --rule)
   * @param artifactFraction artifact patches / patches
   * @param sinkMassOnArtifacts share of received attention on the artifacts at that block
   * @param clsCaptureOnArtifacts share of CLS attention on the artifacts at that block
   * @param topSinkKind kind of the token receiving the most attention at that block
   * @param topSinkRatio its T x received attention
   * @param emergenceBlock first block with artifacts (methods §1.3 emergence); null when none
   * @param mitigations SPECs applied, space-separated; empty for none
   */
  record Row(
      Integer rank,
      String image,
      String status,
      String error,
      Integer worstBlock,
      Double maxOverMedian,
      Double patchNormMedian,
      Double patchNormMax,
      Integer artifactCount,
      Double artifactFraction,
      Double sinkMassOnArtifacts,
      Double clsCaptureOnArtifacts,
      String topSinkKind,
      Double topSinkRatio,
      Integer emergenceBlock,
      String mitigations) {

    static Row ok(String image, LayerMetrics w, AnalysisReport report, String mitigations) {
      return new Row(
          null,
          image,
          "ok",
          null,
          w.block(),
          w.maxOverMedian(),
          w.patchNormMedian(),
          w.patchNormMax(),
          w.artifactCount(),
          w.artifactFraction(),
          w.sinkMassOnArtifacts(),
          w.clsCaptureOnArtifacts(),
          w.topSinkKind(),
          w.topSinkRatio(),
          report.emergence().found() ? report.emergence().block() : null,
          mitigations);
    }

    static Row error(String image, String message, String mitigations) {
      return new Row(
          null,
          image,
          "error",
          message,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          mitigations);
    }

    Row ranked(int newRank) {
      return new Row(
          newRank,
          image,
          status,
          error,
          worstBlock,
          maxOverMedian,
          patchNormMedian,
          patchNormMax,
          artifactCount,
          artifactFraction,
          sinkMassOnArtifacts,
          clsCaptureOnArtifacts,
          topSinkKind,
          topSinkRatio,
          emergenceBlock,
          mitigations);
    }

    List<Object> fields() {
      return java.util.Arrays.asList(
          rank,
          image,
          status,
          error,
          worstBlock,
          maxOverMedian,
          patchNormMedian,
          patchNormMax,
          artifactCount,
          artifactFraction,
          sinkMassOnArtifacts,
          clsCaptureOnArtifacts,
          topSinkKind,
          topSinkRatio,
          emergenceBlock,
          mitigations);
    }
  }

  /**
   * Most severe first: max/median, then artifact count, then sink mass on artifacts; errors last.
   */
  static final Comparator<Row> SEVERITY =
      Comparator.comparing(
              (Row r) -> r.maxOverMedian() == null ? Double.NEGATIVE_INFINITY : r.maxOverMedian())
          .reversed()
          .thenComparing(
              Comparator.comparing((Row r) -> r.artifactCount() == null ? -1 : r.artifactCount())
                  .reversed())
          .thenComparing(
              Comparator.comparing(
                      (Row r) ->
                          r.sinkMassOnArtifacts() == null
                              ? Double.NEGATIVE_INFINITY
                              : r.sinkMassOnArtifacts())
                  .reversed())
          .thenComparing(Row::image);

  /**
   * Runs and analyses the pending images (one pass, or one per image with mitigations), then clears
   * them.
   */
  private static void analyzeBatch(
      InspectionPipeline pipeline,
      MitigationStack stack,
      List<FloatTensor> pending,
      List<String> names,
      AnalysisOptions options,
      String specs,
      List<Row> rows) {
    if (pending.isEmpty()) {
      return;
    }
    List<Inspection> inspections =
        pipeline.inspectForMetrics(pending, stack, options, CancellationToken.NONE);
    for (int n = 0; n < inspections.size(); n++) {
      Inspection inspection = inspections.get(n);
      rows.add(
          inspection.finite()
              ? Row.ok(
                  names.get(n),
                  CompareCommand.worst(inspection.metrics()),
                  inspection.report(),
                  specs)
              : Row.error(
                  names.get(n),
                  "the pass is not finite: " + inspection.health().describe(),
                  specs));
    }
    pending.clear();
    names.clear();
  }

  @Override
  public Integer call() throws Exception {
    if (batch < 1) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--batch must be >= 1, got " + batch);
    }
    // The table needs neither rollout nor PCA, nor full maps (summaries give the same metrics).
    AnalysisOptions options = analysis.options().metricsOnly();
    common.apply();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ModelResolver.Resolved resolved =
        new ModelResolver(root.context(), err).resolve(modelOption.model);
    List<Path> files = ImageFolder.list(imagesOption.images, root.context());
    List<Row> rows = new ArrayList<>();
    try (InspectionPipeline pipeline = InspectionPipeline.open(resolved.folder(), common.device)) {
      pipeline.capture(common.capture);
      ModelSession session = pipeline.session();
      MitigationStack stack = Mitigations.parse(mitigations, neurons, resolved.folder());
      stack.validate(session.spec());
      String specs = stack.spec();
      int perPass = stack.isEmpty() ? batch : 1;
      if (!stack.isEmpty() && batch > 1) {
        err.println("sweep: mitigations run one image per pass (--batch " + batch + " ignored)");
      }
      List<String> pendingNames = new ArrayList<>();
      List<FloatTensor> pending = new ArrayList<>();
      for (int i = 0; i < files.size(); i++) {
        Path file = files.get(i);
        String name = file.getFileName().toString();
        err.println("sweep: image " + (i + 1) + " of " + files.size() + ": " + name);
        err.flush();
        FloatTensor pixels;
        try {
          pixels = pipeline.preprocess(file).pixelValues();
        } catch (ImageLoadException e) {
          rows.add(Row.error(name, e.getMessage(), specs));
          continue;
        }
        // A batch holds images of one size; a differently sized image starts the next one.
        if (!pending.isEmpty()
            && !java.util.Arrays.equals(pending.get(0).shape(), pixels.shape())) {
          analyzeBatch(pipeline, stack, pending, pendingNames, options, specs, rows);
        }
        pending.add(pixels);
        pendingNames.add(name);
        if (pending.size() == perPass) {
          analyzeBatch(pipeline, stack, pending, pendingNames, options, specs, rows);
        }
      }
      analyzeBatch(pipeline, stack, pending, pendingNames, options, specs, rows);
    }
    rows.sort(SEVERITY);
    List<Row> ranked = new ArrayList<>();
    int rank = 0;
    for (Row r : rows) {
      ranked.add(r.status().equals("ok") ? r.ranked(++rank) : r);
    }
    try (Writer w = CompareCommand.newWriter(csv)) {
      w.write(MetricsCsv.line(COLUMNS));
      for (Row r : ranked) {
        w.write(MetricsCsv.line(r.fields()));
      }
    }
    if (json != null) {
      CompareCommand.writeJson(json, ranked);
    }
    out.println("rank  max/median  artifacts  block  image");
    for (Row r : ranked) {
      if (r.rank() == null) {
        out.println(
            "   -           -          -      -  " + r.image() + "  (error: " + r.error() + ")");
      } else {
        out.printf(
            Locale.ROOT,
            "%4d  %10.3f  %9d  %5d  %s%n",
            r.rank(),
            r.maxOverMedian(),
            r.artifactCount(),
            r.worstBlock(),
            r.image());
      }
    }
    out.println("csv:    " + csv);
    if (json != null) {
      out.println("json:   " + json);
    }
    out.flush();
    return 0;
  }
}
