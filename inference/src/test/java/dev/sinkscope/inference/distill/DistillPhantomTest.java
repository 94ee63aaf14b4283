package dev.sinkscope.inference.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.mitigation.ShiftFlipDenoiser;
import dev.sinkscope.inference.model.CheckpointLayout;
import dev.sinkscope.inference.preprocess.PreprocessPipeline;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.TokenLayout;
import dev.sinkscope.inference.session.ModelSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink phantom distilled on the bundled photos with the reference's schedule (CPU, 100 epochs,
 * lr 1e-4 → 5e-6), judged on chelsea.png, which it never saw, against the teacher's denoised
 * features: on the planted artifact patches the student reaches a cosine of 0.9 (the teacher keeps
 * one of them in all its views, so the ceiling is about 0.95), on the planted patches the teacher
 * itself cleans as well, and the other patches keep 0.95. Prints the teacher-view counts per
 * planted patch and the mean cosines before and after. docs/distill.md says why this depends on the
 * schedule (the phantom's flag moves as a side effect of training, there is no gradient towards
 * it).
 */
@Tag("slow")
class DistillPhantomTest {
  static final Path ASSETS =
      Path.of("..", "assets", "src", "main", "resources", "dev", "sinkscope", "assets");
  static final Path PHANTOM = ASSETS.resolve("models").resolve("sink-phantom");
  static final Path UNSEEN = Path.of("..", "testdata", "images", "chelsea.png");

  @TempDir static Path tmp;
  static Path student;
  static Distiller.Result result;
  static final List<Distiller.StepReport> reports = new ArrayList<>();

  @BeforeAll
  static void distill() throws Exception {
    List<Path> photos;
    try (Stream<Path> list = Files.list(ASSETS.resolve("images"))) {
      photos =
          list.filter(p -> p.toString().endsWith(".png") || p.toString().endsWith(".jpg"))
              .sorted()
              .toList();
    }
    student = tmp.resolve("student");
    DistillSettings settings = DistillSettings.defaults().withEpochs(STEPS).withLr(LR);
    result =
        Distiller.run(
            new Distiller.Request(
                PHANTOM,
                "phantom",
                photos,
                student,
                settings,
                "cpu",
                tmp.resolve("teacher-cache"),
                null),
            CancellationToken.NONE,
            new Distiller.Listener() {
              @Override
              public void stepDone(Distiller.StepReport r) {
                reports.add(r);
              }
            });
  }

  /** The reference's schedule: 100 epochs (one step each on the five photos), lr 1e-4 → 5e-6. */
  static final int STEPS = Integer.getInteger("distill.steps", 100);

  static final double LR = Double.parseDouble(System.getProperty("distill.lr", "1e-4"));

