package dev.sinkscope.inference.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.engine.TrainableWeights;
import dev.sinkscope.inference.engine.VitForward;
import dev.sinkscope.inference.engine.VitModel;
import dev.sinkscope.inference.model.CanonicalWeights;
import dev.sinkscope.inference.model.Checkpoint;
import dev.sinkscope.inference.model.CheckpointLayout;
import dev.sinkscope.inference.model.CheckpointReader;
import dev.sinkscope.inference.model.PositionInterpolation;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import dev.sinkscope.inference.session.ModelSession;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two output layouts besides Dinov2WithRegistersModel: timm DINOv2 in gives {@code reg_token}
 * and {@code model_args.reg_tokens}; an HF ViT in gives {@code embeddings.register_tokens} and
 * {@code num_register_tokens}. Each reloads in Sinkscope with the trained tensors bit for bit and
 * the trainer's own forward numbers.
 */
class DistillOtherLayoutsTest {
  static final Path FIXTURES = DistillOutputTest.FIXTURES;
  static final Path PHOTOS = DistillOutputTest.PHOTOS;

  @TempDir Path tmp;

  @Test
  void timmDinov2GetsRegTokenAndModelArgs() throws Exception {
    Path fixture = FIXTURES.resolve("dinov2-timm");
    Path out = tmp.resolve("timm-student");
    Path trace = distill(fixture, out);
    JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
    assertEquals(4, config.get("model_args").get("reg_tokens").asInt());
    assertTrue(
        config.get("model_args").get("no_embed_class").asBoolean(),
        "the CLS position moves into cls_token");
    try (SafetensorsFile model = SafetensorsFile.open(out.resolve("model.safetensors"))) {
      assertArrayEquals(new long[] {1, 4, 64}, model.info("reg_token").shape());
      assertArrayEquals(new long[] {1, 64, 64}, model.info("pos_embed").shape());
      assertFalse(model.contains("embeddings.register_tokens"));
    }
    try (Checkpoint reloaded = CheckpointReader.open(out)) {
      assertEquals(CheckpointLayout.TIMM, reloaded.spec().layout());
      assertEquals(4, reloaded.spec().registers());
    }
    assertReloadsWithTheTrainedNumbers(fixture, out, trace, 112);
  }

  @Test
  void hfVitGetsRegisterTokensAndTheirCountInTheConfig() throws Exception {
    Path fixture = FIXTURES.resolve("vit-hf");
    Path out = tmp.resolve("vit-student");
    Path trace = distill(fixture, out);
    ObjectMapper json = new ObjectMapper();
    JsonNode config = json.readTree(out.resolve("config.json").toFile());
    JsonNode input = json.readTree(fixture.resolve("config.json").toFile());
    assertEquals(4, config.get("num_register_tokens").asInt());
    assertEquals(input.get("model_type"), config.get("model_type"), "the input layout stays");
    try (SafetensorsFile model = SafetensorsFile.open(out.resolve("model.safetensors"))) {
      assertArrayEquals(new long[] {1, 4, 64}, model.info("embeddings.register_tokens").shape());
    }
    try (Checkpoint reloaded = CheckpointReader.open(out)) {
      assertEquals(4, reloaded.spec().registers());
    }
    assertReloadsWithTheTrainedNumbers(fixture, out, trace, 64);
  }

  Path distill(Path fixture, Path out) throws Exception {
    Path trace = out.resolveSibling(out.getFileName() + "-trace.safetensors");
    DistillSettings settings =
        DistillSettings.defaults().withRegisters(4).withSteps(2).withBatch(2).withLr(1e-3);
    Distiller.run(
        new Distiller.Request(
            fixture,
            fixture.getFileName().toString(),
            List.of(PHOTOS.resolve("coffee.png"), PHOTOS.resolve("rocket.jpg")),
            out,
            settings,
            "cpu",
            null,
            trace),
        CancellationToken.NONE,
        Distiller.Listener.NONE);
    return trace;
  }

  /**
   * Every {@code final.<name>} of the trace is the output's tensor {@code <name>} exactly, and the
   * reloaded folder's forward equals the trainer's training pass with those tensors (mapped back to
   * the input's names; timm's position table gets its CLS row back from cls_token).
   */
  static void assertReloadsWithTheTrainedNumbers(Path fixture, Path out, Path trace, int side)
      throws Exception {
    float[] pixels;
    try (SafetensorsFile in = SafetensorsFile.open(fixture.resolve("input.safetensors"))) {
      pixels = in.readFloats("pixel_values");
    }
    try (SafetensorsFile t = SafetensorsFile.open(trace);
        SafetensorsFile model = SafetensorsFile.open(out.resolve("model.safetensors"))) {
      int finals = 0;
      for (String key : t.tensors().keySet()) {
        if (key.startsWith("final.")) {
          String name = key.substring("final.".length());
          assertArrayEquals(t.readFloats(key), model.readFloats(name), name);
          finals++;
        }
      }
      assertTrue(finals > 4, "trained tensors in the trace: " + finals);
    }
    float[] reloaded;
    try (ModelSession s = ModelSession.open(out, "cpu")) {
      reloaded =
          s.run(
                  FloatTensor.of(pixels, 1, 3, side, side),
                  CaptureOptions.RESIDUAL_ONLY,
                  CancellationToken.NONE,
                  ProgressListener.NONE)
              .lastHiddenState()
              .data();
    }
    try (Checkpoint ckpt = CheckpointReader.open(fixture);
        VitModel model = VitModel.load(ckpt, Device.cpu());
        SafetensorsFile t = SafetensorsFile.open(trace);
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      boolean timm = ckpt.spec().layout() == CheckpointLayout.TIMM;
      Map<String, NDArray> canonical = new LinkedHashMap<>();
      for (String name : Student.trainableNames(ckpt)) {
        String key = "final." + ckpt.weight(name).key();
        float[] values = t.readFloats(key);
        long[] shape = t.info(key).shape();
        if (timm && name.equals(CanonicalWeights.POSITION)) {
          // the output folded the CLS position into cls_token: take it back out
          String clsKey = ckpt.weight(CanonicalWeights.CLS).key();
          float[] before = ckpt.weight(CanonicalWeights.CLS).file().readFloats(clsKey);
          float[] after;
          try (SafetensorsFile outModel = SafetensorsFile.open(out.resolve("model.safetensors"))) {
            after = outModel.readFloats(clsKey);
          }
          int d = before.length;
          float[] full = new float[values.length + d];
          for (int k = 0; k < d; k++) {
            full[k] = after[k] - before[k];
          }
          System.arraycopy(values, 0, full, d, values.length);
          values = full;
          shape = new long[] {1, shape[1] + 1, d};
        }
        canonical.put(name, m.create(values, new Shape(shape)));
      }
      String regKey = timm ? "final.reg_token" : "final.embeddings.register_tokens";
      NDArray registers = m.create(t.readFloats(regKey), new Shape(t.info(regKey).shape()));
      float[] trained =
          new VitForward(model)
              .trainingPass(
                  m,
                  m.create(pixels, new Shape(1, 3, side, side)),
                  new TrainableWeights(canonical, registers, PositionInterpolation.BICUBIC))
              .toFloatArray();
      assertEquals(trained.length, reloaded.length);
      double worst = 0;
      for (int i = 0; i < trained.length; i++) {
        worst = Math.max(worst, Math.abs(trained[i] - reloaded[i]));
      }
      assertTrue(worst <= 1e-5, "reloaded vs trained: " + worst);
    }
  }
}
