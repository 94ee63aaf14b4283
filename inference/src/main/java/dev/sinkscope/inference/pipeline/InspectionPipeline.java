package dev.sinkscope.inference.pipeline;

import dev.sinkscope.inference.analysis.AnalysisOptions;
import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.Analyzer;
import dev.sinkscope.inference.analysis.PatchFeaturePca;
import dev.sinkscope.inference.analysis.PatchPca;
import dev.sinkscope.inference.analysis.PcaFeatures;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ForwardHooks;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.mitigation.ShiftFlipDenoiser;
import dev.sinkscope.inference.model.ModelLoadException;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.preprocess.ImageLoadException;
import dev.sinkscope.inference.preprocess.PreprocessConfig;
import dev.sinkscope.inference.preprocess.PreprocessConfigException;
import dev.sinkscope.inference.preprocess.PreprocessPipeline;
import dev.sinkscope.inference.preprocess.Preprocessed;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.LayerCapture;
import dev.sinkscope.inference.result.NumericalHealth;
import dev.sinkscope.inference.session.IncrementalRunner;
import dev.sinkscope.inference.session.ModelSession;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place that assembles an inspection: open the model, preprocess the photo, run it
 * (incrementally, under a mitigation stack, with the unmitigated baseline cached), choose the
 * capture (full maps or summaries, ADR 0010), check numerical health, analyse, and, on request,
 * average the final features over shifted and mirrored views and colour patch features by PCA. The
 * window, every command and the report call it; none of them needs to know whether maps or
 * summaries were kept, because the analysis and {@link CapturedAttention} answer the same from
 * both.
 *
 * <p>Runs the model, so it is confined to one thread (the app's inference thread). Closing it
 * closes the model.
 */
public final class InspectionPipeline implements AutoCloseable {
  /**
   * Largest T·D·L for which {@link #pcaByBlock} colours every block; larger models get the last
   * block only.
   */
  public static final long PCA_ALL_BLOCKS_BUDGET = 40_000_000L;

  private final ModelSession session;
  private PreprocessPipeline preprocessing; // read on first use: a pixel tensor needs none
  private final IncrementalRunner runner;
  private CaptureChoice capture = CaptureChoice.AUTO;

  private InspectionPipeline(ModelSession session, PreprocessPipeline preprocessing) {
    this.session = session;
    this.preprocessing = preprocessing;
    this.runner = new IncrementalRunner(session);
  }

  /**
   * Opens the checkpoint in {@code folder} on {@code device} ({@code auto}, {@code cpu}, {@code
   * gpu}, {@code gpu:N}) with the preprocessing its {@code preprocessor_config.json} (or its
   * family) asks for.
   */
  public static InspectionPipeline open(Path folder, String device) throws ModelLoadException {
    return over(ModelSession.open(folder, device));
  }

  /**
   * Takes over an open model (closed with this pipeline); its preprocessing is read from the model
   * folder when a photo first needs it.
   */
  public static InspectionPipeline over(ModelSession session) {
    return new InspectionPipeline(session, null);
  }

  /** Takes over an open model with the given preprocessing. */
  public static InspectionPipeline over(ModelSession session, PreprocessPipeline preprocessing) {
    return new InspectionPipeline(session, preprocessing);
  }

  /** How later passes keep attention; {@link CaptureChoice#AUTO} unless set. */
  public InspectionPipeline capture(CaptureChoice choice) {
    this.capture = choice;
    return this;
  }

  public CaptureChoice capture() {
    return capture;
  }

  public ModelSession session() {
    return session;
  }

  public ModelSpec spec() {
    return session.spec();
  }

  /**
   * The model folder's preprocessing ({@code preprocessor_config.json}, else its family's
   * defaults).
   */
  public PreprocessPipeline preprocessing() throws PreprocessConfigException {
    if (preprocessing == null) {
      preprocessing = PreprocessPipeline.forModelFolder(session.folder(), session.spec().family());
    }
    return preprocessing;
  }

  /** Decodes and preprocesses a photo as the model's preprocessor config says. */
  public Preprocessed preprocess(Path image) throws ImageLoadException, PreprocessConfigException {
    return preprocessing().process(image);
  }

  /**
   * A pass for every view: full maps or summaries per the capture choice, head means kept for
   * rollout; resumes from the cached baseline or the latest pass from the first block {@code stack}
   * changes.
   */
  public ForwardResult run(
      FloatTensor pixels,
      MitigationStack stack,
      CancellationToken cancel,
      ProgressListener progress) {
    return runner.run(pixels, stack, capture.forViews(), cancel, progress);
  }

  /** First 0-based block the last {@link #run} computed (0 = full pass, L = cached). */
  public int lastStartBlock() {
    return runner.lastStartBlock();
  }

  /** {@link #run} then {@link #analyse}. */
  public Inspection inspect(
      FloatTensor pixels,
      MitigationStack stack,
      AnalysisOptions options,
      CancellationToken cancel,
      ProgressListener progress) {
    return analyse(run(pixels, stack, cancel, progress), stack, options);
  }

  /** Checks a pass for NaN and infinity and, when it is finite, analyses it. */
  public Inspection analyse(ForwardResult result, MitigationStack stack, AnalysisOptions options) {
    NumericalHealth health = NumericalHealth.check(result);
    return new Inspection(
        result,
        stack,
        health,
        health.ok() ? Analyzer.analyze(result, options) : null,
        attention(result, stack));
  }

  /**
   * Metrics only, for a folder of photos: no rollout, no PCA, summaries unless full maps are
   * forced. Without mitigations the images run as one stacked pass (ADR 0013); with them, one at a
   * time.
   */
  public List<Inspection> inspectForMetrics(
      List<FloatTensor> pixels,
      MitigationStack stack,
      AnalysisOptions options,
      CancellationToken cancel) {
    AnalysisOptions metrics = options.metricsOnly();
    CaptureOptions captureOptions = capture.forMetrics();
    List<ForwardResult> results;
    if (stack.isEmpty()) {
      results = session.forward().runBatch(pixels, captureOptions, cancel, ProgressListener.NONE);
    } else {
      stack.validate(session.spec());
      ForwardHooks hooks = stack.hooks(session.spec());
      results = new ArrayList<>();
      for (FloatTensor p : pixels) {
        results.add(session.forward().run(p, hooks, captureOptions, cancel, ProgressListener.NONE));
      }
    }
    List<Inspection> out = new ArrayList<>(results.size());
    for (ForwardResult r : results) {
      out.add(analyse(r, stack, metrics));
    }
    return out;
  }

  /**
   * The attention of a pass this pipeline made under {@code stack}, recomputing dropped maps
   * exactly.
   */
  public CapturedAttention attention(ForwardResult result, MitigationStack stack) {
    return new CapturedAttention(session.forward(), result, stack.hooks(session.spec()));
  }

  /**
   * Shift/flip denoising (the PH-Reg teacher, methods §5.2): the final-normed patch features of
   * {@code pixels} averaged over {@code viewCount} seeded whole-patch shifted and mirrored views,
   * every view run under {@code stack} (so the average is taken over the model the single pass
   * used). Cancellable between views and between blocks; {@code progress} counts views.
   *
   * @param pixels {@code [1, 3, H, W]}, preprocessed by {@link #preprocessing()}
   */
  public Denoised denoise(
      FloatTensor pixels,
      MitigationStack stack,
      int viewCount,
      long seed,
      CancellationToken cancel,
      ProgressListener progress)
      throws PreprocessConfigException {
    int patch = session.spec().patchSize();
    int rows = pixels.dim(2) / patch;
    int cols = pixels.dim(3) / patch;
    List<ShiftFlipDenoiser.View> views = ShiftFlipDenoiser.views(rows, cols, viewCount, seed);
    ShiftFlipDenoiser.PatchFeatures model =
        ShiftFlipDenoiser.finalNormedPatches(
            session.forward(), stack.hooks(session.spec()), cancel);
    // view 0 is the unshifted image: its features are the single pass's, so keep them instead of a
    // rerun
    FloatTensor[] first = new FloatTensor[1];
    ShiftFlipDenoiser.PatchFeatures keepingFirst =
        p -> {
          FloatTensor f = model.of(p);
          if (first[0] == null) {
            first[0] = f;
          }
          return f;
        };
    ShiftFlipDenoiser.Result result =
        ShiftFlipDenoiser.denoise(
            keepingFirst,
            pixels,
            patch,
            whiteFill(preprocessing().config()),
            views,
            cancel,
            progress);
    return new Denoised(
        result.features(), first[0], result.counts(), result.views(), rows, cols, seed);
  }

  /**
   * The normalised value of a white pixel per channel: what a shifted view shows where it has no
   * image.
   */
  static float[] whiteFill(PreprocessConfig config) {
    float[] fill = new float[3];
    for (int c = 0; c < 3; c++) {
      fill[c] = config.doNormalize() ? (float) ((1 - config.mean()[c]) / config.std()[c]) : 1f;
    }
    return fill;
  }

  /**
   * PCA colours of the patch features at every block (block output, refit on the foreground,
   * background zeroed), or, above {@link #PCA_ALL_BLOCKS_BUDGET}, at the last block only (the
   * analysis's); null where a block has none. One entry per block, block 1 first.
   */
  public static List<PatchPca> pcaByBlock(
      ForwardResult result, AnalysisReport report, CancellationToken cancel) {
    List<PatchPca> out = new ArrayList<>();
    int blocks = result.blocks();
    long size = (long) result.layout().totalTokens() * result.spec().hiddenSize() * blocks;
    boolean all = size <= PCA_ALL_BLOCKS_BUDGET && result.layout().patchCount() >= 2;
    for (LayerCapture capture : result.layers()) {
      cancel.throwIfCancelled();
      PatchPca pca = null;
      int[] artifacts = all ? artifactPatches(report, capture.block()) : new int[0];
      // The analysis's last-block PCA is the same fit only when no artifacts are left out.
      boolean reuse =
          capture.block() == blocks && artifacts.length == 0 && isLastBlockPca(report, blocks);
      if (all && !reuse) {
        pca = blockPca(result, capture.block(), artifacts);
      } else if (capture.block() == blocks && report != null && report.pca() != null) {
        pca = report.pca();
      }
      out.add(pca);
    }
    return out;
  }

  /**
   * Whether the analysis's PCA is exactly {@link #blockPca} of the last block (the default
   * options), so {@link #pcaByBlock} takes it instead of fitting it again.
   */
  private static boolean isLastBlockPca(AnalysisReport report, int blocks) {
    if (report == null || report.pca() == null) {
      return false;
    }
    var options = report.options().pca();
    return options.features() == PcaFeatures.BLOCK_OUTPUT
        && (options.block() == 0 || options.block() == blocks)
        && options.refitOnForeground()
        && options.zeroBackground();
  }

  /**
   * PCA colours of the patch features at 1-based {@code block}, as the window and the report show
   * them.
   */
  public static PatchPca blockPca(ForwardResult result, int block) {
    return blockPca(result, block, new int[0]);
  }

  /**
   * As {@link #blockPca(ForwardResult, int)} with the {@code artifacts} patches (row-major) left
   * out of the fits, so the colours show the other patches' structure rather than the artifacts'
   * (PatchFeaturePca).
   */
  public static PatchPca blockPca(ForwardResult result, int block, int[] artifacts) {
    return PatchFeaturePca.compute(
        result.block(block).hidden(),
        result.layout(),
        PcaFeatures.BLOCK_OUTPUT,
        block,
        true,
        true,
        artifacts);
  }

  /** The artifact patches (row-major) of 1-based {@code block}; none when unknown. */
  public static int[] artifactPatches(AnalysisReport report, int block) {
    if (report != null) {
      for (var n : report.norms()) {
        if (n.block() == block && n.artifacts() != null) {
          return n.artifacts().patchIndices();
        }
      }
    }
    return new int[0];
  }

  /**
   * PCA colours of final features {@code tokens} ({@code [T, D]}, e.g. a shift/flip average put in
   * place of a pass's patch rows), or null when the grid has fewer than two patches.
   */
  public static PatchPca finalFeaturePca(FloatTensor tokens, ForwardResult result) {
    if (result.layout().patchCount() < 2) {
      return null;
    }
    return PatchFeaturePca.compute(
        tokens, result.layout(), PcaFeatures.LAST_HIDDEN_STATE, result.blocks(), true, true);
  }

  /** Drops the cached passes (the next run computes from block 0). */
  public void clear() {
    runner.clear();
  }

  @Override
  public void close() throws IOException {
    session.close();
  }
}
