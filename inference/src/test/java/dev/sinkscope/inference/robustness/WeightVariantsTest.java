package dev.sinkscope.inference.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.NumericalHealth;
import dev.sinkscope.inference.result.ResultDump;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import dev.sinkscope.inference.session.ModelSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unusual but valid checkpoints load and give the float32 answer: 16-bit storage (widened in Java,
 * so BF16 never reaches the engine, where it would abort the JVM), shards, and a pickle lying next
 * to the safetensors weights, which is never opened.
 */
@Tag("cross-machine")
@Tag("slow")
class WeightVariantsTest {
  private static LiveSession reference;

  @BeforeAll
  static void openTheFloat32Model() throws Exception {
    reference = LiveSession.open();
  }

  @AfterAll
  static void closeIt() throws Exception {
    reference.close();
  }

  private static Path converted(String fixture, Path dir, UnaryOperator<Corpus.Raw> convert)
      throws Exception {
    Path folder = Corpus.copyModel(fixture, dir.resolve(fixture));
    Map<String, Corpus.Raw> out = new LinkedHashMap<>();
    Corpus.read(folder.resolve("model.safetensors"))
        .forEach((k, v) -> out.put(k, convert.apply(v)));
    Corpus.write(folder.resolve("model.safetensors"), out);
    return folder;
  }

  private static ForwardResult run(ModelSession session, FloatTensor pixels) {
    return session.run(
        pixels, CaptureOptions.DEFAULT, CancellationToken.NONE, ProgressListener.NONE);
  }

  private static ForwardResult run(ModelSession session) {
    return run(session, reference.pixels());
  }

  private static ForwardResult runFixture(String fixture, FloatTensor pixels) throws Exception {
    try (ModelSession session = ModelSession.open(Corpus.FIXTURES.resolve(fixture), "cpu")) {
      return run(session, pixels);
    }
  }

  private static FloatTensor input(String fixture) throws Exception {
    try (SafetensorsFile in =
        SafetensorsFile.open(Corpus.FIXTURES.resolve(fixture).resolve("input.safetensors"))) {
      return new FloatTensor(in.info("pixel_values").intShape(), in.readFloats("pixel_values"));
    }
  }

  /** Largest |difference| over every hidden state, attention map and the pooled output. */
  private static double worstDifference(ForwardResult expected, ForwardResult actual) {
    Map<String, FloatTensor> e = ResultDump.tensors(expected);
    Map<String, FloatTensor> a = ResultDump.tensors(actual);
    assertEquals(e.keySet(), a.keySet());
    double worst = 0;
    for (String name : e.keySet()) {
      float[] x = e.get(name).data();
      float[] y = a.get(name).data();
      for (int i = 0; i < x.length; i++) {
        worst = Math.max(worst, Math.abs(x[i] - y[i]));
      }
    }
    return worst;
  }

  /** ||actual - expected|| / ||expected|| (Frobenius). */
  private static double relativeError(FloatTensor expected, FloatTensor actual) {
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < expected.size(); i++) {
      double d = (double) actual.data()[i] - expected.data()[i];
      diff += d * d;
      norm += (double) expected.data()[i] * expected.data()[i];
    }
    return Math.sqrt(diff / norm);
  }

  @Test
  void bf16IsWidenedExactlyInJava(@TempDir Path dir) throws Exception {
    // The same values once stored as BF16 and once as F32: any widening error would show as a
    // difference.
    Path bf16 = converted("dinov2-hf", dir.resolve("bf16"), Corpus.Raw::toBf16);
    Path f32 = converted("dinov2-hf", dir.resolve("f32"), r -> r.toBf16().bf16ToF32());
    FloatTensor pixels = input("dinov2-hf");
    try (ModelSession stored16 = ModelSession.open(bf16, "cpu");
        ModelSession stored32 = ModelSession.open(f32, "cpu")) {
      assertTrue(
          stored16.warnings().stream().anyMatch(w -> w.contains("[BF16]") && w.contains("widened")),
          stored16.warnings().toString());
      assertEquals(0.0, worstDifference(run(stored32, pixels), run(stored16, pixels)));
    }
  }

  @Test
  void bf16CheckpointMatchesTheFloat32ModelWithin1e2(@TempDir Path dir) throws Exception {
    FloatTensor pixels = input("dinov2-hf");
    ForwardResult f32 = runFixture("dinov2-hf", pixels);
    try (ModelSession bf16 =
        ModelSession.open(converted("dinov2-hf", dir, Corpus.Raw::toBf16), "cpu")) {
      ForwardResult result = run(bf16, pixels);
      assertTrue(NumericalHealth.check(result).ok());
      assertTrue(worstDifference(f32, result) > 0, "the weights really were rounded to BF16");
      // BF16 keeps 8 significant bits, so single values move by up to ~1% of their size; the error
      // of
      // the outputs as a whole is what stays within 1e-2 (measured: 0.0062 and 0.0088).
      double last = relativeError(f32.lastHiddenState(), result.lastHiddenState());
      double pooled = relativeError(f32.pooled(), result.pooled());
      assertTrue(last < 1e-2, "last_hidden_state relative error " + last);
      assertTrue(pooled < 1e-2, "pooler_output relative error " + pooled);
    }
    reference.assertStillWorks();
  }

  @Test
  void f16CheckpointMatchesTheFloat32ModelWithin1e2(@TempDir Path dir) throws Exception {
    try (ModelSession f16 = ModelSession.open(converted("vit-hf", dir, Corpus.Raw::toF16), "cpu")) {
      assertTrue(
          f16.warnings().stream().anyMatch(w -> w.contains("[F16]") && w.contains("widened")),
          f16.warnings().toString());
      ForwardResult result = run(f16);
      double worst = worstDifference(reference.firstResult(), result);
      assertTrue(worst > 0, "the weights really were rounded to F16");
      double last =
          relativeError(reference.firstResult().lastHiddenState(), result.lastHiddenState());
      assertTrue(last < 1e-2, "last_hidden_state relative error " + last);
    }
  }

  @Test
  void shardedCheckpointGivesTheSameAnswerAsOneFile(@TempDir Path dir) throws Exception {
    Path folder = Corpus.copyModel("vit-hf", dir.resolve("model"));
    Shards.split(folder);
    try (ModelSession sharded = ModelSession.open(folder, "cpu")) {
      // Exact on purpose: both sides come from this machine's engine with the same settings (ADR
      // 0019).
      assertEquals(0.0, worstDifference(reference.firstResult(), run(sharded)));
      assertEquals(reference.session().warnings(), sharded.warnings());
    }
  }

  @Test
  void aPickleNextToTheSafetensorsWeightsIsNeverOpened(@TempDir Path dir) throws Exception {
    Path folder = Corpus.copyModel("vit-hf", dir.resolve("model"));
    Path marker = dir.resolve("pickle-ran");
    Files.write(folder.resolve("pytorch_model.bin"), Corpus.pickleCreating(marker));
    Files.write(folder.resolve("model.pth"), Corpus.torchZipCreating(marker));
    try (ModelSession session = ModelSession.open(folder, "cpu")) {
      assertEquals(0.0, worstDifference(reference.firstResult(), run(session)));
    }
    assertFalse(Files.exists(marker), "nothing was unpickled");
  }

  @Test
  void float32CheckpointHasNoWeightWarnings() {
    assertTrue(
        reference.session().warnings().stream()
            .noneMatch(w -> w.contains("NaN") || w.contains("widened")),
        reference.session().warnings().toString());
  }
}
