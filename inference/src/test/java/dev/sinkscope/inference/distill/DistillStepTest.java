package dev.sinkscope.inference.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sinkscope.inference.engine.TrainableWeights;
import dev.sinkscope.inference.engine.VitForward;
import dev.sinkscope.inference.engine.VitModel;
import dev.sinkscope.inference.model.Checkpoint;
import dev.sinkscope.inference.model.CheckpointReader;
import dev.sinkscope.inference.model.PositionInterpolation;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One and two training steps on the golden {@code dinov2-hf} fixture against an independent,
 * hand-written reference: the loss recomputed in double from the pass's features, gradients against
 * central finite differences of that loss, and torch's AdamW written out in double.
 */
class DistillStepTest {
  static final Path FIXTURE = Path.of("..", "testdata", "fixtures", "dinov2-hf");

  @Test
  void trainingPassWithUntouchedWeightsIsTheGoldenForward() throws Exception {
    try (Checkpoint ckpt = CheckpointReader.open(FIXTURE);
        VitModel model = VitModel.load(ckpt, Device.cpu());
        SafetensorsFile input = SafetensorsFile.open(FIXTURE.resolve("input.safetensors"));
        SafetensorsFile expected = SafetensorsFile.open(FIXTURE.resolve("expected.safetensors"));
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      Map<String, NDArray> canonical = new LinkedHashMap<>();
      for (String name : Student.trainableNames(ckpt)) {
        var ref = ckpt.weight(name);
        canonical.put(
            name, m.create(ref.file().readFloats(ref.key()), new Shape(ref.info().shape())));
      }
      NDArray pixels =
          m.create(input.readFloats("pixel_values"), new Shape(input.info("pixel_values").shape()));
      NDArray out =
          new VitForward(model)
              .trainingPass(
                  m, pixels, new TrainableWeights(canonical, null, PositionInterpolation.BICUBIC));
      float[] got = out.toFloatArray();
      float[] want = expected.readFloats("last_hidden_state");
      assertEquals(want.length, got.length);
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], got[i], 1e-4, "last_hidden_state[" + i + "]");
      }
    }
  }

  @Test
  void twoStepsEqualHandWrittenLossGradientsAndAdamW() throws Exception {
    int registers = 2;
    int batch = 2;
    int res = 112;
    int patches = 64;
    double lr = 1e-3;
    double wd = 1e-2;
    try (Checkpoint ckpt = CheckpointReader.open(FIXTURE);
        VitModel model = VitModel.load(ckpt, Device.cpu());
        SafetensorsFile input = SafetensorsFile.open(FIXTURE.resolve("input.safetensors"));
        NDManager root = NDManager.newBaseManager(Device.cpu())) {
      VitForward forward = new VitForward(model);
      int d = ckpt.spec().hiddenSize();
      float[] one = input.readFloats("pixel_values");
      float[] pixels = new float[2 * one.length];
      for (int i = 0; i < one.length; i++) {
        pixels[i] = one[i];
        pixels[one.length + i] = -0.5f * one[one.length - 1 - i];
      }
      Random random = new Random(5);
      float[] targets = new float[batch * patches * d];
      for (int i = 0; i < targets.length; i++) {
        targets[i] = (float) random.nextGaussian();
      }
      Student student = Student.create(ckpt, root, registers, 11);
      Map<String, FloatTensor> start = student.hostValues();
      AdamW adamW = AdamW.torchDefaults(wd);

      // step 1: loss against the hand-written formula on the same features
      double handLoss =
          handLoss(
              forward,
              root,
              student.hostValues(),
              pixels,
              targets,
              batch,
              res,
              patches,
              d,
              null,
              0,
              0);
      Map<String, FloatTensor> grads1 = new LinkedHashMap<>();
      double loss1 =
          Distiller.step(
              forward,
              student,
              adamW,
              PositionInterpolation.BICUBIC_ANTIALIAS,
              root,
              pixels,
              targets,
              batch,
              res,
              patches,
              lr,
              1,
              1.0,
              grads1);
      assertEquals(handLoss, loss1, 1e-5);

      // gradients: central differences of the hand loss at the largest-gradient coordinate of some
      // tensors
      for (String name :
          List.of(
              "registers.new",
              "position",
              "patch.bias",
              "blocks.3.fc2.weight",
              "blocks.3.q.weight",
              "blocks.3.ls1")) {
        float[] g = grads1.get(name).data();
        int at = 0;
        for (int i = 1; i < g.length; i++) {
          at = Math.abs(g[i]) > Math.abs(g[at]) ? i : at;
        }
        double h = 1e-2;
        double plus =
            handLoss(forward, root, start, pixels, targets, batch, res, patches, d, name, at, h);
        double minus =
            handLoss(forward, root, start, pixels, targets, batch, res, patches, d, name, at, -h);
        double numeric = (plus - minus) / (2 * h);
        assertEquals(numeric, g[at], 2e-2 * Math.abs(numeric) + 2e-4, name + "[" + at + "]");
      }

      // AdamW by hand, in double, from the starting values and the gradients
      Map<String, double[]> p = new LinkedHashMap<>();
      Map<String, double[]> mom = new LinkedHashMap<>();
      Map<String, double[]> vel = new LinkedHashMap<>();
      start.forEach(
          (k, v) -> {
            double[] a = new double[v.size()];
            for (int i = 0; i < a.length; i++) {
              a[i] = v.data()[i];
            }
            p.put(k, a);
            mom.put(k, new double[a.length]);
            vel.put(k, new double[a.length]);
          });
      handAdamW(p, mom, vel, grads1, lr, wd, 1);
      assertClose(p, student.hostValues(), 1e-6);

      Map<String, FloatTensor> grads2 = new LinkedHashMap<>();
      double lr2 = 5e-4;
      Distiller.step(
          forward,
          student,
          adamW,
          PositionInterpolation.BICUBIC_ANTIALIAS,
          root,
          pixels,
          targets,
          batch,
          res,
          patches,
          lr2,
          2,
          1.0,
          grads2);
      handAdamW(p, mom, vel, grads2, lr2, wd, 2);
      assertClose(p, student.hostValues(), 1e-6);
      student.close();
    }
  }

  /** torch.optim.AdamW's update, element by element, in double. */
  static void handAdamW(
      Map<String, double[]> p,
      Map<String, double[]> m,
      Map<String, double[]> v,
      Map<String, FloatTensor> grads,
      double lr,
      double wd,
      int t) {
    for (String k : p.keySet()) {
      double[] x = p.get(k);
      double[] mk = m.get(k);
      double[] vk = v.get(k);
      float[] g = grads.get(k).data();
      for (int i = 0; i < x.length; i++) {
        x[i] *= 1 - lr * wd;
        mk[i] = 0.9 * mk[i] + 0.1 * g[i];
        vk[i] = 0.999 * vk[i] + 0.001 * g[i] * g[i];
        double mHat = mk[i] / (1 - Math.pow(0.9, t));
        double denom = Math.sqrt(vk[i]) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8;
        x[i] -= lr * mHat / denom;
      }
    }
  }

  static void assertClose(Map<String, double[]> want, Map<String, FloatTensor> got, double tol) {
    for (String k : want.keySet()) {
      double[] w = want.get(k);
      float[] g = got.get(k).data();
      double worst = 0;
      for (int i = 0; i < w.length; i++) {
        worst = Math.max(worst, Math.abs(w[i] - g[i]));
      }
      assertTrue(worst <= tol, k + ": worst difference " + worst);
    }
  }

  /**
   * {@code 1 − mean cos + mean (a − t)²} in double over the student's patch features for {@code
   * values}, optionally with one element of one tensor moved by {@code h}.
   */
  static double handLoss(
      VitForward forward,
      NDManager root,
      Map<String, FloatTensor> values,
      float[] pixels,
      float[] targets,
      int batch,
      int res,
      int patches,
      int d,
      String nudged,
      int index,
      double h) {
    try (NDManager m = root.newSubManager()) {
      Map<String, NDArray> canonical = new LinkedHashMap<>();
      NDArray registers = null;
      for (Map.Entry<String, FloatTensor> e : values.entrySet()) {
        float[] data = e.getValue().data().clone();
        if (e.getKey().equals(nudged)) {
          data[index] += (float) h;
        }
        long[] shape = new long[e.getValue().rank()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = e.getValue().dim(i);
        }
        NDArray a = m.create(data, new Shape(shape));
        if (e.getKey().equals("registers.new")) {
          registers = a;
        } else {
          canonical.put(e.getKey(), a);
        }
      }
      TrainableWeights w =
          new TrainableWeights(canonical, registers, PositionInterpolation.BICUBIC_ANTIALIAS);
      float[] out =
          forward
              .trainingPass(m, m.create(pixels, new Shape(batch, 3, res, res)), w)
              .toFloatArray();
      int tokens = out.length / batch / d;
      int first = tokens - patches;
      double cos = 0;
      double mse = 0;
      for (int b = 0; b < batch; b++) {
        for (int p = 0; p < patches; p++) {
          double dot = 0;
          double na = 0;
          double nt = 0;
          for (int k = 0; k < d; k++) {
            double a = out[(b * tokens + first + p) * d + k];
            double t = targets[(b * patches + p) * d + k];
            dot += a * t;
            na += a * a;
            nt += t * t;
            mse += (a - t) * (a - t);
          }
          cos += dot / ((Math.sqrt(na) + 1e-8) * (Math.sqrt(nt) + 1e-8));
        }
      }
      return 1 - cos / (batch * patches) + mse / ((double) batch * patches * d);
    }
  }
}
