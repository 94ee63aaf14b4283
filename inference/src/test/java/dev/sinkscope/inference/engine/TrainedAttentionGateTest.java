package dev.sinkscope.inference.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.inference.mitigation.BlockRange;
import dev.sinkscope.inference.mitigation.HeadGate;
import dev.sinkscope.inference.mitigation.HeadSet;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.model.AttentionGate;
import dev.sinkscope.inference.model.ModelLoadException;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import dev.sinkscope.inference.safetensors.SafetensorsWriter;
import dev.sinkscope.inference.session.ModelSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints with trained attention gates run them natively. A gate with zero weights and bias b
 * is the constant σ(b) on every head, which the head-gate mitigation computes on the ungated model.
 */
@Tag("cross-machine")
@Tag("slow")
class TrainedAttentionGateTest {
  private static final Path FIXTURE = Path.of("..", "testdata", "fixtures", "dinov2-hf");
  private static final float BIAS = -0.8f;

  @TempDir Path tmp;

  /**
   * Copies the fixture and adds gate tensors {@code [rows, 64]} to {@code blocks} of its 4 blocks.
   */
  private Path gated(int rows, int blocks) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("gated-" + rows + "-" + blocks));
    Files.copy(FIXTURE.resolve("config.json"), dir.resolve("config.json"));
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    try (SafetensorsFile f = SafetensorsFile.open(FIXTURE.resolve("model.safetensors"))) {
      for (String name : f.tensors().keySet()) {
        tensors.put(name, new FloatTensor(f.info(name).intShape(), f.readFloats(name)));
      }
    }
    for (int i = 0; i < blocks; i++) {
      float[] bias = new float[rows];
      java.util.Arrays.fill(bias, BIAS);
      tensors.put(
          "encoder.layer." + i + ".attention.gate.weight",
          FloatTensor.of(new float[rows * 64], rows, 64));
      tensors.put("encoder.layer." + i + ".attention.gate.bias", FloatTensor.of(bias, rows));
    }
    SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of());
    return dir;
  }

  private static FloatTensor pixels() throws Exception {
    try (SafetensorsFile in = SafetensorsFile.open(FIXTURE.resolve("input.safetensors"))) {
      return new FloatTensor(in.info("pixel_values").intShape(), in.readFloats("pixel_values"));
    }
  }

  private static ForwardResult run(ModelSession s, MitigationStack stack) throws Exception {
    return s.forward()
        .run(
            pixels(),
            stack.hooks(s.spec()),
            CaptureOptions.DEFAULT,
            CancellationToken.NONE,
            ProgressListener.NONE);
  }

  private static double maxDiff(FloatTensor a, FloatTensor b) {
    double worst = 0;
    for (int i = 0; i < a.data().length; i++) {
      worst = Math.max(worst, Math.abs(a.data()[i] - b.data()[i]));
    }
    return worst;
  }

  @Test
  void headwiseAndElementwiseGatesRunNatively() throws Exception {
    float g = (float) (1 / (1 + Math.exp(-BIAS)));
    ForwardResult reference;
    ForwardResult ungated;
    try (ModelSession plain = ModelSession.open(FIXTURE, "cpu")) {
      reference = run(plain, MitigationStack.of(new HeadGate(g, BlockRange.ALL, HeadSet.ALL)));
      ungated = run(plain, MitigationStack.NONE);
    }
    for (int rows : new int[] {4, 64}) {
      try (ModelSession gated = ModelSession.open(gated(rows, 4), "cpu")) {
        assertEquals(
            rows == 4 ? AttentionGate.HEADWISE : AttentionGate.ELEMENTWISE,
            gated.spec().attentionGate());
        ForwardResult result = run(gated, MitigationStack.NONE);
        double diff = maxDiff(reference.lastHiddenState(), result.lastHiddenState());
        assertTrue(
            diff < 1e-5, rows + " rows: gated model vs constant head gate, max |diff| " + diff);
        assertNotEquals(
            ungated.lastHiddenState(),
            result.lastHiddenState(),
            "the gate is applied, not skipped");
      }
    }
  }

  @Test
  void gatesOnSomeBlocksOnlyAreRefused() throws Exception {
    Path dir = gated(4, 4);
    // drop block 0's gate: the remaining ones must not be silently ignored
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
      for (String name : f.tensors().keySet()) {
        if (!name.startsWith("encoder.layer.0.attention.gate")) {
          tensors.put(name, new FloatTensor(f.info(name).intShape(), f.readFloats(name)));
        }
      }
    }
    SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of());
    ModelLoadException e =
        assertThrows(ModelLoadException.class, () -> ModelSession.open(dir, "cpu"));
    assertTrue(e.getMessage().contains("encoder.layer.1.attention.gate.weight"), e.getMessage());
  }
}
