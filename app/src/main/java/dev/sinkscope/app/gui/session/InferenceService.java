package dev.sinkscope.app.gui.session;

import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.app.gui.tasks.FxTaskExecutor;
import dev.sinkscope.inference.analysis.AnalysisOptions;
import dev.sinkscope.inference.analysis.Analyzer;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.mitigation.NeuronDiscovery;
import dev.sinkscope.inference.model.ModelLoadException;
import dev.sinkscope.inference.pipeline.CapturedAttention;
import dev.sinkscope.inference.pipeline.Denoised;
import dev.sinkscope.inference.pipeline.InspectionPipeline;
import dev.sinkscope.inference.preprocess.ImageDecoder;
import dev.sinkscope.inference.preprocess.ImageLoadException;
import dev.sinkscope.inference.preprocess.PreprocessConfig;
import dev.sinkscope.inference.preprocess.PreprocessConfigException;
import dev.sinkscope.inference.preprocess.Preprocessed;
import dev.sinkscope.inference.preprocess.Preprocessor;
import dev.sinkscope.inference.preprocess.RgbImage;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.NumericalHealth;
import dev.sinkscope.inference.session.ModelSession;
import dev.sinkscope.render.PreprocessGeometry;
import dev.sinkscope.render.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one thread that touches models. Callers on the FX thread submit immutable {@link ViewRequest}
 * snapshots; the newest request wins: an older one is skipped if it has not started and cancelled
 * between blocks if it has (its generation id no longer matches). Results, failures and progress
 * reach the {@link Listener} through the UI executor, one hand-off per result. Only host-side
 * results ({@link ViewOutcome}) leave this class; sessions and native memory stay on the worker and
 * are closed there.
 *
 * <p>Both executors are injectable: with direct executors everything runs on the caller's thread,
 * which makes presentation-model tests deterministic.
 *
 * <p>Long on purpose: it owns the models and their caches on the inference thread; every request
 * kind (pass, comparison, denoising, discovery, the per-block PCA) reads and invalidates them.
 */
public final class InferenceService implements AutoCloseable {

  /** Receives what the worker produced; every call arrives through the UI executor. */
  public interface Listener {
    void completed(ViewOutcome outcome);

    void failed(ViewRequest request, Throwable error);

    /** Coalesced: only the latest progress of a busy period may arrive. */
    void progress(Progress progress);

    /**
     * The whole analysis of {@code outcome}'s passes, computed after its picture where the view did
     * not need it, is now known ({@link AnalyzedPass#analysisReady()}); only for the newest
     * request.
     */
    default void analysisReady(ViewOutcome outcome) {}

    /**
     * The per-block PCA colours of {@code outcome}'s passes, computed after its picture, are now
     * known ({@link PcaByBlock#ready()}); only for the newest request.
     */
    default void pcaReady(ViewOutcome outcome) {}
  }

  /**
   * What the worker is doing.
   *
   * @param generation the request (or -1 for a background job)
   * @param phase e.g. "Running block 3 of 8"
   * @param fraction done share in [0, 1], or negative when unknown
   */
  public record Progress(long generation, String phase, double fraction) {}

  /** Opens a model folder; the app's opener resolves the device. */
  @FunctionalInterface
  public interface ModelOpener {
    ModelSession open(Path folder) throws ModelLoadException;
  }

  /** Longest side of the photo as displayed; the model input is made from the full decode. */
  static final int DISPLAY_MAX_SIDE = 1280;

  private final Executor worker;
  private final CompletableFuture<Void> modelsClosed = new CompletableFuture<>();
  private final Executor ui;
  private final ModelOpener opener;
  private final Listener listener;
  private final ImageDecoder decoder = new ImageDecoder();
  private final AtomicLong latest = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicReference<Progress> pendingProgress = new AtomicReference<>();

  // Confined to the worker thread.
  private final Map<ModelLocation, LoadedModel> models = new LinkedHashMap<>();
  private ModelLocation currentModel;
  private ImageSource decodedSource;
  private RgbImage decoded;
  private LoadedImage loadedImage;

  /** Name of the inference thread the window's task executor creates. */
  public static final String THREAD_NAME = FxTaskExecutor.INFERENCE_THREAD;

  /**
   * Over {@code worker}, which must run tasks one at a time in order: the task executor's inference
   * lane in the window, a queued or direct executor in tests.
   */
  public InferenceService(Executor worker, Executor ui, ModelOpener opener, Listener listener) {
    this.worker = worker;
    this.ui = ui;
    this.opener = opener;
    this.listener = listener;
  }

