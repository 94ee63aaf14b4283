package dev.sinkscope.inference.pipeline;

import dev.sinkscope.inference.analysis.AnalysisOptions;
import dev.sinkscope.inference.analysis.Analyzer;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ForwardHooks;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.model.ModelLoadException;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.preprocess.ImageLoadException;
import dev.sinkscope.inference.preprocess.PreprocessConfigException;
import dev.sinkscope.inference.preprocess.PreprocessPipeline;
import dev.sinkscope.inference.preprocess.Preprocessed;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
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
 * capture (full maps or summaries, ADR 0010), check numerical health, and analyse. The window, every
 * command and the report call it; none of them needs to know whether maps or summaries were kept,
 * because the analysis and {@link CapturedAttention} answer the same from both.
 *
 * <p>Runs the model, so it is confined to one thread (the app's inference thread). Closing it closes
 * the model.
 */
public final class InspectionPipeline implements AutoCloseable {
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
   * Opens the checkpoint in {@code folder} on {@code device} ({@code auto}, {@code cpu}, {@code gpu},
   * {@code gpu:N}) with the preprocessing its {@code preprocessor_config.json} (or its family) asks for.
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

  /** The model folder's preprocessing ({@code preprocessor_config.json}, else its family's defaults). */
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
  public ForwardResult run(FloatTensor pixels, MitigationStack stack, CancellationToken cancel,
      ProgressListener progress) {
    return runner.run(pixels, stack, capture.forViews(), cancel, progress);
  }

  /** First 0-based block the last {@link #run} computed (0 = full pass, L = cached). */
  public int lastStartBlock() {
    return runner.lastStartBlock();
  }

  /** {@link #run} then {@link #analyse}. */
  public Inspection inspect(FloatTensor pixels, MitigationStack stack, AnalysisOptions options,
      CancellationToken cancel, ProgressListener progress) {
    return analyse(run(pixels, stack, cancel, progress), stack, options);
  }

  /** Checks a pass for NaN and infinity and, when it is finite, analyses it. */
  public Inspection analyse(ForwardResult result, MitigationStack stack, AnalysisOptions options) {
    NumericalHealth health = NumericalHealth.check(result);
    return new Inspection(result, stack, health, health.ok() ? Analyzer.analyze(result, options) : null,
        attention(result, stack));
  }

  /**
   * Metrics only, for a folder of photos: no rollout, no PCA, summaries unless full maps are forced.
   * Without mitigations the images run as one stacked pass (ADR 0013); with them, one at a time.
   */
  public List<Inspection> inspectForMetrics(List<FloatTensor> pixels, MitigationStack stack, AnalysisOptions options,
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

  /** The attention of a pass this pipeline made under {@code stack}, recomputing dropped maps exactly. */
  public CapturedAttention attention(ForwardResult result, MitigationStack stack) {
    return new CapturedAttention(session.forward(), result, stack.hooks(session.spec()));
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
