package dev.sinkscope.inference.mitigation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ForwardHooks;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.engine.VitForward;
import dev.sinkscope.inference.engine.VitModel;
import dev.sinkscope.inference.model.Checkpoint;
import dev.sinkscope.inference.model.CheckpointReader;
import dev.sinkscope.inference.model.MlpActivation;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.TokenKind;
import dev.sinkscope.inference.safetensors.Dtype;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import dev.sinkscope.inference.safetensors.SafetensorsWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mitigations on DINOv3 (RoPE, registers, plain and gated MLP) and SigLIP (no CLS, probe
 * pooling): registers off equals a checkpoint built without registers, test-time registers edit the
 * hidden units (for the gated MLP the silu(gate)·up product), normaliser swaps change only their
 * blocks, and 16-bit weights are widened.
 */
@Tag("cross-machine")
class Dinov3SiglipMitigationsTest {
  private static final Path FIXTURES = Path.of("..", "testdata", "fixtures");

  @TempDir Path tmp;

  private static FloatTensor pixels(String fixture, String input) throws Exception {
    try (SafetensorsFile in = SafetensorsFile.open(FIXTURES.resolve(fixture).resolve(input))) {
      return new FloatTensor(in.info("pixel_values").intShape(), in.readFloats("pixel_values"));
    }
  }

  private static ForwardResult run(
      Path dir, FloatTensor pixels, Function<VitModel, ForwardHooks> hooks, CaptureOptions capture)
      throws Exception {
    try (Checkpoint checkpoint = CheckpointReader.open(dir);
        VitModel model = VitModel.load(checkpoint, Device.cpu())) {
      return new VitForward(model)
          .run(pixels, hooks.apply(model), capture, CancellationToken.NONE, ProgressListener.NONE);
    }
  }

  /**
   * A copy of {@code fixture} with its config edited and its tensors rewritten by {@code tensors}.
   */
  private Path variant(
      String fixture,
      String name,
      Function<String, String> config,
      java.util.function.Consumer<Map<String, FloatTensor>> tensors,
      Dtype dtype)
      throws Exception {
    Path src = FIXTURES.resolve(fixture);
    Path dir = Files.createDirectories(tmp.resolve(name));
    Files.writeString(
        dir.resolve("config.json"), config.apply(Files.readString(src.resolve("config.json"))));
    Files.copy(src.resolve("preprocessor_config.json"), dir.resolve("preprocessor_config.json"));
    Map<String, FloatTensor> all = new LinkedHashMap<>();
    try (SafetensorsFile f = SafetensorsFile.open(src.resolve("model.safetensors"))) {
      for (String key : f.tensors().keySet()) {
        all.put(key, new FloatTensor(f.info(key).intShape(), f.readFloats(key)));
      }
    }
    tensors.accept(all);
    SafetensorsWriter.write(dir.resolve("model.safetensors"), all, Map.of("format", "pt"), dtype);
    return dir;
  }

  private static double maxDiff(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    return worst;
  }

  @Test
  void dinov3RegistersOffEqualsACheckpointWithoutRegisters() throws Exception {
    FloatTensor pixels = pixels("dinov3-hf", "input-nonsquare.safetensors");
    Path noRegisters =
        variant(
            "dinov3-hf",
            "no-registers",
            c -> c.replace("\"num_register_tokens\": 4", "\"num_register_tokens\": 0"),
            t -> t.remove("embeddings.register_tokens"),
            Dtype.F32);

    ForwardResult ablated =
        run(
            FIXTURES.resolve("dinov3-hf"),
            pixels,
            m -> new RegisterAblation().hooks(m.spec()),
            CaptureOptions.DEFAULT);
    ForwardResult without =
        run(noRegisters, pixels, m -> ForwardHooks.NONE, CaptureOptions.DEFAULT);
    ForwardResult with =
        run(FIXTURES.resolve("dinov3-hf"), pixels, m -> ForwardHooks.NONE, CaptureOptions.DEFAULT);

    assertEquals(25, ablated.layout().totalTokens(), "CLS + 4x6 patches");
    assertEquals(0, without.spec().registers());
    for (int b = 1; b <= 4; b++) {
      assertTrue(
          maxDiff(without.block(b).hidden().data(), ablated.block(b).hidden().data()) < 1e-5,
          "block " + b);
      assertTrue(
          maxDiff(without.block(b).attention().data(), ablated.block(b).attention().data()) < 1e-5);
    }
    // the registers did something, so the ablation is not a no-op
    float[] patchWith =
        java.util.Arrays.copyOfRange(with.lastHiddenState().data(), 5 * 64, 29 * 64);
    float[] patchWithout =
        java.util.Arrays.copyOfRange(ablated.lastHiddenState().data(), 64, 25 * 64);
    assertTrue(maxDiff(patchWith, patchWithout) > 1e-2);
  }

