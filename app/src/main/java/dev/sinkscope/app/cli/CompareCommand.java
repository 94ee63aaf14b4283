package dev.sinkscope.app.cli;

import dev.sinkscope.app.report.Described;
import dev.sinkscope.app.report.Grids;
import dev.sinkscope.app.report.ImageInput;
import dev.sinkscope.app.report.Mitigations;
import dev.sinkscope.app.report.Pictures;
import dev.sinkscope.inference.analysis.AnalysisOptions;
import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.pipeline.Inspection;
import dev.sinkscope.inference.pipeline.InspectionPipeline;
import dev.sinkscope.inference.report.HeadSelection;
import dev.sinkscope.inference.report.LayerComparison;
import dev.sinkscope.inference.report.LayerMetrics;
import dev.sinkscope.inference.report.MetricsCsv;
import dev.sinkscope.inference.report.Quantity;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.session.ModelSession;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code compare}: the same image without and with mitigations, block by block. */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Run a model on an image without and with mitigations and report every block's metrics before, "
            + "after and their difference (JSON, CSV) plus a before/after picture.")
final class CompareCommand implements Callable<Integer> {

  @ParentCommand SinkscopeCommand root;
  @Spec CommandSpec spec;

  @Mixin ModelOption modelOption;

  @ArgGroup(exclusive = true, multiplicity = "1")
  AnalyzeCommand.Input input;

  @Option(
      names = "--mitigation",
      required = true,
      paramLabel = "SPEC",
      description = "Mitigation for the 'after' pass (repeatable, applied in order); see below.")
  List<String> mitigations = new ArrayList<>();

  @Option(
      names = "--neurons",
      paramLabel = "MAP.json",
      description = "Register-neuron map for ttr (ttr.json format).")
  Path neurons;

  @Option(
      names = "--json",
      required = true,
      paramLabel = "OUT.json",
      description = "Write the comparison as JSON.")
  Path json;

  @Option(names = "--csv", paramLabel = "OUT.csv", description = "Write one row per block as CSV.")
  Path csv;

  @Option(
      names = "--png",
      paramLabel = "OUT.png",
      description = "Write a before / after / difference picture of --quantity at --layer.")
  Path png;

  @Mixin PictureOptions picture;
  @Mixin AnalysisSettings analysis;
  @Mixin CommonOptions common;

  /**
   * What {@code --json} writes.
   *
   * @param model the model
   * @param input the image
   * @param device where the passes ran
   * @param rule the artifact rule in the rows
   * @param mitigations what the "after" pass applied
   * @param summary the headline numbers
   * @param layers one entry per block, block 1 first
   */
  record Report(
      Described.ModelInfo model,
      Described.InputInfo input,
      String device,
      String rule,
      List<Described.MitigationInfo> mitigations,
      Summary summary,
      List<LayerComparison> layers) {}

  /**
   * Headline numbers.
   *
   * @param worstMaxOverMedianBefore largest patch-norm max/median over all blocks, without
   *     mitigations
   * @param worstMaxOverMedianAfter the same with them
   * @param worstBlockBefore the block where the former occurs
   * @param worstBlockAfter the block where the latter occurs
   * @param emergenceBlockBefore first block with artifacts (methods §1.3 emergence), null when none
   * @param emergenceBlockAfter the same with mitigations
   */
  record Summary(
      Double worstMaxOverMedianBefore,
      Double worstMaxOverMedianAfter,
      int worstBlockBefore,
      int worstBlockAfter,
      Integer emergenceBlockBefore,
      Integer emergenceBlockAfter) {
    static Summary of(
        List<LayerMetrics> before, List<LayerMetrics> after, AnalysisReport b, AnalysisReport a) {
      LayerMetrics wb = worst(before);
      LayerMetrics wa = worst(after);
      return new Summary(
          wb.maxOverMedian(),
          wa.maxOverMedian(),
          wb.block(),
          wa.block(),
          b.emergence().found() ? b.emergence().block() : null,
          a.emergence().found() ? a.emergence().block() : null);
    }
  }

  /** The block with the largest max/median ratio. */
  static LayerMetrics worst(List<LayerMetrics> rows) {
    LayerMetrics worst = rows.get(0);
    for (LayerMetrics m : rows) {
      if (m.maxOverMedian() != null
          && (worst.maxOverMedian() == null || m.maxOverMedian() > worst.maxOverMedian())) {
        worst = m;
      }
    }
    return worst;
  }

  /**
   * {@code inspection} when its pass is finite; otherwise a clear error naming the pass and the
   * first bad value.
   */
  static Inspection finite(Inspection inspection, String which) {
    if (!inspection.finite()) {
      throw new IllegalStateException(
          "the pass " + which + " is not finite: " + inspection.health().describe());
    }
    return inspection;
  }

