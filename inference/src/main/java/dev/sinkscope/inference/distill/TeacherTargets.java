package dev.sinkscope.inference.distill;

import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.engine.VitForward;
import dev.sinkscope.inference.mitigation.ShiftFlipDenoiser;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import dev.sinkscope.inference.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The teacher's targets (methods §5.2): per image, the frozen model's final-normed patch features
 * averaged over seeded whole-patch shifts and flips. Computed once per image and kept in a cache
 * folder under a key of the weights, the image, its crop and the teacher settings, so a rerun with
 * the same images and settings skips them.
 */
public final class TeacherTargets {

  /**
   * Targets of one image.
   *
   * @param features {@code [N, D]}, row-major over the grid, CLS and registers dropped
   * @param views {@code [V, 3]}: dy, dx, flip (0/1) per view
   * @param cached whether they came from the cache
   */
  public record Target(FloatTensor features, FloatTensor views, boolean cached) {}

  /** Told after each image. */
  @FunctionalInterface
  public interface Listener {
    void imageDone(int done, int total, boolean cached);
  }

  private TeacherTargets() {}

  /**
   * Seed of one image's views: the run's seed mixed with the image's hash, independent of order.
   */
  static long viewSeed(long seed, TrainingImage image) {
    return seed * 0x9E3779B97F4A7C15L
        + Long.parseUnsignedLong(image.sha256().substring(16, 31), 16);
  }

  public static List<Target> compute(
      VitForward teacher,
      String weightsSha256,
      List<TrainingImage> images,
      DistillSettings settings,
      float[] fill,
      Path cacheDir,
      CancellationToken cancel,
      Listener listener)
      throws IOException {
    int p = teacher.model().spec().patchSize();
    List<Target> out = new ArrayList<>(images.size());
    if (cacheDir != null) {
      Files.createDirectories(cacheDir);
    }
    for (int i = 0; i < images.size(); i++) {
      cancel.throwIfCancelled();
      TrainingImage image = images.get(i);
      int rows = image.pixels().dim(2) / p;
      int cols = image.pixels().dim(3) / p;
      String key =
          TrainingImages.sha256(
              String.join(
                  "|",
                  "phreg-teacher-v1",
                  weightsSha256,
                  image.sha256(),
                  String.valueOf(image.pixels().dim(2)),
                  image.cropLeft() + "," + image.cropTop(),
                  String.valueOf(settings.views()),
                  String.valueOf(settings.shiftFraction()),
                  String.valueOf(settings.seed()),
                  fill[0] + "," + fill[1] + "," + fill[2]));
      Path file = cacheDir == null ? null : cacheDir.resolve(key + ".safetensors");
      Target target = file != null && Files.isRegularFile(file) ? read(file, rows * cols) : null;
      if (target == null) {
        List<ShiftFlipDenoiser.View> views =
            ShiftFlipDenoiser.views(
                rows,
                cols,
                settings.views(),
                viewSeed(settings.seed(), image),
                settings.shiftFraction());
        ShiftFlipDenoiser.Result result =
            ShiftFlipDenoiser.denoise(
                ShiftFlipDenoiser.finalNormedPatches(teacher, cancel),
                image.pixels(),
                p,
                fill,
                views,
                cancel,
                ProgressListener.NONE);
        float[] v = new float[views.size() * 3];
        for (int k = 0; k < views.size(); k++) {
          v[3 * k] = views.get(k).dy();
          v[3 * k + 1] = views.get(k).dx();
          v[3 * k + 2] = views.get(k).flipped() ? 1 : 0;
        }
        target = new Target(result.features(), FloatTensor.of(v, views.size(), 3), false);
        if (file != null) {
          Map<String, FloatTensor> tensors = new LinkedHashMap<>();
          tensors.put("targets", target.features());
          tensors.put("views", target.views());
          SafetensorsWriter.write(
              file, tensors, Map.of("image", image.name(), "image_sha256", image.sha256()));
        }
      }
      out.add(target);
      listener.imageDone(i + 1, images.size(), target.cached());
    }
    return out;
  }

  /**
   * A cached target, or null when the file is unreadable or of another shape (then it is
   * recomputed).
   */
  private static Target read(Path file, int patches) {
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      int[] shape = f.info("targets").intShape();
      if (shape.length != 2 || shape[0] != patches) {
        return null;
      }
      FloatTensor features = FloatTensor.of(f.readFloats("targets"), shape);
      int[] vs = f.info("views").intShape();
      return new Target(features, FloatTensor.of(f.readFloats("views"), vs), true);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
