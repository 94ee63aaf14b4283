package dev.sinkscope.app.gui;

import dev.sinkscope.app.gui.session.CompareTarget;
import dev.sinkscope.app.gui.session.ImageSource;
import dev.sinkscope.app.gui.session.InferenceService;
import dev.sinkscope.app.gui.session.ModelLocation;
import dev.sinkscope.app.gui.session.ViewOutcome;
import dev.sinkscope.app.gui.session.ViewRequest;
import dev.sinkscope.inference.analysis.AnalysisOptions;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.mitigation.NeuronMap;
import dev.sinkscope.inference.session.ModelSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/** Small models and a photo the GUI tests run on, and outcomes computed once per test JVM. */
public final class Fixtures {
  public static final Path FIXTURES =
      Path.of("..", "testdata", "fixtures").toAbsolutePath().normalize();

  /**
   * Tiny DINOv2 (HF layout): D = 64, 4 blocks, 4 heads, patch 14; 224 px input gives a 16 × 16
   * grid.
   */
  public static final Path DINOV2 = FIXTURES.resolve("dinov2-hf");

  /** Its twin with 4 trained registers. */
  public static final Path DINOV2_REGISTERS = FIXTURES.resolve("dinov2-reg-hf");

  /** Register neurons that fit the tiny DINOv2 ([[1, 121], [1, 172], [2, 123]]). */
  public static final Path TTR_NEURONS = FIXTURES.resolve("dinov2-ttr").resolve("ttr.json");

  private static final ConcurrentHashMap<String, ViewOutcome> OUTCOMES = new ConcurrentHashMap<>();

  private Fixtures() {}

  /** coffee.png (600 × 400, CC0) from the test resources. */
  public static Path coffee() {
    try {
      return Path.of(Fixtures.class.getResource("coffee.png").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static NeuronMap ttrNeurons() {
    try {
      return NeuronMap.read(TTR_NEURONS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Opens models on the CPU, as every test does. */
  public static InferenceService.ModelOpener cpu() {
    return folder -> ModelSession.open(folder, "cpu");
  }

  /** A model folder whose config.json says DINOv2 but whose weights are garbage. */
  public static Path brokenModel(Path parent) throws IOException {
    Path dir = Files.createDirectories(parent.resolve("broken-model"));
    Files.copy(
        DINOV2.resolve("config.json"),
        dir.resolve("config.json"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        DINOV2.resolve("preprocessor_config.json"),
        dir.resolve("preprocessor_config.json"),
        StandardCopyOption.REPLACE_EXISTING);
    byte[] garbage = new byte[4096];
    new java.util.Random(7).nextBytes(garbage);
    Files.write(dir.resolve("model.safetensors"), garbage);
    return dir;
  }

  /**
   * A copy of the tiny DINOv2 whose block-2 MLP output weights hold three NaN values (as the
   * inference robustness corpus makes them): it loads, and its pass turns non-finite in block 2.
   */
  public static Path nonFiniteModel(Path parent) throws IOException {
    Path dir = Files.createDirectories(parent.resolve("nan-weights-model"));
    Files.copy(
        DINOV2.resolve("config.json"),
        dir.resolve("config.json"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        DINOV2.resolve("preprocessor_config.json"),
        dir.resolve("preprocessor_config.json"),
        StandardCopyOption.REPLACE_EXISTING);
    java.util.Map<String, dev.sinkscope.inference.result.FloatTensor> tensors =
        new java.util.LinkedHashMap<>();
    try (dev.sinkscope.inference.safetensors.SafetensorsFile f =
        dev.sinkscope.inference.safetensors.SafetensorsFile.open(
            DINOV2.resolve("model.safetensors"))) {
      for (String name : f.tensors().keySet()) {
        tensors.put(
            name,
            new dev.sinkscope.inference.result.FloatTensor(
                f.info(name).intShape(), f.readFloats(name)));
      }
    }
    float[] poisoned = tensors.get("encoder.layer.1.mlp.fc2.weight").data();
    for (int i : new int[] {0, 700, 9000}) {
      poisoned[i] = Float.NaN;
    }
    dev.sinkscope.inference.safetensors.SafetensorsWriter.write(
        dir.resolve("model.safetensors"), tensors, java.util.Map.of());
    return dir;
  }

  /** The outcome of {@code model} on coffee.png without mitigations, computed once. */
  public static ViewOutcome outcome(Path model) {
    return outcome(model, MitigationStack.NONE, CompareTarget.NONE);
  }

  public static ViewOutcome outcome(Path model, MitigationStack stack, CompareTarget compare) {
    String key = model + "|" + stack.spec() + "|" + compare;
    return OUTCOMES.computeIfAbsent(
        key,
        k ->
            compute(
                new ViewRequest(
                    new ModelLocation.Folder(model),
                    new ImageSource.FromFile(coffee()),
                    stack,
                    AnalysisOptions.defaults(),
                    compare)));
  }

  /**
   * Runs one request on the caller's thread and returns what it produced (or throws what it failed
   * with).
   */
  public static ViewOutcome compute(ViewRequest request) {
    Recorder recorder = new Recorder();
    try (InferenceService service =
        new InferenceService(Runnable::run, Runnable::run, cpu(), recorder)) {
      service.submit(request);
    }
    if (!recorder.failures.isEmpty()) {
      throw new IllegalStateException("request failed", recorder.failures.get(0));
    }
    return recorder.outcomes.get(recorder.outcomes.size() - 1);
  }

  /** Collects what the service reports. */
  public static class Recorder implements InferenceService.Listener {
    public final List<ViewOutcome> outcomes = new ArrayList<>();
    public final List<Throwable> failures = new ArrayList<>();
    public final List<InferenceService.Progress> progress = new ArrayList<>();
    public final List<ViewOutcome> pcaReady = new ArrayList<>();
    public final List<ViewOutcome> analysisReady = new ArrayList<>();

    @Override
    public void analysisReady(ViewOutcome outcome) {
      analysisReady.add(outcome);
    }

    @Override
    public void pcaReady(ViewOutcome outcome) {
      pcaReady.add(outcome);
    }

    @Override
    public void completed(ViewOutcome outcome) {
      outcomes.add(outcome);
    }

    @Override
    public void failed(ViewRequest request, Throwable error) {
      failures.add(error);
    }

    @Override
    public void progress(InferenceService.Progress p) {
      progress.add(p);
    }
  }

  /** Holds tasks until {@link #runAll()}: lets a test queue several requests before any starts. */
  public static final class QueuedExecutor implements Executor {
    private final List<Runnable> tasks = new ArrayList<>();

    @Override
    public synchronized void execute(Runnable task) {
      tasks.add(task);
    }

    public void runAll() {
      while (true) {
        Runnable next;
        synchronized (this) {
          if (tasks.isEmpty()) {
            return;
          }
          next = tasks.remove(0);
        }
        next.run();
      }
    }

    /** Runs the first queued task only (what it queues waits); false when none was queued. */
    public boolean runNext() {
      Runnable next;
      synchronized (this) {
        if (tasks.isEmpty()) {
          return false;
        }
        next = tasks.remove(0);
      }
      next.run();
      return true;
    }

    public synchronized int pending() {
      return tasks.size();
    }
  }

  static void copy(InputStream in, Path target) throws IOException {
    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
  }
}
