package dev.sinkscope.inference.distill;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.Devices;
import dev.sinkscope.inference.engine.VitForward;
import dev.sinkscope.inference.engine.VitModel;
import dev.sinkscope.inference.model.Checkpoint;
import dev.sinkscope.inference.model.CheckpointReader;
import dev.sinkscope.inference.model.ModelLoadException;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.model.PositionInterpolation;
import dev.sinkscope.inference.preprocess.PreprocessConfig;
import dev.sinkscope.inference.preprocess.PreprocessPipeline;
import dev.sinkscope.inference.report.WeightsFingerprint;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.TokenLayout;
import dev.sinkscope.inference.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Fine-tunes self-distilled registers into a model (PH-Reg student, methods §5.3) and writes the
 * student folder. The teacher is the loaded model seen through shift/flip averaging (cached per
 * image); the student is the same loaded model with {@link Student}'s tensors standing in, run by
 * {@link VitForward#trainingPass} under a {@link GradientCollector}; {@link AdamW} updates them.
 */
public final class Distiller {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Progress after one optimiser step. */
  public record StepReport(
      int step,
      int totalSteps,
      int epoch,
      int epochs,
      double loss,
      double lr,
      double imagesPerSecond,
      double etaSeconds) {}

  /** Told about the teacher targets, then after every step. */
  public interface Listener {
    Listener NONE = new Listener() {};

    default void teacherImageDone(int done, int total, boolean cached) {}

    default void stepDone(StepReport report) {}

    /** Before the teacher targets: what the run will do. */
    default void planned(Plan plan) {}
  }

  /**
   * What a run will do, known once the images are read.
   *
   * @param images training images
   * @param batch images per step
   * @param batchGiven whether the settings named the batch
   * @param defaultBatch {@link DistillBatch}'s choice for this model and resolution
   * @param batchRule that choice in words
   * @param resolution student input side
   * @param steps optimiser steps
   */
  public record Plan(
      int images,
      int batch,
      boolean batchGiven,
      int defaultBatch,
      String batchRule,
      int resolution,
      int steps) {}

  /**
   * What a run did.
   *
   * @param output the student folder
   * @param images training images
   * @param steps optimiser steps taken
   * @param epochs epochs (the last may be partial with {@code --steps})
   * @param epochLosses mean loss per epoch
   * @param stepLosses loss of every step
   * @param cachedTargets teacher targets read from the cache
   * @param seconds wall time of the whole run
   */
  public record Result(
      Path output,
      int images,
      int batch,
      int steps,
      int epochs,
      List<Double> epochLosses,
      List<Double> stepLosses,
      int cachedTargets,
      double seconds) {}

  /** What a run is given. */
  public record Request(
      Path model,
      String modelName,
      List<Path> images,
      Path output,
      DistillSettings settings,
      String device,
      Path teacherCache,
      Path trace) {}

  private Distiller() {}

  public static Result run(Request request, CancellationToken cancel, Listener listener)
      throws IOException, ModelLoadException {
    long started = System.nanoTime();
    DistillSettings s = request.settings();
    Device device = Devices.resolve(request.device());
    try (Checkpoint checkpoint = CheckpointReader.open(request.model())) {
      ModelSpec spec = checkpoint.spec();
      if (!spec.finalNormAllTokens()) {
        throw new IllegalArgumentException(
            request.model()
                + ": "
                + spec.family().displayName()
                + " has no final LayerNorm over the patch tokens; distillation supports DINOv2, ViT and DeiT layouts");
      }
      int resolution = s.resolution() > 0 ? s.resolution() : spec.imageSize();
      if (resolution % spec.patchSize() != 0) {
        throw new IllegalArgumentException(
            "--resolution "
                + resolution
                + " is not a multiple of the patch size "
                + spec.patchSize());
      }
      if (Files.exists(request.output()) && !Files.isDirectory(request.output())) {
        throw new IOException(request.output() + " exists and is not a folder");
      }
      if (request
          .output()
          .toAbsolutePath()
          .normalize()
          .equals(request.model().toAbsolutePath().normalize())) {
        throw new IOException(
            "--out " + request.output() + " is the input model folder; choose a new folder");
      }
      PreprocessConfig config;
      try {
        config = PreprocessPipeline.forModelFolder(request.model()).config();
      } catch (dev.sinkscope.inference.preprocess.PreprocessConfigException e) {
        throw new IOException(e.getMessage(), e);
      }
      List<TrainingImage> images =
          TrainingImages.load(request.images(), resolution, config, s.seed());
      int defaultBatch = DistillBatch.defaultBatch(spec, resolution, s.registers());
      int batch = Math.min(s.batch() > 0 ? s.batch() : defaultBatch, images.size());
      listener.planned(
          new Plan(
              images.size(),
              batch,
              s.batch() > 0,
              defaultBatch,
              DistillBatch.rule(spec, resolution, s.registers()),
              resolution,
              s.steps() > 0 ? s.steps() : s.epochs() * (images.size() / batch)));
      String weightsSha = WeightsFingerprint.of(request.model()).sha256();
      try (VitModel model = VitModel.load(checkpoint, device)) {
        VitForward forward = new VitForward(model);
        List<TeacherTargets.Target> targets =
            TeacherTargets.compute(
                forward,
                weightsSha,
                images,
                s,
                TrainingImages.whiteFill(config),
                request.teacherCache(),
                cancel,
                listener::teacherImageDone);
        int cached = (int) targets.stream().filter(TeacherTargets.Target::cached).count();
        return train(
            request,
            checkpoint,
            forward,
            images,
            targets,
            resolution,
            cached,
            started,
            cancel,
            listener);
      }
    }
  }

  private static Result train(
      Request request,
      Checkpoint checkpoint,
      VitForward forward,
      List<TrainingImage> images,
      List<TeacherTargets.Target> targets,
      int resolution,
      int cached,
      long started,
      CancellationToken cancel,
      Listener listener)
      throws IOException {
    DistillSettings s = request.settings();
    ModelSpec spec = checkpoint.spec();
    int n = images.size();
    int batch = Math.min(DistillBatch.resolve(s.batch(), spec, resolution, s.registers()), n);
    int perEpoch = n / batch; // drop_last, as the reference's DataLoader
    int totalSteps = s.steps() > 0 ? s.steps() : s.epochs() * perEpoch;
    int epochs = s.steps() > 0 ? (totalSteps + perEpoch - 1) / perEpoch : s.epochs();
    LearningRateSchedule schedule = new LearningRateSchedule(s.lr(), s.endLr(), epochs);
    AdamW adamW = AdamW.torchDefaults(s.weightDecay());
    PositionInterpolation interpolation = StudentWriter.outputInterpolation(spec);
    Trace trace = request.trace() == null ? null : new Trace();
    List<Double> stepLosses = new ArrayList<>();
    List<Double> epochLosses = new ArrayList<>();
    Device device = forward.model().device();
    int patches = (resolution / spec.patchSize()) * (resolution / spec.patchSize());
    int d = spec.hiddenSize();
    try (NDManager root = NDManager.newBaseManager(device)) {
      Student student = Student.create(checkpoint, root, s.registers(), s.seed());
      if (trace != null) {
        trace.put("init.", StudentWriter.trainedTensors(checkpoint, student.hostValues()));
      }
      long trainStart = System.nanoTime();
      int step = 0;
      outer:
      for (int epoch = 0; epoch < epochs; epoch++) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          order.add(i);
        }
        Collections.shuffle(order, new Random(s.seed() * 1_000_003L + epoch));
        double epochSum = 0;
        int epochSteps = 0;
        for (int b = 0; b < perEpoch; b++) {
          if (step >= totalSteps) {
            break outer;
          }
          cancel.throwIfCancelled();
          long stepStart = System.nanoTime();
          double lr = schedule.rate(epoch, b);
          float[] pixels = new float[batch * 3 * resolution * resolution];
          float[] wanted = new float[batch * patches * d];
          int views = targets.get(0).views().dim(0);
          float[] viewRows = new float[batch * views * 3];
          for (int k = 0; k < batch; k++) {
            int idx = order.get(b * batch + k);
            FloatTensor px = images.get(idx).pixels();
            System.arraycopy(px.data(), 0, pixels, k * px.size(), px.size());
            FloatTensor t = targets.get(idx).features();
            System.arraycopy(t.data(), 0, wanted, k * t.size(), t.size());
            FloatTensor v = targets.get(idx).views();
            System.arraycopy(v.data(), 0, viewRows, k * v.size(), Math.min(v.size(), views * 3));
          }
          double loss =
              step(
                  forward,
                  student,
                  adamW,
                  interpolation,
                  root,
                  pixels,
                  wanted,
                  batch,
                  resolution,
                  patches,
                  lr,
                  step + 1,
                  s.mseScale(),
                  null);
          step++;
          stepLosses.add(loss);
          epochSum += loss;
          epochSteps++;
          if (trace != null) {
            trace.putStep(
                step,
                FloatTensor.of(pixels, batch, 3, resolution, resolution),
                FloatTensor.of(wanted, batch, patches, d),
                FloatTensor.of(viewRows, batch, views, 3),
                loss,
                lr);
          }
          double stepSeconds = (System.nanoTime() - stepStart) / 1e9;
          double meanStep = (System.nanoTime() - trainStart) / 1e9 / step;
          listener.stepDone(
              new StepReport(
                  step,
                  totalSteps,
                  epoch + 1,
                  epochs,
                  loss,
                  lr,
                  batch / Math.max(stepSeconds, 1e-9),
                  meanStep * (totalSteps - step)));
        }
        if (epochSteps > 0) {
          epochLosses.add(epochSum / epochSteps);
        }
      }
      Map<String, FloatTensor> trained =
          StudentWriter.trainedTensors(checkpoint, student.hostValues());
      List<String> skipped =
          StudentWriter.write(checkpoint, trained, s.registers(), request.output());
      double seconds = (System.nanoTime() - started) / 1e9;
      Result result =
          new Result(
              request.output(),
              n,
              batch,
              step,
              epochLosses.size(),
              List.copyOf(epochLosses),
              List.copyOf(stepLosses),
              cached,
              seconds);
      writeReport(request, spec, images, result, resolution, skipped, device);
      if (trace != null) {
        trace.put("final.", trained);
        trace.write(request.trace(), request, resolution, batch);
      }
      student.close();
      return result;
    }
  }

  /** Forward, loss, backward and AdamW for one batch; returns the loss. */
  static double step(
      VitForward forward,
      Student student,
      AdamW adamW,
      PositionInterpolation interpolation,
      NDManager root,
      float[] pixels,
      float[] targets,
      int batch,
      int resolution,
      int patches,
      double lr,
      int t,
      double mseScale,
      Map<String, FloatTensor> gradients) {
    int d = student.hiddenSize;
    double lossValue;
    try (NDManager scope = root.newSubManager()) {
      NDArray x = scope.create(pixels, new Shape(batch, 3, resolution, resolution));
      NDArray teacher = scope.create(targets, new Shape(batch, patches, d));
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray out = forward.trainingPass(scope, x, student.weights(interpolation)); // [B, T, D]
        TokenLayout layout =
            forward.trainingLayout(resolution, resolution, student.weights(interpolation));
        int first = layout.firstPatchIndex();
        NDArray patchTokens = out.get(":, " + first + ":" + (first + patches) + ", :"); // [B, N, D]
        NDArray loss = DistillLoss.of(patchTokens, teacher, mseScale);
        lossValue = loss.getFloat();
        collector.backward(loss);
      }
      for (Student.Param p : student.params) {
        NDArray grad = p.value.getGradient();
        if (gradients != null) {
          gradients.put(
              p.canonical == null ? "registers.new" : p.canonical, Student.Param.host(grad));
        }
        // Detached: a thread whose autograd mode is on (torch's default for new threads) would
        // otherwise record the update, and the next backward would run into this step's freed
        // graph.
        NDArray current = p.value.stopGradient();
        AdamW.Update u = adamW.step(current, grad, p.m, p.v, lr, t);
        current.close();
        grad.close();
        p.value.close();
        p.m.close();
        p.v.close();
        p.value = u.param();
        p.m = u.m();
        p.v = u.v();
        p.value.setRequiresGradient(true);
      }
    }
    return lossValue;
  }

  private static void writeReport(
      Request request,
      ModelSpec spec,
      List<TrainingImage> images,
      Result result,
      int resolution,
      List<String> skipped,
      Device device)
      throws IOException {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put(
        "method",
        "PH-Reg self-distilled registers (Chen et al. 2025): a fine-tune; the weights change");
    report.put("base_model", request.modelName());
    report.put("base_layout", spec.layout().name());
    report.put("output_layout", StudentWriter.outputLayout(spec).name());
    DistillSettings s = request.settings();
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("registers", s.registers());
    settings.put("epochs", result.epochs());
    settings.put("steps", result.steps());
    settings.put("batch", result.batch());
    settings.put("resolution", resolution);
    settings.put("lr", s.lr());
    settings.put("end_lr", s.endLr());
    settings.put("weight_decay", s.weightDecay());
    settings.put("betas", List.of(0.9, 0.999));
    settings.put("eps", 1e-8);
    settings.put("views", s.views());
    settings.put("shift", s.shiftFraction());
    settings.put("mse_scale", s.mseScale());
    settings.put("seed", s.seed());
    settings.put("device", device.toString());
    settings.put("precision", "float32");
    settings.put(
        "trainable",
        "new registers, position table, patch projection, last block (DINOv2 reference)");
    settings.put(
        "teacher_views",
        "one seeded set per image, cached (the reference draws new views every epoch)");
    report.put("settings", settings);
    List<Map<String, Object>> list = new ArrayList<>();
    StringBuilder all = new StringBuilder();
    for (TrainingImage image : images) {
      list.add(
          Map.of(
              "name",
              image.name(),
              "sha256",
              image.sha256(),
              "crop",
              List.of(image.cropLeft(), image.cropTop())));
      all.append(image.sha256()).append('\n');
    }
    report.put("images", list);
    report.put("image_list_sha256", TrainingImages.sha256(all.toString()));
    report.put("epoch_losses", result.epochLosses());
    report.put("step_losses", result.stepLosses());
    report.put("teacher_targets_cached", result.cachedTargets());
    report.put("elapsed_seconds", result.seconds());
    if (!skipped.isEmpty()) {
      report.put("not_copied", skipped);
    }
    Files.writeString(
        request.output().resolve("distill.json"), JSON.writeValueAsString(report) + "\n");
  }

  /** What {@code --trace} writes. */
  private static final class Trace {
    private final Map<String, FloatTensor> tensors = new LinkedHashMap<>();

    void put(String prefix, Map<String, FloatTensor> values) {
      values.forEach((k, v) -> tensors.put(prefix + k, v));
    }

    void putStep(
        int step,
        FloatTensor pixels,
        FloatTensor targets,
        FloatTensor views,
        double loss,
        double lr) {
      String p = "step." + step + ".";
      tensors.put(p + "pixel_values", pixels);
      tensors.put(p + "targets", targets);
      tensors.put(p + "views", views);
      tensors.put(p + "loss", FloatTensor.of(new float[] {(float) loss}, 1));
      tensors.put(p + "lr", FloatTensor.of(new float[] {(float) lr}, 1));
    }

    void write(Path file, Request request, int resolution, int batch) throws IOException {
      DistillSettings s = request.settings();
      Map<String, String> meta = new LinkedHashMap<>();
      meta.put("model", request.modelName());
      meta.put("registers", String.valueOf(s.registers()));
      meta.put("batch", String.valueOf(batch));
      meta.put("resolution", String.valueOf(resolution));
      meta.put("lr", String.valueOf(s.lr()));
      meta.put("end_lr", String.valueOf(s.endLr()));
      meta.put("weight_decay", String.valueOf(s.weightDecay()));
      meta.put("views", String.valueOf(s.views()));
      meta.put("shift", String.valueOf(s.shiftFraction()));
      meta.put("mse_scale", String.valueOf(s.mseScale()));
      meta.put("seed", String.valueOf(s.seed()));
      meta.put("epochs", String.valueOf(s.epochs()));
      meta.put("steps", String.valueOf(s.steps()));
      SafetensorsWriter.write(file, tensors, meta);
    }
  }
}