  // ---------------------------------------------------------------- commands (any thread)

  /** Queues {@code request}, superseding every earlier one; returns its generation. */
  public long submit(ViewRequest request) {
    long generation = latest.incrementAndGet();
    execute(() -> process(generation, request));
    return generation;
  }

  /**
   * Completes once the worker has run everything queued before this call (requests, cancelled or
   * not, and jobs); completes at once after {@link #close()}. For tests and shutdown, never awaited
   * on the FX thread.
   */
  public CompletableFuture<Void> idle() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!execute(() -> done.complete(null))) {
      done.complete(null);
    }
    return done;
  }

  /** Queues work unless closed; false when it was not queued. */
  private boolean execute(Runnable task) {
    if (closed.get()) {
      return false;
    }
    try {
      worker.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false; // closed between the check and the hand-over
    }
  }

  /**
   * Cancels the running request (if any) without queuing another; the last applied picture stays.
   */
  public void cancelCurrent() {
    latest.incrementAndGet();
  }

  /** The generation of the newest request. */
  public long latestGeneration() {
    return latest.get();
  }

  /**
   * Finds register neurons on the current model (methods §2.1) over the photos in {@code images}.
   * Call on the inference lane (a {@code BackgroundTask} on it), so it runs after the requests
   * queued before it and is not superseded by later ones.
   *
   * @throws java.util.concurrent.CancellationException when {@code cancel} says so
   */
  public NeuronDiscovery.Result discoverNeurons(
      List<Path> images,
      NeuronDiscovery.Settings settings,
      CancellationToken cancel,
      dev.sinkscope.inference.engine.ProgressListener progress)
      throws IOException {
    LoadedModel model = currentModel == null ? null : models.get(currentModel);
    if (model == null) {
      throw new IllegalStateException("open a model before discovering register neurons");
    }
    try {
      return NeuronDiscovery.discover(
          model.pipeline.session().forward(),
          i -> pixelsOf(model, images.get(i)),
          images.size(),
          settings,
          () -> cancel.isCancelled() || closed.get(),
          progress);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Opens models for a report (File > Export report…) by lending the ones open here, so the report
   * runs on the models on screen without a second load (ADR 0009); a folder that is not open is
   * opened and closed by the report. Use only on the inference lane.
   */
  public dev.sinkscope.app.report.SessionReport.ModelOpener reportModels() {
    return new dev.sinkscope.app.report.SessionReport.ModelOpener() {
      @Override
      public ModelSession open(Path folder) throws ModelLoadException {
        for (LoadedModel m : models.values()) {
          if (m.info
              .folder()
              .toAbsolutePath()
              .normalize()
              .equals(folder.toAbsolutePath().normalize())) {
            return m.pipeline.session();
          }
        }
        return opener.open(folder);
      }

      @Override
      public void release(ModelSession session) throws IOException {
        for (LoadedModel m : models.values()) {
          if (m.pipeline.session() == session) {
            return; // lent: it stays open for the window
          }
        }
        session.close();
      }
    };
  }

  /**
   * Recomputes, block by block, the attention rows and columns of {@code token} in a pass that kept
   * summaries only (ADR 0010: exact, one block's map at a time) and stores them in {@link
   * AnalyzedPass#attention()}; then runs {@code done} on the UI executor. Queued after the requests
   * before it; skipped when the pass's model has been closed since.
   */
  public void fillAttention(AnalyzedPass pass, int token, Runnable done) {
    execute(
        () -> {
          LoadedModel model = models.get(pass.model().location());
          if (model == null || closed.get() || pass.attention().ready(token)) {
            ui.execute(done);
            return;
          }
          try {
            CapturedAttention source = model.pipeline.attention(pass.result(), pass.mitigations());
            pass.attention()
                .fill(
                    source,
                    token,
                    closed::get,
                    (n, all) ->
                        publishProgress(
                            new Progress(
                                -1,
                                "Recomputing the selected patch's attention: block "
                                    + n
                                    + " of "
                                    + all,
                                n / (double) all)));
          } catch (CancellationException e) {
            return;
          } catch (RuntimeException e) {
            // the picture keeps its note; a failed recompute must not take the window down
          }
          ui.execute(done);
        });
  }

  /**
   * Cancels all work, queues closing every model on the worker thread and lets the thread end after
   * it. Does not wait (it is called on the FX thread, and a model load in progress cannot be
   * interrupted); {@link #awaitTermination} waits.
   */
  @Override
  public void close() {
    latest.incrementAndGet();
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      worker.execute(
          () -> {
            closeAllModels();
            modelsClosed.complete(null);
          });
    } catch (RejectedExecutionException e) {
      modelsClosed.complete(null); // the worker is already gone, and the models with it
    }
  }

  /**
   * After {@link #close()}: waits until the worker has closed the models; true when it did within
   * the time. The worker's thread belongs to the task executor, which ends it.
   */
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    try {
      modelsClosed.get(timeout, unit);
      return true;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- worker side

  private void process(long generation, ViewRequest request) {
    if (closed.get() || generation != latest.get()) {
      return; // superseded before it started
    }
    CancellationToken cancel = () -> generation != latest.get();
    try {
      ViewOutcome outcome = compute(generation, request, cancel);
      // before the hand-off: an export started from the picture may complete the analysis
      boolean later = laterPending(outcome);
      ui.execute(
          () -> {
            if (generation == latest.get()) {
              listener.completed(outcome);
            }
          });
      if (later || pcaPending(outcome)) {
        // after the first picture; skipped or cancelled when a newer request arrives (which queues
        // its own, on the same cached analysis)
        execute(() -> fillAfterPicture(generation, outcome, later));
      }
    } catch (CancellationException e) {
      // superseded: the newer request reports
    } catch (Exception | LinkageError e) {
      ui.execute(
          () -> {
            if (generation == latest.get()) {
              listener.failed(request, e);
            }
          });
    }
  }

  private static boolean laterPending(ViewOutcome outcome) {
    return (outcome.primary() != null && !outcome.primary().analysisReady())
        || (outcome.comparison() != null && !outcome.comparison().analysisReady());
  }

  /**
   * The rest of the analysis, then the per-block PCA, of {@code outcome}'s passes unless a newer
   * request came since (checked between the parts).
   *
   * @param later whether the picture went out without the rest of the analysis: then the listener
   *     hears when it is known, also when an export computed it meanwhile
   */
  private void fillAfterPicture(long generation, ViewOutcome outcome, boolean later) {
    CancellationToken cancel = () -> generation != latest.get() || closed.get();
    if (later) {
      try {
        for (AnalyzedPass pass : new AnalyzedPass[] {outcome.primary(), outcome.comparison()}) {
          cancel.throwIfCancelled();
          if (pass != null && !pass.analysisReady()) {
            pass.analysis().complete();
          }
        }
      } catch (CancellationException e) {
        return; // stays pending; the newer request's outcome fills it
      } catch (RuntimeException e) {
        return; // the later parts keep saying "computing"; the picture stays
      }
      ui.execute(
          () -> {
            if (generation == latest.get()) {
              listener.analysisReady(outcome);
            }
          });
    }
    if (pcaPending(outcome)) {
      fillPca(generation, outcome);
    }
  }

  private static boolean pcaPending(ViewOutcome outcome) {
    return (outcome.primary() != null && !outcome.primary().pcaByBlock().ready())
        || (outcome.comparison() != null && !outcome.comparison().pcaByBlock().ready());
  }

  /** Computes the per-block PCA of {@code outcome}'s passes unless a newer request came since. */
  private void fillPca(long generation, ViewOutcome outcome) {
    CancellationToken cancel = () -> generation != latest.get() || closed.get();
    if (cancel.isCancelled()) {
      return; // superseded: the newer request queues its own
    }
    try {
      for (AnalyzedPass pass : new AnalyzedPass[] {outcome.primary(), outcome.comparison()}) {
        if (pass != null && !pass.pcaByBlock().ready()) {
          // no progress: the request's activity has ended, and a newer one must not show this
          pass.pcaByBlock().compute(cancel);
        }
      }
    } catch (CancellationException e) {
      return; // stays pending; the newer request's outcome fills it
    } catch (RuntimeException e) {
      return; // the PCA view keeps saying it is not available; the picture stays
    }
    ui.execute(
        () -> {
          if (generation == latest.get()) {
            listener.pcaReady(outcome);
          }
        });
  }

  private ViewOutcome compute(long generation, ViewRequest request, CancellationToken cancel)
      throws IOException, ModelLoadException, ImageLoadException, PreprocessConfigException {
    long start = System.nanoTime();
    LoadedModel primary = ensureModel(request.model(), generation);
    LoadedModel other = null;
    if (request.compare().kind() == CompareTarget.Kind.OTHER_MODEL) {
      other = ensureModel(request.compare().otherModel(), generation);
    }
    // A load cannot be interrupted; a request cancelled during it keeps the loaded model for a
    // re-run
    // but must not close the model on screen nor make discovery use the new one.
    cancel.throwIfCancelled();
    currentModel = request.model();
    closeModelsOtherThan(request);
    if (request.image() == null) {
      return new ViewOutcome(
          generation, request, primary.info, null, null, null, millisSince(start));
    }
    LoadedImage image = ensureImage(request.image(), generation);
    Preprocessed input = primary.preprocess(request.image(), decoded);
    double loadMillis = millisSince(start);
    cancel.throwIfCancelled();

    try {
      AnalyzedPass comparison = null;
      CompareTarget.Kind kind = request.compare().kind();
      if (kind == CompareTarget.Kind.BEFORE_AFTER) {
        // The baseline first, so the runner keeps it cached and the mitigated pass resumes from it.
        comparison =
            runPass(
                generation, primary, input, image, MitigationStack.NONE, "before", request, cancel);
      }
      String label =
          switch (kind) {
            case BEFORE_AFTER -> "after";
            case OTHER_MODEL -> "A: " + primary.info.displayName();
            case NONE -> primary.info.displayName();
          };
      AnalyzedPass pass =
          runPass(generation, primary, input, image, request.mitigations(), label, request, cancel);
      if (kind == CompareTarget.Kind.OTHER_MODEL) {
        Preprocessed otherInput = other.preprocess(request.image(), decoded);
        comparison =
            runPass(
                generation,
                other,
                otherInput,
                image,
                MitigationStack.NONE,
                "B: " + other.info.displayName(),
                request,
                cancel);
      }
      if (request.denoising().on()) {
        pass =
            pass.withFinalFeatures(
                primary.denoise(
                    request,
                    input,
                    pass.result(),
                    cancel,
                    (done, all) ->
                        publishProgress(
                            new Progress(
                                generation,
                                "Shift/flip denoising: view " + done + " of " + all,
                                done / (double) all))));
        if (comparison != null) {
          // the other side shows its own final features, so both panels show the same quantity
          comparison = comparison.withFinalFeatures(FinalFeatures.single(comparison.result()));
        }
      }
      return new ViewOutcome(
          generation, request, primary.info, image, pass, comparison, loadMillis);
    } catch (NonFinitePass e) {
      return new ViewOutcome(
          generation, request, primary.info, image, null, null, loadMillis, e.getMessage());
    }
  }

  /** A pass produced NaN or infinity: nothing may be analysed or drawn from it. */
  private static final class NonFinitePass extends RuntimeException {
    NonFinitePass(String label, NumericalHealth health) {
      super(
          "No heatmaps: the pass of "
              + label
              + " is not finite. "
              + health.describe()
              + ". Everything after that point is garbage; check the checkpoint's weights.");
    }
  }

  private AnalyzedPass runPass(
      long generation,
      LoadedModel model,
      Preprocessed input,
      LoadedImage image,
      MitigationStack stack,
      String label,
      ViewRequest request,
      CancellationToken cancel) {
    AnalysisOptions options = request.analysis();
    long start = System.nanoTime();
    int total = model.info.spec().numLayers();
    ForwardResult result =
        model.pipeline.run(
            input.pixelValues(),
            stack,
            cancel,
            (done, all) ->
                publishProgress(
                    new Progress(
                        generation,
                        (model.info.displayName() + ": block " + done + " of " + all),
                        done / (double) all)));
    int resumedAt = model.pipeline.lastStartBlock();
    double forwardMillis = millisSince(start);
    cancel.throwIfCancelled();
    NumericalHealth health = NumericalHealth.check(result);
    if (!health.ok()) {
      throw new NonFinitePass(label, health);
    }
    publishProgress(new Progress(generation, "Analysing " + model.info.displayName(), -1));
    Analysis analysis = model.analysis(result, options);
    double analysisMillis = analysis.millis;
    if (request.wholeAnalysisFirst() && !analysis.stages.ready()) {
      // the view shown needs the rest for its picture
      long rest = System.nanoTime();
      analysis.stages.complete();
      analysisMillis += millisSince(rest);
    }
    PreprocessGeometry geometry =
        renderGeometry(input.geometry()).forDisplay(image.photo().width(), image.photo().height());
    return new AnalyzedPass(
        label,
        model.info,
        stack,
        result,
        analysis.stages,
        geometry,
        analysis.pca,
        Math.min(resumedAt, total),
        forwardMillis,
        analysisMillis,
        null,
        null);
  }

  private LoadedModel ensureModel(ModelLocation location, long generation)
      throws IOException, ModelLoadException, PreprocessConfigException {
    LoadedModel loaded = models.get(location);
    if (loaded != null) {
      return loaded;
    }
    publishProgress(new Progress(generation, "Opening " + location.displayName(), -1));
    Path folder = location.resolve();
    ModelSession session = opener.open(folder);
    InspectionPipeline pipeline = InspectionPipeline.over(session);
    try {
      pipeline.preprocessing();
    } catch (PreprocessConfigException | RuntimeException e) {
      closeQuietly(session);
      throw e;
    }
    ModelInfo info =
        new ModelInfo(
            location,
            folder,
            session.spec(),
            session.deviceDescription(),
            ModelInfo.withPreprocessingNote(
                session.warnings(), folder, preprocessingSource(pipeline)),
            BundledAssets.isPhantom(folder));
    loaded = new LoadedModel(info, pipeline);
    models.put(location, loaded);
    return loaded;
  }

  private void closeModelsOtherThan(ViewRequest request) {
    Set<ModelLocation> keep = new HashSet<>();
    keep.add(request.model());
    if (request.compare().otherModel() != null) {
      keep.add(request.compare().otherModel());
    }
    for (Iterator<Map.Entry<ModelLocation, LoadedModel>> it = models.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<ModelLocation, LoadedModel> e = it.next();
      if (!keep.contains(e.getKey())) {
        e.getValue().close();
        it.remove();
      }
    }
  }

  private void closeAllModels() {
    models.values().forEach(LoadedModel::close);
    models.clear();
  }

  private LoadedImage ensureImage(ImageSource source, long generation)
      throws ImageLoadException, IOException {
    if (source.equals(decodedSource) && loadedImage != null) {
      return loadedImage;
    }
    publishProgress(new Progress(generation, "Reading " + source.displayName(), -1));
    RgbImage image = source.decode(decoder);
    decoded = image;
    decodedSource = source;
    loadedImage = new LoadedImage(source, displayRaster(image), image.width(), image.height());
    return loadedImage;
  }

  private FloatTensor pixelsOf(LoadedModel model, Path file) {
    try {
      return model.pipeline.preprocess(file).pixelValues();
    } catch (ImageLoadException | PreprocessConfigException e) {
      throw new UncheckedIOException(new IOException(e.getMessage(), e));
    }
  }

  private void publishProgress(Progress progress) {
    if (pendingProgress.getAndSet(progress) == null) {
      ui.execute(
          () -> {
            Progress p = pendingProgress.getAndSet(null);
            if (p != null && (p.generation() < 0 || p.generation() == latest.get())) {
              listener.progress(p);
            }
          });
    }
  }

  static Raster displayRaster(RgbImage image) {
    int w = image.width();
    int h = image.height();
    int[] argb = new int[w * h];
    byte[] rgb = image.toRgbBytes();
    for (int i = 0; i < argb.length; i++) {
      argb[i] =
          0xFF000000
              | (rgb[3 * i] & 0xFF) << 16
              | (rgb[3 * i + 1] & 0xFF) << 8
              | (rgb[3 * i + 2] & 0xFF);
    }
    Raster full = new Raster(w, h, argb);
    int longest = Math.max(w, h);
    if (longest <= DISPLAY_MAX_SIDE) {
      return full;
    }
    double s = (double) DISPLAY_MAX_SIDE / longest;
    return full.resized(Math.max(1, (int) Math.round(w * s)), Math.max(1, (int) Math.round(h * s)));
  }

  static PreprocessGeometry renderGeometry(
      dev.sinkscope.inference.preprocess.PreprocessGeometry g) {
    return new PreprocessGeometry(
        g.originalWidth(),
        g.originalHeight(),
        g.resizedWidth(),
        g.resizedHeight(),
        g.cropLeft(),
        g.cropTop(),
        g.cropWidth(),
        g.cropHeight());
  }

  private static void closeQuietly(ModelSession session) {
    try {
      session.close();
    } catch (IOException | RuntimeException e) {
      // nothing left to do with a model being dropped; the next open reports real problems
    }
  }

  private static double millisSince(long start) {
    return (System.nanoTime() - start) / 1e6;
  }

  /**
   * What a shift/flip average depends on; the plain pass by identity (the runner reuses unchanged
   * ones).
   */
  private record DenoiseKey(
      ImageSource image, MitigationStack stack, Denoising settings, ForwardResult plain) {
    @Override
    public boolean equals(Object o) {
      return o instanceof DenoiseKey k
          && k.image.equals(image)
          && k.stack.equals(stack)
          && k.settings.equals(settings)
          && k.plain == plain;
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(image, stack, settings, System.identityHashCode(plain));
    }
  }

  /**
   * @param millis time of the part computed before the first picture
   */
  private record Analysis(
      ForwardResult result,
      AnalysisOptions options,
      StagedAnalysis stages,
      PcaByBlock pca,
      double millis) {}

  /**
   * A model with its inspection pipeline and the caches that make layer scrubbing and toggles
   * cheap.
   */
  private static final class LoadedModel {
    final ModelInfo info;
    final InspectionPipeline pipeline;
    final PreprocessConfig preprocessConfig;
    ImageSource preprocessedSource;
    Preprocessed preprocessed;
    final List<Analysis> analyses = new ArrayList<>();
    // The last shift/flip average: N passes, worth keeping while only the view settings change.
    DenoiseKey denoiseKey;
    FinalFeatures denoised;

    LoadedModel(ModelInfo info, InspectionPipeline pipeline) throws PreprocessConfigException {
      this.info = info;
      this.pipeline = pipeline;
      this.preprocessConfig = pipeline.preprocessing().config();
    }

    Preprocessed preprocess(ImageSource source, RgbImage image) {
      if (!source.equals(preprocessedSource)) {
        preprocessed = Preprocessor.preprocess(image, preprocessConfig);
        preprocessedSource = source;
      }
      return preprocessed;
    }

    /**
     * The final features of {@code plain}'s request averaged over shifted and mirrored views, every
     * view run under the request's mitigations. Cancellable between views and between blocks.
     */
    FinalFeatures denoise(
        ViewRequest request,
        Preprocessed input,
        ForwardResult plain,
        CancellationToken cancel,
        dev.sinkscope.inference.engine.ProgressListener progress) {
      DenoiseKey key =
          new DenoiseKey(request.image(), request.mitigations(), request.denoising(), plain);
      if (key.equals(denoiseKey)) {
        return denoised;
      }
      Denoised result;
      try {
        result =
            pipeline.denoise(
                input.pixelValues(),
                request.mitigations(),
                request.denoising().views(),
                request.denoising().seed(),
                cancel,
                progress);
      } catch (PreprocessConfigException e) {
        throw new IllegalStateException(
            "preprocessing was read when the model opened", e); // cannot happen
      }
      FinalFeatures features =
          FinalFeatures.averaged(plain, result.features(), result.views().size(), result.seed());
      denoiseKey = key;
      denoised = features;
      return features;
    }

    /**
     * Cached by result identity: the pipeline hands back the same object when nothing changed. The
     * part of the analysis the first picture needs; the rest and the per-block PCA wait until after
     * it (patch norms need neither).
     */
    Analysis analysis(ForwardResult result, AnalysisOptions options) {
      for (Analysis a : analyses) {
        if (a.result == result && a.options.equals(options)) {
          return a;
        }
      }
      long start = System.nanoTime();
      StagedAnalysis stages =
          StagedAnalysis.pending(result, Analyzer.firstPicture(result, options));
      PcaByBlock pca = PcaByBlock.pending(result, stages);
      Analysis a = new Analysis(result, options, stages, pca, millisSince(start));
      analyses.add(a);
      if (analyses.size() > 4) {
        analyses.remove(0);
      }
      return a;
    }

    void close() {
      try {
        pipeline.close();
      } catch (IOException | RuntimeException e) {
        // nothing left to do with a model being dropped
      }
    }
  }

  /** Where the preprocessing came from, in words (its notes when it fell back to defaults). */
  private static String preprocessingSource(InspectionPipeline pipeline)
      throws PreprocessConfigException {
    var config = pipeline.preprocessing().config();
    return config.notes() == null || config.notes().isBlank() ? config.source() : config.notes();
  }
}
