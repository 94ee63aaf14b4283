package dev.sinkscope.inference.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.LayerCapture;
import dev.sinkscope.inference.result.NumericalHealth;
import dev.sinkscope.inference.result.NumericalHealth.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link NumericalHealth} on a real result with single values replaced by NaN or infinity. */
class NumericalHealthTest {
  private static LiveSession live;
  private static ForwardResult clean;

  @BeforeAll
  static void runOnce() throws Exception {
    live = LiveSession.open();
    clean =
        live.session()
            .run(
                live.pixels(),
                CaptureOptions.EVERYTHING,
                CancellationToken.NONE,
                ProgressListener.NONE);
  }

  @AfterAll
  static void closeIt() throws Exception {
    live.close();
  }

  private static FloatTensor with(FloatTensor t, int index, float value) {
    float[] data = t.data().clone();
    data[index] = value;
    return new FloatTensor(t.shape(), data);
  }

  /** {@code clean} with block {@code block}'s capture replaced. */
  private static ForwardResult withBlock(int block, LayerCapture capture) {
    List<LayerCapture> layers = new ArrayList<>(clean.layers());
    layers.set(block - 1, capture);
    return new ForwardResult(
        clean.spec(),
        clean.layout(),
        clean.pixelValues(),
        clean.embeddings(),
        layers,
        clean.lastHiddenState(),
        clean.pooled(),
        clean.debug(),
        clean.device());
  }

  @Test
  void cleanResultIsOk() {
    NumericalHealth health = NumericalHealth.check(clean);
    assertTrue(health.ok());
    assertNull(health.tensorName());
    assertTrue(health.describe().startsWith("OK"), health.describe());
  }

  @Test
  void reportsTheFirstBlockNotTheWorst() {
    LayerCapture b3 = clean.block(3);
    LayerCapture b4 = clean.block(4);
    ForwardResult r =
        withBlock(
            3,
            new LayerCapture(
                3, with(b3.hidden(), 10, Float.NaN), b3.attention(), b3.mlpActivation()));
    List<LayerCapture> layers = new ArrayList<>(r.layers());
    float[] allBad = new float[b4.hidden().size()];
    java.util.Arrays.fill(allBad, Float.POSITIVE_INFINITY);
    layers.set(
        3,
        new LayerCapture(
            4, new FloatTensor(b4.hidden().shape(), allBad), b4.attention(), b4.mlpActivation()));
    r =
        new ForwardResult(
            r.spec(),
            r.layout(),
            r.pixelValues(),
            r.embeddings(),
            layers,
            r.lastHiddenState(),
            r.pooled(),
            r.debug(),
            r.device());

    NumericalHealth health = NumericalHealth.check(r);
    assertEquals(3, health.block());
    assertEquals(Tensor.HIDDEN, health.tensor());
    assertEquals(10, health.firstIndex());
    assertEquals(1, health.nonFiniteValues());
    assertEquals(b3.hidden().size(), health.tensorSize());
    assertTrue(
        health.describe().contains("block 3") && health.describe().contains("hidden_states.3"),
        health.describe());
  }

  @Test
  void withinABlockAttentionComesBeforeTheMlpAndTheOutput() {
    LayerCapture b2 = clean.block(2);
    ForwardResult r =
        withBlock(
            2,
            new LayerCapture(
                2,
                with(b2.hidden(), 0, Float.NaN),
                with(b2.attention(), 7, Float.NaN),
                with(b2.mlpActivation(), 3, Float.NEGATIVE_INFINITY)));
    NumericalHealth health = NumericalHealth.check(r);
    assertEquals(2, health.block());
    assertEquals(Tensor.ATTENTION, health.tensor());
    assertEquals("attentions.2", health.tensorName());
    assertEquals(7, health.firstIndex());

    ForwardResult mlp =
        withBlock(
            2,
            new LayerCapture(
                2,
                with(b2.hidden(), 0, Float.NaN),
                b2.attention(),
                with(b2.mlpActivation(), 3, Float.NEGATIVE_INFINITY)));
    NumericalHealth mlpHealth = NumericalHealth.check(mlp);
    assertEquals(Tensor.MLP_ACTIVATION, mlpHealth.tensor());
    assertEquals(Float.NEGATIVE_INFINITY, mlpHealth.firstValue());
  }

  @Test
  void embeddingsAreBlockZero() {
    ForwardResult r =
        new ForwardResult(
            clean.spec(),
            clean.layout(),
            clean.pixelValues(),
            with(clean.embeddings(), 5, Float.NaN),
            clean.layers(),
            clean.lastHiddenState(),
            clean.pooled(),
            clean.debug(),
            clean.device());
    NumericalHealth health = NumericalHealth.check(r);
    assertEquals(0, health.block());
    assertEquals(Tensor.EMBEDDINGS, health.tensor());
    assertEquals("hidden_states.0", health.tensorName());
  }

  @Test
  void finalTensorsAreAfterTheLastBlock() {
    ForwardResult r =
        new ForwardResult(
            clean.spec(),
            clean.layout(),
            clean.pixelValues(),
            clean.embeddings(),
            clean.layers(),
            clean.lastHiddenState(),
            with(clean.pooled(), 0, Float.NaN),
            clean.debug(),
            clean.device());
    NumericalHealth health = NumericalHealth.check(r);
    assertFalse(health.ok());
    assertEquals(clean.blocks() + 1, health.block());
    assertEquals(Tensor.POOLED, health.tensor());
    assertTrue(health.describe().contains("after the last block"), health.describe());
  }
}
