package dev.sinkscope.app.cli;

import dev.sinkscope.inference.distill.DistillSettings;
import dev.sinkscope.inference.distill.Distiller;
import dev.sinkscope.inference.engine.CancellationToken;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code distill}: fine-tunes self-distilled registers into a model (PH-Reg student) and writes the
 * student as a model folder.
 */
@Command(
    name = "distill",
    mixinStandardHelpOptions = true,
    description =
        "Self-distilled registers (PH-Reg student, Chen et al. 2025): add N register tokens and fine-tune"
            + " them with the position table, patch projection and last block so the single-pass final patch features"
            + " match the shift/flip-denoised ones of the frozen model. A fine-tune: the weights change. Writes a model"
            + " folder (HF DINOv2 -> Dinov2WithRegistersModel, timm -> reg_token) with distill.json.")
final class DistillCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand SinkscopeCommand root;

  @Mixin ModelOption modelOption;

  @Mixin ImagesOption imagesOption;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Folder for the student model.")
  Path out;

  @Option(
      names = "--registers",
      defaultValue = "16",
      paramLabel = "N",
      description = "New registers. Default: ${DEFAULT-VALUE}.")
  int registers;

  @Option(
      names = "--epochs",
      paramLabel = "E",
      description =
          "Passes over the images. Default: "
              + DistillSettings.DEFAULT_EPOCHS
              + " (the reference: 100 on Flickr30k).")
  Integer epochs;

  @Option(names = "--steps", paramLabel = "S", description = "Optimiser steps instead of --epochs.")
  Integer steps;

  @Option(
      names = "--batch",
      defaultValue = "0",
      paramLabel = "B",
      description =
          "Images per step (at most the number of images). Default (0): as many as the backward"
              + " pass's activations fit in 6 GiB, at most 8, from the model's width, depth, heads"
              + " and tokens; the run prints the batch it chose.")
  int batch;

  @Option(
      names = "--resolution",
      defaultValue = "0",
      paramLabel = "R",
      description =
          "Square input side, a multiple of the patch size; 0 = the model's image size. Default: ${DEFAULT-VALUE}.")
  int resolution;

  @Option(
      names = "--lr",
      defaultValue = "1e-4",
      paramLabel = "LR",
      description = "Start learning rate. Default: ${DEFAULT-VALUE}.")
  double lr;

  @Option(
      names = "--end-lr",
      defaultValue = "5e-6",
      paramLabel = "LR",
      description = "Floor of the per-epoch exponential decay. Default: ${DEFAULT-VALUE}.")
  double endLr;

  @Option(
      names = "--weight-decay",
      defaultValue = "1e-2",
      paramLabel = "WD",
      description = "AdamW decoupled weight decay. Default: ${DEFAULT-VALUE}.")
  double weightDecay;

  @Option(
      names = "--views",
      defaultValue = "10",
      paramLabel = "V",
      description = "Teacher views per image. Default: ${DEFAULT-VALUE}.")
  int views;

  @Option(
      names = "--shift",
      defaultValue = "0.15",
      paramLabel = "F",
      description =
          "Largest teacher shift as a fraction of the grid side. Default: ${DEFAULT-VALUE}.")
  double shift;

  @Option(
      names = "--mse-scale",
      defaultValue = "1",
      paramLabel = "W",
      description = "Weight of the MSE term. Default: ${DEFAULT-VALUE}.")
  double mseScale;

  @Option(
      names = "--seed",
      defaultValue = "0",
      paramLabel = "S",
      description =
          "Seeds registers, crops, teacher views and shuffling. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--teacher-cache",
      paramLabel = "DIR",
      description =
          "Where teacher targets are cached (default: a folder next to the bundled-asset cache).")
  Path teacherCache;

  @Option(
      names = "--trace",
      paramLabel = "FILE.safetensors",
      description =
          "Writes init./final. trainable tensors and step.<s>.{pixel_values,targets,views,loss,lr}.")
  Path trace;

  @Mixin CommonOptions common;

  @Override
  public Integer call() throws Exception {
    if (epochs != null && steps != null) {
      throw new IllegalArgumentException("give --epochs or --steps, not both");
    }
    DistillSettings settings =
        new DistillSettings(
            registers,
            epochs == null ? DistillSettings.DEFAULT_EPOCHS : epochs,
            steps == null ? 0 : steps,
            batch,
            resolution,
            lr,
            endLr,
            weightDecay,
            views,
            shift,
            mseScale,
            seed);
    common.apply();
    PrintWriter outWriter = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ModelResolver.Resolved resolved =
        new ModelResolver(root.context(), err).resolve(modelOption.model);
    List<Path> files = ImageFolder.list(imagesOption.images, root.context());
    Path cache =
        teacherCache != null
            ? teacherCache
            : root.context()
                .bundledCache()
                .toAbsolutePath()
                .resolveSibling("distill-teacher-cache");
    outWriter.printf(
        "distill: %s, %d images, %d new registers%n",
        resolved.displayName(), files.size(), registers);
    outWriter.flush();
    Distiller.Result result =
        Distiller.run(
            new Distiller.Request(
                resolved.folder(),
                resolved.displayName(),
                files,
                out,
                settings,
                common.device,
                cache,
                trace),
            CancellationToken.NONE,
            new Distiller.Listener() {
              @Override
              public void planned(Distiller.Plan plan) {
                outWriter.printf(
                    "batch:   %d images per step (%s); the default here is %d: %s%n",
                    plan.batch(),
                    plan.batchGiven()
                        ? "--batch"
                        : plan.batch() < plan.defaultBatch() ? "all the images" : "the default",
                    plan.defaultBatch(),
                    plan.batchRule());
                outWriter.printf(
                    "steps:   %d at %d px over %d images%n",
                    plan.steps(), plan.resolution(), plan.images());
                outWriter.flush();
              }

              @Override
              public void teacherImageDone(int done, int total, boolean cached) {
                err.printf("teacher targets %d/%d%s%n", done, total, cached ? " (cached)" : "");
                err.flush();
              }

              @Override
              public void stepDone(Distiller.StepReport r) {
                err.printf(
                    "step %d/%d  epoch %d/%d  loss %.5f  lr %.3g  %.1f img/s  ETA %s%n",
                    r.step(),
                    r.totalSteps(),
                    r.epoch(),
                    r.epochs(),
                    r.loss(),
                    r.lr(),
                    r.imagesPerSecond(),
                    eta(r.etaSeconds()));
                err.flush();
              }
            });
    outWriter.printf(
        "student: %s (%d steps over %d images in %d epochs, batch %d, %.1f s)%n",
        result.output(),
        result.steps(),
        result.images(),
        result.epochs(),
        result.batch(),
        result.seconds());
    outWriter.printf(
        "loss:    %.5f -> %.5f%n",
        result.stepLosses().get(0), result.stepLosses().get(result.stepLosses().size() - 1));
    outWriter.println("This is a fine-tune: the student's weights differ from the input model's.");
    return 0;
  }

  static String eta(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
        : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
  }
}
