package dev.sinkscope.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sinkscope.app.report.ImageInput;
import dev.sinkscope.app.report.Pictures;
import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.GridPosition;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.mitigation.ShiftFlipDenoiser;
import dev.sinkscope.inference.pipeline.Denoised;
import dev.sinkscope.inference.pipeline.Inspection;
import dev.sinkscope.inference.pipeline.InspectionPipeline;
import dev.sinkscope.inference.session.ModelSession;
import dev.sinkscope.render.Colormaps;
import dev.sinkscope.render.Marker;
import dev.sinkscope.render.Normalization;
import dev.sinkscope.render.ScalarGrid;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code denoise}: the PH-Reg teacher's test-time shift/flip averaging of the final-normed patch
 * features, and where it changes them (position-bound artifacts change most).
 */
@Command(
    name = "denoise",
    mixinStandardHelpOptions = true,
    description =
        "Shift/flip denoising (PH-Reg teacher, Chen et al. 2025): average the final-normed patch features"
            + " over whole-patch shifted and mirrored views (seeded, exact re-alignment) and report how far each patch"
            + " moved. Training-free; a reference-code reproduction with a fixed seed.")
final class DenoiseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand SinkscopeCommand root;

  @Mixin ModelOption modelOption;

  @Option(names = "--image", required = true, paramLabel = "FILE", description = "The photo.")
  Path image;

  @Option(
      names = "--views",
      defaultValue = "10",
      paramLabel = "N",
      description =
          "Views, the first the unshifted image (reference: 10). Default: ${DEFAULT-VALUE}.")
  int views;

  @Option(
      names = "--seed",
      defaultValue = "0",
      paramLabel = "S",
      description = "Seed of the view choice.")
  long seed;

  @Option(
      names = "--json",
      required = true,
      paramLabel = "OUT.json",
      description = "Views, per-patch change ||x - x_avg|| (row-major grid) and its statistics.")
  Path json;

  @Option(
      names = "--png",
      paramLabel = "OUT.png",
      description = "Heatmap of the per-patch change over the photo.")
  Path png;

  @Mixin CommonOptions common;

  /** What {@code --json} holds. */
  record Report(
      String model,
      String image,
      int rows,
      int cols,
      long seed,
      List<ShiftFlipDenoiser.View> views,
      float[] change,
      float[] cosine,
      double medianChange,
      double maxChange,
      double meanChangeOnArtifacts,
      double meanChangeElsewhere,
      List<GridPosition> artifacts,
      String provenance) {}

  @Override
  public Integer call() throws Exception {
    if (views < 1 || views > 256) {
      throw new IllegalArgumentException("--views must be 1..256, got " + views);
    }
    common.apply();
    PrintWriter out = spec.commandLine().getOut();
    ModelResolver.Resolved resolved =
        new ModelResolver(root.context(), spec.commandLine().getErr()).resolve(modelOption.model);
    ImageInput input = ImageInput.photo(resolved.folder(), image);
    try (InspectionPipeline pipeline = InspectionPipeline.open(resolved.folder(), common.device)) {
      pipeline.capture(common.capture);
      ModelSession session = pipeline.session();
      Denoised denoised =
          pipeline.denoise(
              input.pixels(),
              MitigationStack.NONE,
              views,
              seed,
              CancellationToken.NONE,
              ProgressListener.NONE);
      int rows = denoised.rows();
      int cols = denoised.cols();
      List<ShiftFlipDenoiser.View> chosen = denoised.views();
      float[] change = denoised.change();
      float[] cosine = denoised.cosine();
      Inspection baseline =
          pipeline.inspect(
              input.pixels(),
              MitigationStack.NONE,
              AnalysisSettings.defaults(),
              CancellationToken.NONE,
              ProgressListener.NONE);
      if (!baseline.finite()) {
        throw new IllegalStateException("the pass is not finite: " + baseline.health().describe());
      }
      AnalysisReport report = baseline.report();
      List<GridPosition> artifacts =
          report.norms().get(report.norms().size() - 1).artifacts().positions();
      boolean[] isArtifact = new boolean[rows * cols];
      artifacts.forEach(g -> isArtifact[g.row() * cols + g.col()] = true);
      double onArtifacts = mean(change, isArtifact, true);
      double elsewhere = mean(change, isArtifact, false);
      float[] sorted = change.clone();
      Arrays.sort(sorted);
      Report r =
          new Report(
              resolved.displayName(),
              input.name(),
              rows,
              cols,
              seed,
              chosen,
              change,
              cosine,
              sorted[sorted.length / 2],
              sorted[sorted.length - 1],
              onArtifacts,
              elsewhere,
              artifacts,
              "training-free test-time averaging (PH-Reg teacher); seeded, exact whole-patch re-alignment");
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), r);
      out.printf(
          Locale.ROOT, "model:  %s - %s%n", resolved.displayName(), session.spec().summary());
      out.printf(
          Locale.ROOT, "views:  %d (seed %d), grid %dx%d%n", chosen.size(), seed, rows, cols);
      out.printf(
          Locale.ROOT,
          "feature change ||x - x_avg||: median %.3f, max %.3f; on the %d artifact patches %.3f, elsewhere %.3f%n",
          r.medianChange(),
          r.maxChange(),
          artifacts.size(),
          onArtifacts,
          elsewhere);
      out.println("json:   " + json);
      if (png != null) {
        List<Marker> markers = new ArrayList<>();
        for (GridPosition g : artifacts) {
          markers.add(new Marker(Marker.Kind.ARTIFACT, g.row(), g.col(), 0));
        }
        Pictures.Picture picture =
            Pictures.heatmap(
                resolved.displayName() + " | shift/flip denoising, " + chosen.size() + " views",
                input.name() + ": change of the final patch features",
                input,
                new ScalarGrid(rows, cols, change),
                Colormaps.MAGMA,
                new Normalization.MinMax(),
                "change ||x - x_avg||",
                markers);
        Pictures.write(
            picture.raster(),
            Pictures.metadata(
                resolved.displayName(),
                "final (normed)",
                "n/a",
                "shift/flip feature change",
                List.of("denoise:views=" + chosen.size() + ",seed=" + seed),
                "magma, min-max",
                input.name(),
                "Red rings: artifact patches of the plain pass at the last block."),
            png);
        out.println("png:    " + png);
      }
    }
    return 0;
  }

  private static double mean(float[] values, boolean[] mask, boolean inside) {
    double sum = 0;
    int n = 0;
    for (int i = 0; i < values.length; i++) {
      if (mask[i] == inside) {
        sum += values[i];
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }
}