  @Test
  void studentRemovesTheArtifactsOnAnUnseenPhoto() throws Exception {
    FloatTensor pixels = PreprocessPipeline.forModelFolder(PHANTOM).process(UNSEEN).pixelValues();
    boolean[] planted;
    FloatTensor plain;
    FloatTensor denoised;
    int cols;
    List<ShiftFlipDenoiser.View> views;
    List<boolean[]> viewFlags = new ArrayList<>();
    try (ModelSession teacher = ModelSession.open(PHANTOM, "cpu")) {
      ForwardResult r =
          teacher.run(
              pixels, CaptureOptions.RESIDUAL_ONLY, CancellationToken.NONE, ProgressListener.NONE);
      planted = flagged(r);
      plain = patches(r);
      int rows = r.layout().gridRows();
      cols = r.layout().gridCols();
      views = ShiftFlipDenoiser.views(rows, cols, 10, 7);
      ShiftFlipDenoiser.PatchFeatures flaggingViews =
          px -> {
            ForwardResult v =
                teacher.run(
                    px,
                    CaptureOptions.RESIDUAL_ONLY,
                    CancellationToken.NONE,
                    ProgressListener.NONE);
            viewFlags.add(flagged(v));
            return patches(v);
          };
      denoised =
          ShiftFlipDenoiser.denoise(
                  flaggingViews,
                  pixels,
                  14,
                  TrainingImages.whiteFill(PreprocessPipeline.forModelFolder(PHANTOM).config()),
                  views,
                  CancellationToken.NONE,
                  ProgressListener.NONE)
              .features();
    }
    // Planted patches the teacher itself cleans: an artifact in the unshifted view only.
    boolean[] cleanedByTeacher = new boolean[planted.length];
    for (int i = 0; i < planted.length; i++) {
      if (planted[i]) {
        int[] seenAndArtifact = artifactViews(i, cols, views, viewFlags);
        cleanedByTeacher[i] = seenAndArtifact[1] == 1;
        System.out.printf(
            "distill phantom: planted (%d,%d) seen in %d teacher views, an artifact in %d%n",
            i / cols, i % cols, seenAndArtifact[0], seenAndArtifact[1]);
      }
    }
    FloatTensor after;
    boolean[] studentFlags;
    try (ModelSession s = ModelSession.open(student, "cpu")) {
      assertEquals(CheckpointLayout.HF_DINOV2_WITH_REGISTERS, s.spec().layout());
      assertEquals(16, s.spec().registers());
      ForwardResult r =
          s.run(
              pixels, CaptureOptions.RESIDUAL_ONLY, CancellationToken.NONE, ProgressListener.NONE);
      after = patches(r);
      studentFlags = flagged(r);
    }
    for (int i = 0; i < planted.length; i++) {
      if (planted[i] || studentFlags[i]) {
        boolean[] one = new boolean[planted.length];
        one[i] = true;
        System.out.printf(
            "distill phantom: patch %d planted %b, student flags it %b; cosine to the teacher %.4f -> %.4f%n",
            i,
            planted[i],
            studentFlags[i],
            meanCosine(plain, denoised, one, true),
            meanCosine(after, denoised, one, true));
      }
    }
    int count = 0;
    for (boolean b : planted) {
      count += b ? 1 : 0;
    }
    assertTrue(count > 0, "chelsea.png has planted artifacts on the phantom");
    double beforeArtifacts = meanCosine(plain, denoised, planted, true);
    double afterArtifacts = meanCosine(after, denoised, planted, true);
    double beforeElsewhere = meanCosine(plain, denoised, planted, false);
    double afterElsewhere = meanCosine(after, denoised, planted, false);
    System.out.printf(
        "distill phantom: %d planted patches; cosine to the teacher on them %.4f -> %.4f, elsewhere"
            + " %.4f -> %.4f; loss %.4f -> %.4f in %d steps, %.1f s%n",
        count,
        beforeArtifacts,
        afterArtifacts,
        beforeElsewhere,
        afterElsewhere,
        result.stepLosses().get(0),
        result.stepLosses().get(result.steps() - 1),
        result.steps(),
        result.seconds());
    double beforeCleaned = meanCosine(plain, denoised, cleanedByTeacher, true);
    double afterCleaned = meanCosine(after, denoised, cleanedByTeacher, true);
    System.out.printf(
        "distill phantom: planted patches the teacher cleans: cosine %.4f -> %.4f%n",
        beforeCleaned, afterCleaned);
    assertTrue(
        afterArtifacts >= 0.9, "artifact patches " + beforeArtifacts + " -> " + afterArtifacts);
    assertTrue(
        java.util.stream.IntStream.range(0, planted.length).anyMatch(i -> cleanedByTeacher[i]),
        "chelsea.png has a planted patch the teacher cleans");
    assertTrue(afterCleaned >= 0.9, "planted patches the teacher cleans: " + afterCleaned);
    assertTrue(afterElsewhere >= 0.95, "other patches after: " + afterElsewhere);
  }