  @Test
  void siglipRefusesRegistersOff() throws Exception {
    try (Checkpoint checkpoint = CheckpointReader.open(FIXTURES.resolve("siglip-vision-hf"))) {
      assertThrows(
          IllegalArgumentException.class, () -> new RegisterAblation().validate(checkpoint.spec()));
    }
  }

  @Test
  void gatedMlpHiddenUnitsAreTheSiluGateTimesUpProductAndTtrEditsThem() throws Exception {
    Random random = new Random(7);
    Map<String, FloatTensor> gates = new LinkedHashMap<>();
    Path gated =
        variant(
            "dinov3-hf",
            "gated",
            c ->
                c.replace("\"use_gated_mlp\": false", "\"use_gated_mlp\": true")
                    .replace("\"gelu\"", "\"silu\""),
            t -> {
              for (int i = 0; i < 4; i++) {
                float[] w = new float[256 * 64];
                float[] b = new float[256];
                for (int k = 0; k < w.length; k++) {
                  w[k] = (float) (random.nextGaussian() * 0.1);
                }
                for (int k = 0; k < b.length; k++) {
                  b[k] = (float) (random.nextGaussian() * 0.1);
                }
                FloatTensor gw = FloatTensor.of(w, 256, 64);
                t.put("layer." + i + ".mlp.gate_proj.weight", gw);
                t.put("layer." + i + ".mlp.gate_proj.bias", FloatTensor.of(b, 256));
                gates.put("w" + i, gw);
                gates.put("b" + i, FloatTensor.of(b, 256));
              }
            },
            Dtype.F32);
    FloatTensor pixels = pixels("dinov3-hf", "input.safetensors");
    ForwardResult plain = run(gated, pixels, m -> ForwardHooks.NONE, CaptureOptions.EVERYTHING);
    assertEquals(MlpActivation.SWIGLU, plain.spec().activation());

    // block 1's hidden units recomputed in plain Java from its residual after attention
    float[] units = plain.block(1).mlpActivation().data(); // [T, M]
    assertEquals(41 * 256, units.length);
    float[] afterAttention = afterAttention(gated, pixels); // [T, D] of block 1
    float[] normed = layerNorm(afterAttention, normWeight(gated, "layer.0.norm2"), 41, 64, 1e-5);
    float[][] up = linear(normed, gated, "layer.0.mlp.up_proj", 41, 64, 256);
    float[] gw = gates.get("w0").data();
    float[] gb = gates.get("b0").data();
    double worst = 0;
    for (int tok = 0; tok < 41; tok++) {
      for (int m = 0; m < 256; m++) {
        double g = gb[m];
        for (int k = 0; k < 64; k++) {
          g += normed[tok * 64 + k] * gw[m * 64 + k];
        }
        double expected = g / (1 + Math.exp(-g)) * up[tok][m];
        worst = Math.max(worst, Math.abs(expected - units[tok * 256 + m]));
      }
    }
    assertTrue(worst < 1e-4, "silu(gate) * up: max |diff| " + worst);

    // test-time register on two of those hidden units of block 1 (0-based 0)
    NeuronMap neurons =
        new NeuronMap(
            List.of(new NeuronMap.RegisterNeuron(0, 17), new NeuronMap.RegisterNeuron(0, 99)),
            "test");
    TestTimeRegisters ttr = TestTimeRegisters.reference(neurons);
    ForwardResult edited = run(gated, pixels, m -> ttr.hooks(m.spec()), CaptureOptions.EVERYTHING);
    assertEquals(42, edited.layout().totalTokens());
    assertEquals(TokenKind.TEST_TIME_REGISTER, edited.layout().kindOf(41));
    float[] e = edited.block(1).mlpActivation().data();
    float value =
        edited.debug().get("debug.ttr_register_value.layer0").data()[0]; // 0-based block 0
    for (int tok = 1; tok < 41; tok++) {
      assertEquals(0f, e[tok * 256 + 17], "patch/register token " + tok + " loses the unit");
      assertEquals(0f, e[tok * 256 + 99]);
    }
    assertEquals(value, e[41 * 256 + 17], 1e-6);
    assertEquals(value, e[41 * 256 + 99], 1e-6);
    assertTrue(Math.abs(value) > 0);
  }

