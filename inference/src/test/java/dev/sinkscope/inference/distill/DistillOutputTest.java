package dev.sinkscope.inference.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import dev.sinkscope.inference.model.Checkpoint;
import dev.sinkscope.inference.model.CheckpointLayout;
import dev.sinkscope.inference.model.CheckpointReader;
import dev.sinkscope.inference.model.PositionInterpolation;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import dev.sinkscope.inference.safetensors.TensorInfo;
import dev.sinkscope.inference.session.ModelSession;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The student folder: exactly Dinov2WithRegistersModel's names and config, reloads with the trained
 * numbers.
 */
class DistillOutputTest {
  static final Path FIXTURES = Path.of("..", "testdata", "fixtures");
  static final Path PHOTOS = DistillPhantomTest.ASSETS.resolve("images");

  @TempDir static Path tmp;
  static Path out;
  static Path trace;

  @BeforeAll
  static void distill() throws Exception {
    out = tmp.resolve("student");
    trace = tmp.resolve("trace.safetensors");
    DistillSettings settings =
        DistillSettings.defaults().withRegisters(4).withSteps(2).withBatch(2).withLr(1e-3);
    Distiller.run(
        new Distiller.Request(
            FIXTURES.resolve("dinov2-hf"),
            "dinov2-hf",
            List.of(PHOTOS.resolve("coffee.png"), PHOTOS.resolve("rocket.jpg")),
            out,
            settings,
            "cpu",
            null,
            trace),
        CancellationToken.NONE,
        Distiller.Listener.NONE);
  }

  @Test
  void configAndTensorNamesAreDinov2WithRegistersModels() throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode got = json.readTree(out.resolve("config.json").toFile());
    JsonNode want =
        json.readTree(FIXTURES.resolve("dinov2-reg-hf").resolve("config.json").toFile());
    assertEquals(keys(want), keys(got));
    for (String k :
        List.of(
            "model_type",
            "architectures",
            "num_register_tokens",
            "interpolate_antialias",
            "out_features",
            "out_indices",
            "stage_names",
            "hidden_size")) {
      assertEquals(want.get(k), got.get(k), k);
    }
    try (SafetensorsFile a = SafetensorsFile.open(out.resolve("model.safetensors"));
        SafetensorsFile b =
            SafetensorsFile.open(FIXTURES.resolve("dinov2-reg-hf").resolve("model.safetensors"))) {
      assertEquals(new TreeSet<>(b.tensors().keySet()), new TreeSet<>(a.tensors().keySet()));
      for (Map.Entry<String, TensorInfo> e : b.tensors().entrySet()) {
        assertArrayEquals(e.getValue().shape(), a.info(e.getKey()).shape(), e.getKey());
      }
    }
    try (Checkpoint reloaded = CheckpointReader.open(out)) {
      assertEquals(CheckpointLayout.HF_DINOV2_WITH_REGISTERS, reloaded.spec().layout());
      assertEquals(4, reloaded.spec().registers());
    }
  }

  @Test
  void traceHasTheListedTensors() throws Exception {
    try (SafetensorsFile t = SafetensorsFile.open(trace)) {
      assertArrayEquals(new long[] {2, 3, 112, 112}, t.info("step.1.pixel_values").shape());
      assertArrayEquals(new long[] {2, 64, 64}, t.info("step.2.targets").shape());
      assertArrayEquals(new long[] {2, 10, 3}, t.info("step.1.views").shape());
      assertArrayEquals(new long[] {1}, t.info("step.2.loss").shape());
      assertEquals(1e-3, t.readFloats("step.1.lr")[0], 1e-9);
      assertArrayEquals(new long[] {1, 4, 64}, t.info("init.embeddings.register_tokens").shape());
      assertTrue(t.contains("final.encoder.layer.3.mlp.fc2.weight"));
      assertTrue(t.contains("final.embeddings.position_embeddings"));
      assertTrue(!t.contains("final.encoder.layer.2.mlp.fc2.weight"), "only the last block trains");
      assertEquals("4", t.metadata().get("registers"));
      float[] views = t.readFloats("step.1.views");
      assertArrayEquals(new float[] {0, 0, 0}, java.util.Arrays.copyOf(views, 3));
    }
  }

  /** The reloaded folder's forward equals the trainer's forward with the final trained tensors. */
  @Test
  void reloadGivesTheTrainedNumbers() throws Exception {
    Path fixture = FIXTURES.resolve("dinov2-hf");
    float[] pixels;
    try (SafetensorsFile in = SafetensorsFile.open(fixture.resolve("input.safetensors"))) {
      pixels = in.readFloats("pixel_values");
    }
    float[] reloaded;
    try (ModelSession s = ModelSession.open(out, "cpu")) {
      reloaded =
          s.run(
                  FloatTensor.of(pixels, 1, 3, 112, 112),
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
      Map<String, NDArray> canonical = new LinkedHashMap<>();
      for (String name : Student.trainableNames(ckpt)) {
        String key = "final." + ckpt.weight(name).key();
        canonical.put(name, m.create(t.readFloats(key), new Shape(t.info(key).shape())));
      }
      NDArray registers =
          m.create(t.readFloats("final.embeddings.register_tokens"), new Shape(1, 4, 64));
      float[] trained =
          new VitForward(model)
              .trainingPass(
                  m,
                  m.create(pixels, new Shape(1, 3, 112, 112)),
                  new TrainableWeights(
                      canonical, registers, PositionInterpolation.BICUBIC_ANTIALIAS))
              .toFloatArray();
      assertEquals(trained.length, reloaded.length);
      double worst = 0;
      for (int i = 0; i < trained.length; i++) {
        worst = Math.max(worst, Math.abs(trained[i] - reloaded[i]));
      }
      assertTrue(worst <= 1e-5, "reloaded vs trained: " + worst);
      float[] before =
          new VitForward(model)
              .trainingPass(
                  m,
                  m.create(pixels, new Shape(1, 3, 112, 112)),
                  new TrainableWeights(Map.of(), null, PositionInterpolation.BICUBIC))
              .toFloatArray();
      assertTrue(before.length < trained.length, "the student has 4 more tokens");
    }
  }

  static TreeSet<String> keys(JsonNode node) {
    TreeSet<String> keys = new TreeSet<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      keys.add(it.next());
    }
    keys.remove("transformers_version");
    return keys;
  }
}
