package dev.sinkscope.inference.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.NumericalHealth;
import dev.sinkscope.inference.session.ModelSession;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint whose weights hold NaN or infinity still loads (the user may want to see where it
 * breaks), with a warning naming each bad tensor, and {@link NumericalHealth} finds the first block
 * where the forward pass turns non-finite.
 */
@Tag("cross-machine")
class NonFiniteWeightsTest {

  /** vit-hf with {@code values} written into the given positions of tensor {@code key}. */
  private static Path poisoned(Path dir, String key, int[] positions, float value)
      throws Exception {
    Path folder = Corpus.copyModel("vit-hf", dir.resolve("model"));
    Path file = folder.resolve("model.safetensors");
    Map<String, Corpus.Raw> all = Corpus.read(file);
    Corpus.Raw t = all.get(key);
    float[] v = t.floats();
    for (int p : positions) {
      v[p] = value;
    }
    all.put(key, Corpus.Raw.f32(v, t.shape()));
    Corpus.write(file, all);
    return folder;
  }

  private static ForwardResult run(ModelSession session, CaptureOptions capture) throws Exception {
    return session.run(
        LiveSession.fixturePixels(), capture, CancellationToken.NONE, ProgressListener.NONE);
  }

  @Test
  void nanInBlockTwoMlpLoadsWithAWarningAndIsFoundInBlockTwoOutput(@TempDir Path dir)
      throws Exception {
    // encoder.layer.1 is block 2 (blocks are 1-based, as hidden_states.N / attentions.N)
    Path folder =
        poisoned(dir, "encoder.layer.1.output.dense.weight", new int[] {0, 700, 9000}, Float.NaN);
    try (ModelSession session = ModelSession.open(folder, "cpu")) {
      List<String> warnings = session.warnings();
      assertTrue(
          warnings.stream()
              .anyMatch(
                  w ->
                      w.contains("model.safetensors")
                          && w.contains("'encoder.layer.1.output.dense.weight'")
                          && w.contains("3 NaN or infinite values")),
          warnings.toString());
      assertEquals(
          1,
          warnings.stream().filter(w -> w.contains("NaN")).count(),
          "only the bad tensor is named");

      NumericalHealth health = NumericalHealth.check(run(session, CaptureOptions.DEFAULT));
      assertFalse(health.ok());
      assertEquals(2, health.block(), health.describe());
      assertEquals(NumericalHealth.Tensor.HIDDEN, health.tensor(), health.describe());
      assertEquals("hidden_states.2", health.tensorName());
      assertTrue(Float.isNaN(health.firstValue()));
    }
  }

  @Test
  void infinityInBlockTwoQueryIsFoundInBlockTwoAttention(@TempDir Path dir) throws Exception {
    Path folder =
        poisoned(
            dir,
            "encoder.layer.1.attention.attention.query.weight",
            new int[] {5},
            Float.POSITIVE_INFINITY);
    try (ModelSession session = ModelSession.open(folder, "cpu")) {
      assertTrue(
          session.warnings().stream()
              .anyMatch(
                  w ->
                      w.contains("'encoder.layer.1.attention.attention.query.weight'")
                          && w.contains("1 NaN or infinite value")),
          session.warnings().toString());

      NumericalHealth withMaps = NumericalHealth.check(run(session, CaptureOptions.DEFAULT));
      assertEquals(2, withMaps.block(), withMaps.describe());
      assertEquals(NumericalHealth.Tensor.ATTENTION, withMaps.tensor(), withMaps.describe());

      // Without attention maps the same pass is still caught, at the block output.
      NumericalHealth residualOnly =
          NumericalHealth.check(run(session, CaptureOptions.RESIDUAL_ONLY));
      assertEquals(2, residualOnly.block(), residualOnly.describe());
      assertEquals(NumericalHealth.Tensor.HIDDEN, residualOnly.tensor(), residualOnly.describe());
    }
  }

  @Test
  void healthyModelIsOk() throws Exception {
    try (LiveSession live = LiveSession.open()) {
      NumericalHealth health = NumericalHealth.check(live.firstResult());
      assertTrue(health.ok(), health.describe());
      assertEquals(NumericalHealth.OK, health);
    }
  }
}
