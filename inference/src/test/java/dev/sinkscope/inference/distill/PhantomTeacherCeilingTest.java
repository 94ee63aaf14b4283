package dev.sinkscope.inference.distill;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.mitigation.ShiftFlipDenoiser;
import dev.sinkscope.inference.preprocess.PreprocessPipeline;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.session.ModelSession;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Why the phantom's student cannot reach a cosine of 0.9 to the teacher on every planted patch of
 * chelsea.png: the teacher's own views keep some artifacts. The phantom flags the flattest patches,
 * and a patch that stays among the flattest in a shifted view (next to the white fill) is an
 * artifact there too, so its denoised target is partly or wholly an artifact feature. Prints, per
 * planted patch, in how many views it is an artifact and the cosine of the clean views' mean to the
 * target (the best a student that removes the artifact can score there); asserts that one planted
 * patch is an artifact in every view.
 */
class PhantomTeacherCeilingTest {
  @Test
  void theTeacherKeepsSomePlantedArtifacts() throws Exception {
    var pp = PreprocessPipeline.forModelFolder(DistillPhantomTest.PHANTOM);
    FloatTensor pixels = pp.process(DistillPhantomTest.UNSEEN).pixelValues();
    try (ModelSession teacher = ModelSession.open(DistillPhantomTest.PHANTOM, "cpu")) {
      ForwardResult r0 =
          teacher.run(
              pixels, CaptureOptions.RESIDUAL_ONLY, CancellationToken.NONE, ProgressListener.NONE);
      boolean[] planted = DistillPhantomTest.flagged(r0);
      int rows = r0.layout().gridRows();
      int cols = r0.layout().gridCols();
      List<ShiftFlipDenoiser.View> views = ShiftFlipDenoiser.views(rows, cols, 10, 7);
      List<boolean[]> viewFlags = new ArrayList<>();
      List<FloatTensor> feats = new ArrayList<>();
      ShiftFlipDenoiser.PatchFeatures wrapped =
          px -> {
            ForwardResult r =
                teacher.run(
                    px,
                    CaptureOptions.RESIDUAL_ONLY,
                    CancellationToken.NONE,
                    ProgressListener.NONE);
            viewFlags.add(DistillPhantomTest.flagged(r));
            FloatTensor pf = DistillPhantomTest.patches(r);
            feats.add(pf);
            return pf;
          };
      float[] fill = TrainingImages.whiteFill(pp.config());
      FloatTensor target =
          ShiftFlipDenoiser.denoise(
                  wrapped, pixels, 14, fill, views, CancellationToken.NONE, ProgressListener.NONE)
              .features();
      double oracle = 0;
      double cleanOr = 0;
      boolean everyView = false;
      int np = 0;
      for (int i = 0; i < planted.length; i++) {
        if (!planted[i]) {
          continue;
        }
        int r = i / cols;
        int c = i % cols;
        StringBuilder sb = new StringBuilder();
        int d = target.dim(1);
        double[] clean = new double[d];
        int seen = 0;
        int art = 0;
        for (int v = 0; v < views.size(); v++) {
          ShiftFlipDenoiser.View view = views.get(v);
          // find view cell whose source is i
          for (int vr = 0; vr < rows; vr++) {
            for (int vc = 0; vc < cols; vc++) {
              int unflipped = view.flipped() ? cols - 1 - vc : vc;
              if (vr + view.dy() == r && unflipped + view.dx() == c) {
                seen++;
                if (viewFlags.get(v)[vr * cols + vc]) {
                  art++;
                } else {
                  for (int k = 0; k < d; k++) {
                    clean[k] += feats.get(v).data()[(vr * cols + vc) * d + k];
                  }
                }
              }
            }
          }
        }
        double dot = 0, na = 0, nb = 0;
        for (int k = 0; k < d; k++) {
          dot += clean[k] * target.data()[i * d + k];
          na += clean[k] * clean[k];
          nb += (double) target.data()[i * d + k] * target.data()[i * d + k];
        }
        double pd = 0, pn = 0;
        FloatTensor plain = DistillPhantomTest.patches(r0);
        for (int k = 0; k < d; k++) {
          pd += (double) plain.data()[i * d + k] * target.data()[i * d + k];
          pn += (double) plain.data()[i * d + k] * plain.data()[i * d + k];
        }
        double cp = pd / Math.sqrt(pn * nb);
        double cc = seen > art ? dot / Math.sqrt(na * nb) : Double.NaN;
        everyView |= art == seen;
        oracle += Double.isNaN(cc) ? cp : Math.max(cp, cc);
        cleanOr += Double.isNaN(cc) ? cp : cc;
        np++;
        System.out.printf(
            "teacher on chelsea.png: planted (%d,%d): seen in %d views, artifact in %d; cos(clean views, target) %.4f; cos(plain, target) %.4f%n",
            r, c, seen, art, cc, cp);
      }
      // NaN-averaged clean target: recompute manually with per-cell mean excluding NaN is not
      // possible via
      // denoise; instead report cosine of plain and target per planted cell
      System.out.printf(
          "teacher on chelsea.png: cos(plain, target) on planted %.4f%n",
          DistillPhantomTest.meanCosine(DistillPhantomTest.patches(r0), target, planted, true));
      System.out.println("teacher views " + views);
      assertTrue(everyView, "a planted patch that is an artifact in every teacher view");
      System.out.printf(
          "teacher on chelsea.png: best of clean/plain per patch, mean %.4f%n", oracle / np);
    }
  }
}
