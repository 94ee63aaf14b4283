package dev.sinkscope.inference.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.mitigation.AttentionNormalizer;
import dev.sinkscope.inference.mitigation.BlockRange;
import dev.sinkscope.inference.mitigation.HeadGate;
import dev.sinkscope.inference.mitigation.HeadSet;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.mitigation.NeuronMap;
import dev.sinkscope.inference.mitigation.RegisterAblation;
import dev.sinkscope.inference.mitigation.TestTimeRegisters;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.ResultDump;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Incremental recompute equals a full pass, and switching mitigations off restores the baseline bit
 * for bit.
 */
@Tag("cross-machine")
class IncrementalRunnerTest {
  private static final Path FIXTURES = Path.of("..", "testdata", "fixtures");

  private static FloatTensor pixels(Path dir) throws Exception {
    try (SafetensorsFile in = SafetensorsFile.open(dir.resolve("input.safetensors"))) {
      return new FloatTensor(in.info("pixel_values").intShape(), in.readFloats("pixel_values"));
    }
  }

  private static ForwardResult fresh(ModelSession session, FloatTensor px, MitigationStack stack) {
    return session
        .forward()
        .run(
            px,
            stack.hooks(session.spec()),
            CaptureOptions.DEFAULT,
            CancellationToken.NONE,
            ProgressListener.NONE);
  }

  private static void assertBitIdentical(ForwardResult expected, ForwardResult actual) {
    Map<String, FloatTensor> e = ResultDump.tensors(expected);
    Map<String, FloatTensor> a = ResultDump.tensors(actual);
    assertEquals(e.keySet(), a.keySet());
    e.forEach((name, t) -> assertEquals(t, a.get(name), name + " differs"));
  }

  @Test
  void normaliserSwapFromBlockTwoReusesTheFirstBlocksAndEqualsAFullPass() throws Exception {
    Path dir = FIXTURES.resolve("dinov2-hf");
    try (ModelSession session = ModelSession.open(dir, "cpu")) {
      FloatTensor px = pixels(dir);
      IncrementalRunner runner = new IncrementalRunner(session);
      ForwardResult base =
          runner.run(
              px,
              MitigationStack.NONE,
              CaptureOptions.DEFAULT,
              CancellationToken.NONE,
              ProgressListener.NONE);
      assertEquals(0, runner.lastStartBlock());
      MitigationStack sigmoid =
          MitigationStack.of(AttentionNormalizer.sigmoid(new BlockRange(2, 3)));
      ForwardResult incremental =
          runner.run(
              px, sigmoid, CaptureOptions.DEFAULT, CancellationToken.NONE, ProgressListener.NONE);
      assertEquals(2, runner.lastStartBlock());
      assertSame(
          base.block(2),
          incremental.block(2),
          "blocks before the change are reused, not recomputed");
      assertBitIdentical(fresh(session, px, sigmoid), incremental);
      assertNotEquals(
          base.block(3).hidden(), incremental.block(3).hidden(), "the swap changes block 3");
    }
  }

  @Test
  void switchingOffRestoresTheCachedBaselineWithoutRecomputing() throws Exception {
    Path dir = FIXTURES.resolve("dinov2-hf");
    NeuronMap map = NeuronMap.read(FIXTURES.resolve("dinov2-ttr").resolve("ttr.json"));
    try (ModelSession session = ModelSession.open(dir, "cpu")) {
      FloatTensor px = pixels(dir);
      IncrementalRunner runner = new IncrementalRunner(session);
      ForwardResult base =
          runner.run(
              px,
              MitigationStack.NONE,
              CaptureOptions.DEFAULT,
              CancellationToken.NONE,
              ProgressListener.NONE);
      for (MitigationStack stack :
          List.of(
              MitigationStack.of(TestTimeRegisters.reference(map)),
              MitigationStack.of(new HeadGate(0f, new BlockRange(1, 1), HeadSet.parse("0;2"))),
              MitigationStack.of(AttentionNormalizer.softmax1(BlockRange.ALL)))) {
        ForwardResult on =
            runner.run(
                px, stack, CaptureOptions.DEFAULT, CancellationToken.NONE, ProgressListener.NONE);
        assertNotEquals(
            base.lastHiddenState(), on.lastHiddenState(), stack.spec() + " has an effect");
        ForwardResult off =
            runner.run(
                px,
                MitigationStack.NONE,
                CaptureOptions.DEFAULT,
                CancellationToken.NONE,
                ProgressListener.NONE);
        assertEquals(session.spec().numLayers(), runner.lastStartBlock(), "no block recomputed");
        assertSame(base, off);
      }
      assertBitIdentical(base, fresh(session, px, MitigationStack.NONE));
    }
  }

  @Test
  void registerAblationDropsTheRegisterTokens() throws Exception {
    Path dir = FIXTURES.resolve("dinov2-reg-hf");
    try (ModelSession session = ModelSession.open(dir, "cpu")) {
      ForwardResult ablated =
          fresh(session, pixels(dir), MitigationStack.of(new RegisterAblation()));
      assertEquals(0, ablated.layout().registers());
      assertEquals(65, ablated.layout().totalTokens());
      assertEquals(65, ablated.lastHiddenState().dim(0));
    }
  }
}