  @Test
  void siglipTestTimeRegisterIsSeenByThePoolingProbe() throws Exception {
    FloatTensor pixels = pixels("siglip-vision-hf", "input.safetensors");
    TestTimeRegisters ttr =
        TestTimeRegisters.reference(
            new NeuronMap(
                List.of(new NeuronMap.RegisterNeuron(1, 5), new NeuronMap.RegisterNeuron(2, 200)),
                "test"));
    ForwardResult edited =
        run(
            FIXTURES.resolve("siglip-vision-hf"),
            pixels,
            m -> ttr.hooks(m.spec()),
            CaptureOptions.EVERYTHING);

    assertEquals(37, edited.layout().totalTokens(), "36 patches + 1 test-time register, no CLS");
    float[] units = edited.block(2).mlpActivation().data(); // [T, M]
    float value =
        edited.debug().get("debug.ttr_register_value.layer1").data()[0]; // 0-based block 1
    for (int tok = 0; tok < 36; tok++) {
      assertEquals(0f, units[tok * 256 + 5], "token 0 is a patch here and loses the unit too");
    }
    assertEquals(value, units[36 * 256 + 5], 1e-6);
    float[] probe = edited.clsLikeQuery().rows(4); // [H, T]
    assertNotNull(probe);
    assertEquals(4 * 37, probe.length);
    for (int h = 0; h < 4; h++) {
      double sum = 0;
      for (int j = 0; j < 37; j++) {
        sum += probe[h * 37 + j];
      }
      assertEquals(1.0, sum, 1e-5);
      assertTrue(probe[h * 37 + 36] > 0, "the probe attends to the appended register");
    }
  }

  @Test
  void normaliserSwapChangesOnlyItsBlocksOnBothFamilies() throws Exception {
    for (String fixture : List.of("dinov3-hf", "siglip-vision-hf")) {
      FloatTensor pixels = pixels(fixture, "input.safetensors");
      Mitigation sigmoid = MitigationSpecs.parse("attn:kind=sigmoid,layers=2", null);
      ForwardResult plain =
          run(FIXTURES.resolve(fixture), pixels, m -> ForwardHooks.NONE, CaptureOptions.DEFAULT);
      ForwardResult swapped =
          run(
              FIXTURES.resolve(fixture),
              pixels,
              m -> sigmoid.hooks(m.spec()),
              CaptureOptions.DEFAULT);
      assertEquals(
          0,
          maxDiff(plain.block(1).attention().data(), swapped.block(1).attention().data()),
          fixture);
      // layers count from 0: layers=2 is block 3
      assertEquals(
          0, maxDiff(plain.block(2).hidden().data(), swapped.block(2).hidden().data()), fixture);
      assertTrue(
          maxDiff(plain.block(3).hidden().data(), swapped.block(3).hidden().data()) > 1e-3,
          fixture);
      float[] a = swapped.block(3).attention().data();
      int t = plain.layout().totalTokens();
      double rowSum = 0;
      for (int j = 0; j < t; j++) {
        rowSum += a[j];
      }
      assertTrue(
          Math.abs(rowSum - 1) > 1e-3, fixture + ": sigmoid rows do not sum to 1, got " + rowSum);
    }
  }

