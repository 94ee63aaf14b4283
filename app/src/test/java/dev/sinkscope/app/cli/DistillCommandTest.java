package dev.sinkscope.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.model.CheckpointLayout;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import dev.sinkscope.inference.session.ModelSession;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code distill}: a student folder from the command line, progress per step, clear errors. */
class DistillCommandTest {
  @TempDir Path tmp;

  @Test
  void writesAStudentThatOpensWithItsRegisters() throws Exception {
    Path photos = Files.createDirectories(tmp.resolve("photos"));
    Files.copy(Cli.PHOTOS.resolve("coffee.png"), photos.resolve("coffee.png"));
    Files.copy(Cli.PHOTOS.resolve("rocket.jpg"), photos.resolve("rocket.jpg"));
    Path out = tmp.resolve("student");
    Path trace = tmp.resolve("trace.safetensors");
    Cli.Result r =
        Cli.offline(tmp)
            .run(
                "distill",
                "--model",
                Cli.FIXTURES.resolve("dinov2-hf").toString(),
                "--images",
                photos.toString(),
                "--out",
                out.toString(),
                "--registers",
                "3",
                "--steps",
                "2",
                "--batch",
                "2",
                "--lr",
                "1e-3",
                "--teacher-cache",
                tmp.resolve("cache").toString(),
                "--trace",
                trace.toString(),
                "--device",
                "cpu");
    r.assertOk();
    assertTrue(r.err().contains("step 2/2"), r.err());
    assertTrue(r.err().contains("teacher targets 2/2"), r.err());
    assertTrue(r.out().contains("fine-tune"), r.out());
    assertTrue(
        r.out().contains("batch:   2 images per step (--batch); the default here is 8"), r.out());
    JsonNode report = new ObjectMapper().readTree(out.resolve("distill.json").toFile());
    assertEquals(2, report.get("settings").get("steps").asInt());
    assertEquals(2, report.get("images").size());
    try (ModelSession s = ModelSession.open(out, "cpu")) {
      assertEquals(CheckpointLayout.HF_DINOV2_WITH_REGISTERS, s.spec().layout());
      assertEquals(3, s.spec().registers());
      float[] px = new float[3 * 112 * 112];
      var result =
          s.run(
              FloatTensor.of(px, 1, 3, 112, 112),
              CaptureOptions.RESIDUAL_ONLY,
              CancellationToken.NONE,
              ProgressListener.NONE);
      assertEquals(1 + 3 + 64, result.layout().totalTokens());
    }
    try (SafetensorsFile t = SafetensorsFile.open(trace)) {
      assertTrue(t.contains("step.2.loss"));
      assertTrue(t.contains("final.embeddings.register_tokens"));
    }
  }

  @Test
  void printsTheDefaultBatch() throws Exception {
    Path photos = Files.createDirectories(tmp.resolve("photos"));
    Files.copy(Cli.PHOTOS.resolve("coffee.png"), photos.resolve("coffee.png"));
    Files.copy(Cli.PHOTOS.resolve("rocket.jpg"), photos.resolve("rocket.jpg"));
    Cli.Result r =
        Cli.offline(tmp)
            .run(
                "distill",
                "--model",
                Cli.FIXTURES.resolve("dinov2-hf").toString(),
                "--images",
                photos.toString(),
                "--out",
                tmp.resolve("student").toString(),
                "--steps",
                "1",
                "--teacher-cache",
                tmp.resolve("cache").toString(),
                "--device",
                "cpu");
    r.assertOk();
    // The fixture is tiny: the rule allows the cap of 8, the two photos make a batch of 2.
    assertTrue(
        r.out().contains("batch:   2 images per step (all the images); the default here is 8"),
        r.out());
    assertTrue(r.out().contains("as many as fit 6 GiB, at most 8"), r.out());
  }

  @Test
  void rejectsEpochsAndStepsTogether() throws Exception {
    Cli.offline(tmp)
        .run(
            "distill",
            "--model",
            "phantom",
            "--images",
            "bundled",
            "--out",
            tmp.resolve("o").toString(),
            "--epochs",
            "2",
            "--steps",
            "3")
        .assertOneLineError("distill", "--epochs or --steps");
  }

  @Test
  void rejectsAResolutionOffThePatchGrid() throws Exception {
    Cli.offline(tmp)
        .run(
            "distill",
            "--model",
            Cli.FIXTURES.resolve("dinov2-hf").toString(),
            "--images",
            Cli.PHOTOS.toString(),
            "--out",
            tmp.resolve("o").toString(),
            "--resolution",
            "100",
            "--steps",
            "1",
            "--teacher-cache",
            tmp.resolve("cache").toString(),
            "--device",
            "cpu")
        .assertOneLineError("distill", "multiple of the patch size 14");
  }
}