  @Override
  public Integer call() throws Exception {
    picture.validate();
    AnalysisOptions options = analysis.options();
    common.apply();
    PrintWriter out = spec.commandLine().getOut();
    ModelResolver.Resolved resolved =
        new ModelResolver(root.context(), spec.commandLine().getErr()).resolve(modelOption.model);
    ImageInput image =
        input.image != null
            ? ImageInput.photo(resolved.folder(), input.image)
            : ImageInput.pixels(input.pixels);
    try (InspectionPipeline pipeline = InspectionPipeline.open(resolved.folder(), common.device)) {
      pipeline.capture(common.capture);
      ModelSession session = pipeline.session();
      image.fitting(session.spec().patchSize());
      MitigationStack stack = Mitigations.parse(mitigations, neurons, resolved.folder());
      stack.validate(session.spec());
      int block = picture.block(session.spec().numLayers());
      HeadSelection head = picture.headSelection();
      head.validate(session.spec().numHeads());
      Inspection beforePass =
          finite(
              pipeline.inspect(
                  image.pixels(),
                  MitigationStack.NONE,
                  options,
                  CancellationToken.NONE,
                  ProgressListener.NONE),
              "without mitigations");
      Inspection afterPass =
          finite(
              pipeline.inspect(
                  image.pixels(), stack, options, CancellationToken.NONE, ProgressListener.NONE),
              "with " + stack.spec());
      ForwardResult before = beforePass.result();
      AnalysisReport beforeReport = beforePass.report();
      AnalysisReport afterReport = afterPass.report();
      List<LayerMetrics> b = LayerMetrics.of(beforeReport);
      List<LayerMetrics> a = LayerMetrics.of(afterReport);
      List<LayerComparison> rows = LayerComparison.of(b, a);

      out.println("model:  " + resolved.displayName() + " - " + session.spec().summary());
      out.println("device: " + session.deviceDescription());
      stack
          .mitigations()
          .forEach(
              m -> out.println("mitigation: " + m.spec() + " [" + m.provenance().label() + "]"));
      printTable(out, rows);

      Report report =
          new Report(
              resolved.info(session.spec()),
              Described.InputInfo.of(image, before),
              session.deviceDescription(),
              options.detection().rule().name(),
              Described.MitigationInfo.of(stack),
              Summary.of(b, a, beforeReport, afterReport),
              rows);
      writeJson(json, report);
      out.println("json:   " + json);
      if (csv != null) {
        try (Writer w = newWriter(csv)) {
          MetricsCsv.writeComparison(w, rows);
        }
        out.println("csv:    " + csv);
      }
      if (png != null) {
        Quantity quantity = picture.quantity();
        if (quantity.isRgb()) {
          throw new IllegalArgumentException(
              "--png cannot difference PCA colours; choose a quantity with a colour" + " scale");
        }
        String label = quantity.label() + " (block " + block + ")";
        String afterTitle = "with " + stack.spec();
        Pictures.Picture p =
            Pictures.beforeAfter(
                heading(resolved.displayName(), block, session.spec().numLayers(), quantity, head),
                image,
                Grids.of(
                    quantity, beforePass.attention(), beforeReport, block, head, picture.patch()),
                Grids.of(
                    quantity, afterPass.attention(), afterReport, block, head, picture.patch()),
                "no mitigation",
                afterTitle,
                picture.colormap(),
                picture.normalization(),
                label);
        Pictures.write(
            p.raster(),
            Pictures.metadata(
                resolved.displayName(),
                blockText(block, session.spec().numLayers()),
                quantity.perHead() ? head.toString() : "n/a",
                quantity.label() + " before/after",
                stack.mitigations().stream().map(m -> m.spec()).toList(),
                dev.sinkscope.render.ExportMetadata.describe(picture.colormap(), p.scale()),
                image.name(),
                "Left: without mitigations; middle: with them; right: after minus before (blue = lower)."),
            png);
        out.println("png:    " + png);
      }
    }
    out.flush();
    return 0;
  }

  static String heading(
      String model, int block, int blocks, Quantity quantity, HeadSelection head) {
    return Pictures.heading(model, block, blocks, quantity, head);
  }

  static String blockText(int block, int blocks) {
    return Pictures.blockText(block, blocks);
  }

  static void printTable(PrintWriter out, List<LayerComparison> rows) {
    out.println(
        "block   max/median before -> after   artifacts before -> after   sink mass on artifacts");
    for (LayerComparison r : rows) {
      out.printf(
          Locale.ROOT,
          "%5d   %10s -> %-10s   %8d -> %-8d         %s -> %s%n",
          r.block(),
          fmt(r.before().maxOverMedian()),
          fmt(r.after().maxOverMedian()),
          r.before().artifactCount(),
          r.after().artifactCount(),
          fmt(r.before().sinkMassOnArtifacts()),
          fmt(r.after().sinkMassOnArtifacts()));
    }
  }

  static String fmt(Double v) {
    return v == null ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
  }

  static void writeJson(Path file, Object value) throws IOException {
    Pictures.writeJson(file, value);
  }

  static Writer newWriter(Path file) throws IOException {
    return Pictures.newWriter(file);
  }
}