  @Test
  void sixteenBitWeightsAreWidened() throws Exception {
    for (String fixture : List.of("dinov3-hf", "siglip-vision-hf")) {
      Path f16 = variant(fixture, fixture + "-f16", c -> c, t -> {}, Dtype.F16);
      FloatTensor pixels = pixels(fixture, "input.safetensors");
      try (Checkpoint checkpoint = CheckpointReader.open(f16)) {
        assertTrue(
            checkpoint.warnings().stream()
                .anyMatch(w -> w.contains("F16") && w.contains("widened")),
            checkpoint.warnings().toString());
      }
      // BF16 goes through the same widening (see WeightVariantsTest); the writer makes F16 only
      ForwardResult narrow = run(f16, pixels, m -> ForwardHooks.NONE, CaptureOptions.DEFAULT);
      ForwardResult full =
          run(FIXTURES.resolve(fixture), pixels, m -> ForwardHooks.NONE, CaptureOptions.DEFAULT);
      double diff = maxDiff(full.lastHiddenState().data(), narrow.lastHiddenState().data());
      assertTrue(diff > 0 && diff < 0.5, fixture + ": f16 rounding only, max |diff| " + diff);
    }
  }

  // ---- plain-Java pieces for the gated-MLP check

  /**
   * Block 1's residual after attention: its output minus its MLP branch is not kept, so recompute.
   */
  private float[] afterAttention(Path dir, FloatTensor pixels) throws Exception {
    // run a one-block variant whose MLP output is zero (down_proj = 0, bias 0): its block-1 output
    // is x + attn
    Path zeroMlp = Files.createDirectories(tmp.resolve("zero-mlp"));
    Files.writeString(zeroMlp.resolve("config.json"), Files.readString(dir.resolve("config.json")));
    Map<String, FloatTensor> all = new LinkedHashMap<>();
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
      for (String key : f.tensors().keySet()) {
        float[] v = f.readFloats(key);
        if (key.startsWith("layer.0.mlp.down_proj")) {
          v = new float[v.length];
        }
        all.put(key, new FloatTensor(f.info(key).intShape(), v));
      }
    }
    SafetensorsWriter.write(zeroMlp.resolve("model.safetensors"), all, Map.of("format", "pt"));
    return run(zeroMlp, pixels, m -> ForwardHooks.NONE, CaptureOptions.DEFAULT)
        .block(1)
        .hidden()
        .data();
  }

  private static float[][] normWeight(Path dir, String module) throws Exception {
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
      return new float[][] {f.readFloats(module + ".weight"), f.readFloats(module + ".bias")};
    }
  }

  private static float[] layerNorm(float[] x, float[][] wb, int rows, int d, double eps) {
    float[] out = new float[x.length];
    for (int r = 0; r < rows; r++) {
      double mean = 0;
      for (int k = 0; k < d; k++) {
        mean += x[r * d + k];
      }
      mean /= d;
      double var = 0;
      for (int k = 0; k < d; k++) {
        var += (x[r * d + k] - mean) * (x[r * d + k] - mean);
      }
      var /= d;
      for (int k = 0; k < d; k++) {
        out[r * d + k] =
            (float) ((x[r * d + k] - mean) / Math.sqrt(var + eps) * wb[0][k] + wb[1][k]);
      }
    }
    return out;
  }

  private static float[][] linear(float[] x, Path dir, String module, int rows, int in, int out)
      throws Exception {
    float[] w;
    float[] b;
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
      w = f.readFloats(module + ".weight");
      b = f.readFloats(module + ".bias");
    }
    float[][] y = new float[rows][out];
    for (int r = 0; r < rows; r++) {
      for (int o = 0; o < out; o++) {
        double acc = b[o];
        for (int k = 0; k < in; k++) {
          acc += x[r * in + k] * w[o * in + k];
        }
        y[r][o] = (float) acc;
      }
    }
    return y;
  }
}
