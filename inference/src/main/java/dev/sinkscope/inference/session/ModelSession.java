package dev.sinkscope.inference.session;

import ai.djl.Device;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.Devices;
import dev.sinkscope.inference.engine.ForwardHooks;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.engine.VitForward;
import dev.sinkscope.inference.engine.VitModel;
import dev.sinkscope.inference.model.Checkpoint;
import dev.sinkscope.inference.model.CheckpointReader;
import dev.sinkscope.inference.model.ModelLoadException;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.work.HeavyWork;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One opened model on one device: the validated checkpoint and its weights. Confined to one thread
 * (the engine's scoping is per thread); close it to release native memory.
 */
public final class ModelSession implements AutoCloseable {
  private final Checkpoint checkpoint;
  private final VitModel model;
  private final VitForward forward;

  private ModelSession(Checkpoint checkpoint, VitModel model) {
    this.checkpoint = checkpoint;
    this.model = model;
    this.forward = new VitForward(model);
  }

  /** Opens the model folder at {@code folder} on {@code device}. */
  public static ModelSession open(Path folder, Device device) throws ModelLoadException {
    HeavyWork.starts(HeavyWork.Kind.MODEL_OPEN);
    Checkpoint checkpoint = CheckpointReader.open(folder);
    try {
      return new ModelSession(checkpoint, VitModel.load(checkpoint, device));
    } catch (ModelLoadException | RuntimeException e) {
      try {
        checkpoint.close();
      } catch (IOException ignored) {
        // the load error is the one to report
      }
      throw e;
    }
  }

  /** Opens with a device option as {@link Devices#resolve} reads it. */
  public static ModelSession open(Path folder, String deviceOption) throws ModelLoadException {
    return open(folder, Devices.resolve(deviceOption));
  }

  public ModelSpec spec() {
    return checkpoint.spec();
  }

  public Path folder() {
    return checkpoint.folder();
  }

  public List<String> warnings() {
    return checkpoint.warnings();
  }

  public Device device() {
    return model.device();
  }

  public String deviceDescription() {
    return Devices.describe(model.device());
  }

  public VitForward forward() {
    return forward;
  }

  /** A plain pass without interventions. */
  public ForwardResult run(
      FloatTensor pixelValues,
      CaptureOptions capture,
      CancellationToken cancel,
      ProgressListener progress) {
    return forward.run(pixelValues, ForwardHooks.NONE, capture, cancel, progress);
  }

  /** Native arrays held by the model (constant across passes when nothing leaks). */
  public int managedArrayCount() {
    return model.managedArrayCount();
  }

  @Override
  public void close() throws IOException {
    model.close();
    checkpoint.close();
  }
}