  @Test
  void progressAndReport() throws Exception {
    assertEquals(STEPS, reports.size());
    Distiller.StepReport last = reports.get(reports.size() - 1);
    assertEquals(STEPS, last.step());
    assertEquals(0, last.etaSeconds(), 1e-9);
    assertTrue(last.imagesPerSecond() > 0);
    assertTrue(
        result.stepLosses().stream().allMatch(l -> l > 0 && l < 2),
        "losses " + result.stepLosses());
    JsonNode report = new ObjectMapper().readTree(student.resolve("distill.json").toFile());
    assertEquals(5, report.get("images").size());
    assertEquals(STEPS, report.get("epoch_losses").size());
    assertEquals(64, report.get("image_list_sha256").asText().length());
    assertTrue(Files.isRegularFile(student.resolve("preprocessor_config.json")));
  }

  @Test
  void rerunReadsTheTeacherTargetsFromTheCache() throws Exception {
    List<Path> photos = List.of(ASSETS.resolve("images").resolve("coffee.png"));
    List<Boolean> cached = new ArrayList<>();
    Distiller.Result again =
        Distiller.run(
            new Distiller.Request(
                PHANTOM,
                "phantom",
                photos,
                tmp.resolve("again"),
                DistillSettings.defaults().withSteps(1),
                "cpu",
                tmp.resolve("teacher-cache"),
                null),
            CancellationToken.NONE,
            new Distiller.Listener() {
              @Override
              public void teacherImageDone(int done, int total, boolean c) {
                cached.add(c);
              }
            });
    assertEquals(List.of(true), cached);
    assertEquals(1, again.cachedTargets());
  }

  /**
   * Planted artifacts: the phantom's flag dimension after its flag block (as phantom.json defines
   * them).
   */
  static boolean[] flagged(ForwardResult result) {
    TokenLayout layout = result.layout();
    FloatTensor hidden = result.block(3).hidden();
    int d = hidden.dim(1);
    boolean[] mask = new boolean[layout.patchCount()];
    for (int r = 0; r < layout.gridRows(); r++) {
      for (int c = 0; c < layout.gridCols(); c++) {
        int base = layout.patchToken(r, c) * d;
        mask[r * layout.gridCols() + c] = hidden.data()[base + 50] - hidden.data()[base + 51] > 3f;
      }
    }
    return mask;
  }

  /**
   * In how many teacher views patch {@code i} of the grid appears and in how many of them it is an
   * artifact: {@code {seen, artifact}}.
   */
  static int[] artifactViews(
      int i, int cols, List<ShiftFlipDenoiser.View> views, List<boolean[]> viewFlags) {
    int r = i / cols;
    int c = i % cols;
    int rows = viewFlags.get(0).length / cols;
    int seen = 0;
    int artifact = 0;
    for (int v = 0; v < views.size(); v++) {
      ShiftFlipDenoiser.View view = views.get(v);
      for (int vr = 0; vr < rows; vr++) {
        for (int vc = 0; vc < cols; vc++) {
          int unflipped = view.flipped() ? cols - 1 - vc : vc;
          if (vr + view.dy() == r && unflipped + view.dx() == c) {
            seen++;
            artifact += viewFlags.get(v)[vr * cols + vc] ? 1 : 0;
          }
        }
      }
    }
    return new int[] {seen, artifact};
  }

  static FloatTensor patches(ForwardResult r) {
    TokenLayout layout = r.layout();
    int d = r.lastHiddenState().dim(1);
    float[] p =
        java.util.Arrays.copyOfRange(
            r.lastHiddenState().data(),
            layout.firstPatchIndex() * d,
            (layout.firstPatchIndex() + layout.patchCount()) * d);
    return FloatTensor.of(p, layout.patchCount(), d);
  }

  static double meanCosine(FloatTensor a, FloatTensor b, boolean[] mask, boolean inside) {
    int d = a.dim(1);
    double sum = 0;
    int n = 0;
    for (int i = 0; i < mask.length; i++) {
      if (mask[i] != inside) {
        continue;
      }
      double dot = 0;
      double na = 0;
      double nb = 0;
      for (int k = 0; k < d; k++) {
        double x = a.data()[i * d + k];
        double y = b.data()[i * d + k];
        dot += x * y;
        na += x * x;
        nb += y * y;
      }
      sum += dot / Math.sqrt(na * nb);
      n++;
    }
    return sum / n;
  }
}
