package dev.sinkscope.app.cli;

import dev.sinkscope.inference.analysis.AnalysisOptions;
import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.Analyzer;
import dev.sinkscope.inference.analysis.AttentionRollout;
import dev.sinkscope.inference.analysis.ClsAttention;
import dev.sinkscope.inference.analysis.EmergenceLayer;
import dev.sinkscope.inference.analysis.HeadFusion;
import dev.sinkscope.inference.analysis.LayerAttentionSummary;
import dev.sinkscope.inference.analysis.LayerNormAnalysis;
import dev.sinkscope.inference.analysis.MassiveActivationFinder;
import dev.sinkscope.inference.analysis.PatchFeaturePca;
import dev.sinkscope.inference.analysis.PatchNormAnalyzer;
import dev.sinkscope.inference.analysis.PatchNormStats;
import dev.sinkscope.inference.analysis.QuerySet;
import dev.sinkscope.inference.analysis.RolloutMode;
import dev.sinkscope.inference.analysis.SinkAnalyzer;
import dev.sinkscope.inference.analysis.ThresholdPreset;
import dev.sinkscope.inference.analysis.ThresholdPresets;
import dev.sinkscope.inference.bench.InferenceBenchmark;
import dev.sinkscope.inference.bench.Timing;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.mitigation.TestTimeRegisters;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.pipeline.InspectionPipeline;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.LayerCapture;
import dev.sinkscope.inference.result.NumericalHealth;
import dev.sinkscope.inference.result.TokenLayout;
import dev.sinkscope.inference.session.ModelSession;
import dev.sinkscope.render.Colormaps;
import dev.sinkscope.render.OverlayCompositor;
import dev.sinkscope.render.OverlayLayer;
import dev.sinkscope.render.PreprocessGeometry;
import dev.sinkscope.render.Raster;
import dev.sinkscope.render.ScalarGrid;
import dev.sinkscope.render.Scale;
import dev.sinkscope.render.Upsampling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a user waits for in the window, through the pipeline the window uses ({@link
 * InspectionPipeline}, ADR 0015): request → picture (model open, photo preprocessed; the pass with
 * the window's capture choice, the analysis the window runs before its first picture in its default
 * view — the health check and {@link Analyzer#firstPicture}: norms, artifact detection, emergence —
 * and the first picture: the last block's patch-norm heatmap composited over a 1024 px photo with
 * the render module), what the window computes after that picture in the background (the rest of
 * the analysis, {@link Analyzer#complete}, then the PCA of every block: separate figures, nobody
 * waits for them unless a view that needs them is shown), and toggle → picture for the test-time
 * registers, the sigmoid swap from block L/2 and switching either off. A benchmark, not a test:
 * nothing fails on the numbers.
 */
final class RequestToPictureBench {

  /** Timings of one model and input. */
  record Figures(
      Timing request,
      Timing forward,
      Timing analysis,
      Timing draw,
      Timing pcaAfterPicture,
      Timing analysisAfterPicture,
      Map<String, Timing> analysisParts,
      Timing ttrOn,
      Timing swapOn,
      int swapStartBlock,
      Timing off,
      String capture) {}

  private static final int PHOTO = 1024;

  private RequestToPictureBench() {}

  static Figures run(ModelSession session, FloatTensor pixels, int warmup, int runs) {
    InspectionPipeline pipeline = InspectionPipeline.over(session);
    AnalysisOptions options = AnalysisOptions.defaults();
    ModelSpec spec = session.spec();
    MitigationStack ttr =
        MitigationStack.of(
            TestTimeRegisters.reference(InferenceBenchmark.middleBlockNeurons(spec)));
    MitigationStack swap = MitigationStack.of(InferenceBenchmark.swapFromMiddle(spec));
    Raster photo = Raster.filled(PHOTO, PHOTO, 0xFF808080);

    double[][] parts = new double[6][runs];
    String[] capture = {""};
    for (int i = -warmup; i < runs; i++) {
      pipeline.clear(); // a new request: nothing cached
      long t0 = System.nanoTime();
      ForwardResult result =
          pipeline.run(pixels, MitigationStack.NONE, CancellationToken.NONE, ProgressListener.NONE);
      long t1 = System.nanoTime();
      AnalysisReport report = analyse(result, options);
      long t2 = System.nanoTime();
      draw(result, photo);
      long t3 = System.nanoTime();
      // after the first picture, as the window's inference lane does next: the rest of the
      // analysis, then the PCA of every block
      AnalysisReport whole = Analyzer.complete(report, result, List.of());
      long t4 = System.nanoTime();
      InspectionPipeline.pcaByBlock(result, whole, CancellationToken.NONE);
      long t5 = System.nanoTime();
      if (i >= 0) {
        parts[0][i] = (t3 - t0) / 1e6;
        parts[1][i] = (t1 - t0) / 1e6;
        parts[2][i] = (t2 - t1) / 1e6;
        parts[3][i] = (t3 - t2) / 1e6;
        parts[4][i] = (t5 - t4) / 1e6;
        parts[5][i] = (t4 - t3) / 1e6;
      }
      capture[0] = result.block(1).attention() != null ? "full maps" : "summaries";
    }
    ForwardResult baseline =
        pipeline.run(pixels, MitigationStack.NONE, CancellationToken.NONE, ProgressListener.NONE);
    Map<String, Timing> breakdown = breakdown(baseline, options, warmup, runs);

    Supplier<Object> off = () -> toPicture(pipeline, pixels, MitigationStack.NONE, options, photo);
    Timing ttrOn =
        Timing.measure(
            warmup, runs, off::get, () -> toPicture(pipeline, pixels, ttr, options, photo));
    List<Integer> starts = new ArrayList<>();
    Timing swapOn =
        Timing.measure(
            warmup,
            runs,
            off::get,
            () -> {
              Object r = toPicture(pipeline, pixels, swap, options, photo);
              starts.add(pipeline.lastStartBlock());
              return r;
            });
    Timing offTiming =
        Timing.measure(
            0,
            runs,
            () -> toPicture(pipeline, pixels, swap, options, photo),
            () -> toPicture(pipeline, pixels, MitigationStack.NONE, options, photo));
    return new Figures(
        Timing.of(parts[0]),
        Timing.of(parts[1]),
        Timing.of(parts[2]),
        Timing.of(parts[3]),
        Timing.of(parts[4]),
        Timing.of(parts[5]),
        breakdown,
        ttrOn,
        swapOn,
        starts.stream().mapToInt(Integer::intValue).min().orElse(-1),
        offTiming,
        capture[0]);
  }

  /**
   * The analysis the window runs before its first picture in its default view (the patch norm):
   * InferenceService's health check and analysis step; the rest of the analysis and the PCA of
   * every block come after the picture.
   */
  private static AnalysisReport analyse(ForwardResult result, AnalysisOptions options) {
    if (!NumericalHealth.check(result).ok()) {
      throw new IllegalStateException("the benchmark pass is not finite");
    }
    return Analyzer.firstPicture(result, options);
  }

  private static Raster toPicture(
      InspectionPipeline pipeline,
      FloatTensor pixels,
      MitigationStack stack,
      AnalysisOptions options,
      Raster photo) {
    ForwardResult result =
        pipeline.run(pixels, stack, CancellationToken.NONE, ProgressListener.NONE);
    analyse(result, options);
    return draw(result, photo);
  }

  /** The window's default first view: patch norm of the last block, viridis, 0.6 opacity. */
  static Raster draw(ForwardResult result, Raster photo) {
    TokenLayout layout = result.layout();
    float[] norms = result.block(result.blocks()).tokenNorms();
    float[] patches =
        Arrays.copyOfRange(
            norms, layout.firstPatchIndex(), layout.firstPatchIndex() + layout.patchCount());
    ScalarGrid grid = new ScalarGrid(layout.gridRows(), layout.gridCols(), patches);
    int rows = layout.gridRows();
    int cols = layout.gridCols();
    PreprocessGeometry geometry =
        PreprocessGeometry.resizeShorterSideCenterCrop(
            photo.width(),
            photo.height(),
            (int) Math.round(rows * 14 * 256 / 224.0),
            rows * 14,
            cols * 14);
    return OverlayCompositor.compose(
        photo,
        geometry,
        List.of(
            new OverlayLayer.Heatmap(
                grid, Colormaps.VIRIDIS, Scale.shared(grid), Upsampling.NEAREST, 0.6)));
  }

  /**
   * The analysis's parts, each timed by calling the pieces {@code Analyzer.analyze} calls, the same
   * way, on the same pass (plus the window's PCA of every block, which it computes after the first
   * picture).
   */
  static Map<String, Timing> breakdown(
      ForwardResult result, AnalysisOptions options, int warmup, int runs) {
    TokenLayout layout = result.layout();
    List<LayerCapture> captures = new ArrayList<>(result.layers());
    captures.sort((a, b) -> Integer.compare(a.block(), b.block()));
    double tau =
        ThresholdPresets.forModel(result.spec()).map(ThresholdPreset::threshold).orElse(Double.NaN);
    Map<String, Timing> out = new LinkedHashMap<>();
    out.put(
        "norm statistics (median, max/median per block)",
        Timing.measure(
            warmup,
            runs,
            () -> {
              for (LayerCapture c : captures) {
                PatchNormStats.of(PatchNormAnalyzer.patchValues(c.tokenNorms(), layout));
              }
            }));
    List<LayerNormAnalysis> norms = new ArrayList<>();
    out.put(
        "artifact detection (norm statistics and all four rules per block, emergence)",
        Timing.measure(
            warmup,
            runs,
            () -> {
              norms.clear();
              for (LayerCapture c : captures) {
                norms.add(
                    PatchNormAnalyzer.analyze(
                        c.block(), c.tokenNorms(), layout, options.detection(), tau));
              }
              EmergenceLayer.fromNorms(norms, options.detection());
            }));
    QuerySet querySet = options.sinks().querySet();
    List<LayerAttentionSummary> summaries = new ArrayList<>();
    List<LayerAttentionSummary> all = new ArrayList<>();
    out.put(
        "attention summaries (received attention per query set, from maps or kept summaries)",
        Timing.measure(
            warmup,
            runs,
            () -> {
              summaries.clear();
              all.clear();
              for (LayerCapture c : captures) {
                summaries.add(summary(c, layout, querySet));
                all.add(
                    querySet == QuerySet.ALL
                        ? summaries.get(summaries.size() - 1)
                        : summary(c, layout, QuerySet.ALL));
              }
            }));
    out.put(
        "sink scores",
        Timing.measure(
            warmup,
            runs,
            () -> SinkAnalyzer.analyze(layout, summaries, all, norms, options.sinks())));
    out.put(
        "massive activations",
        Timing.measure(
            warmup,
            runs,
            () -> {
              for (LayerCapture c : captures) {
                MassiveActivationFinder.find(
                    c.block(), c.hidden(), layout, options.massiveActivations());
              }
            }));
    LayerAttentionSummary last = summaries.get(summaries.size() - 1);
    if (layout.hasCls() && last.clsRow() != null) {
      out.put(
          "CLS maps",
          Timing.measure(
              warmup,
              runs,
              () ->
                  ClsAttention.maps(
                      last.block(),
                      last.clsRow(),
                      last.heads(),
                      layout,
                      options.clsAttention().keptMass())));
      HeadFusion fusion =
          options.rollout().mode() == RolloutMode.PAPER
              ? HeadFusion.MEAN
              : options.rollout().fusion();
      out.put(
          "rollout",
          Timing.measure(
              warmup,
              runs,
              () -> {
                List<float[]> fused = new ArrayList<>();
                for (LayerCapture c : captures) {
                  fused.add(
                      c.attention() != null
                          ? AttentionRollout.fuseHeads(c.attention(), fusion)
                          : c.summary().headMean());
                }
                AttentionRollout.rollout(fused, layout, options.rollout());
              }));
    }
    out.put(
        "PCA (analysis: last block)",
        Timing.measure(
            warmup,
            runs,
            () ->
                PatchFeaturePca.compute(
                    result.block(result.blocks()).hidden(),
                    layout,
                    options.pca().features(),
                    result.blocks(),
                    options.pca().refitOnForeground(),
                    options.pca().zeroBackground())));
    AnalysisReport first = Analyzer.firstPicture(result, options);
    out.put(
        "the window's analysis before its first picture (norms, detection, emergence)",
        Timing.measure(warmup, runs, () -> Analyzer.firstPicture(result, options)));
    out.put(
        "the rest of the analysis, after the first picture (sinks, massive activations, CLS maps,"
            + " rollout, last-block PCA, rows)",
        Timing.measure(warmup, runs, () -> Analyzer.complete(first, result, List.of())));
    out.put(
        "the whole analysis in one piece (Analyzer.analyze, what the window ran before)",
        Timing.measure(warmup, runs, () -> Analyzer.analyze(result, options)));
    out.put(
        "PCA of every block (the window's block-by-block PCA view; after the first picture)",
        Timing.measure(
            warmup,
            runs,
            () -> InspectionPipeline.pcaByBlock(result, null, CancellationToken.NONE)));
    return out;
  }

  private static LayerAttentionSummary summary(
      LayerCapture c, TokenLayout layout, QuerySet querySet) {
    return c.attention() != null
        ? LayerAttentionSummary.fromAttention(c.block(), c.attention(), layout, querySet, false)
        : LayerAttentionSummary.fromSummary(c.summary(), querySet);
  }
}
