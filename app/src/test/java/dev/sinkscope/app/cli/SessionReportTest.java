package dev.sinkscope.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.inference.report.CompareMode;
import dev.sinkscope.inference.report.ModelReference;
import dev.sinkscope.inference.report.Quantity;
import dev.sinkscope.inference.report.SessionFile;
import dev.sinkscope.render.PngExport;
import dev.sinkscope.render.Raster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("cross-machine")
@Tag("slow")
class SessionReportTest {
  private static final List<String> ALL_FILES =
      List.of(
          "attention-received.png",
          "cls-attention.png",
          "compare.png",
          "index.html",
          "metrics.csv",
          "metrics.json",
          "norm.png",
          "session.json");

  @TempDir Path tmp;
  private Cli cli;
  private Path photo;
  private Path session;

  @BeforeEach
  void photoNextToTheSession() throws Exception {
    cli = Cli.offline(tmp);
    Path work = Files.createDirectories(tmp.resolve("work"));
    photo = Files.copy(Cli.PHOTOS.resolve("rocket.jpg"), work.resolve("rocket.jpg"));
    session = work.resolve("session.json");
  }

  private static List<String> filesIn(Path dir) throws Exception {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void renderingTheSameSessionTwiceGivesIdenticalFiles() throws Exception {
    cli.run(
            "save-session",
            "--model",
            "phantom",
            "--image",
            photo,
            "--mitigation",
            "ttr",
            "--layer",
            "6",
            "--quantity",
            "attention-received",
            "--colormap",
            "magma",
            "--out",
            session)
        .assertOk();

    cli.run("report", "--session", session, "--out", tmp.resolve("first"), "--device", "cpu")
        .assertOk();
    cli.run("report", "--session", session, "--out", tmp.resolve("second"), "--device", "cpu")
        .assertOk();

    assertEquals(ALL_FILES, filesIn(tmp.resolve("first")));
    assertEquals(ALL_FILES, filesIn(tmp.resolve("second")));
    // Exact on purpose: both sides come from this machine's engine with the same settings (ADR
    // 0019).
    for (String name : ALL_FILES) {
      assertEquals(
          -1L,
          Files.mismatch(tmp.resolve("first").resolve(name), tmp.resolve("second").resolve(name)),
          name);
      if (name.endsWith(".png")) {
        Raster a = PngExport.read(tmp.resolve("first").resolve(name));
        Raster b = PngExport.read(tmp.resolve("second").resolve(name));
        assertArrayEquals(a.argb(), b.argb(), name + " pixels");
      }
    }
    assertEquals(
        -1L,
        Files.mismatch(session, tmp.resolve("first/session.json")),
        "the session is copied as it is");
  }

  @Test
  void sessionRecordsWhatWasAskedWithPathsRelativeToItsFolder() throws Exception {
    cli.run(
            "save-session",
            "--model",
            "phantom",
            "--image",
            photo,
            "--mitigation",
            "ttr",
            "--layer",
            "6",
            "--quantity",
            "attention-received",
            "--head",
            "max",
            "--colormap",
            "magma",
            "--out",
            session)
        .assertOk();

    SessionFile s = SessionFile.read(session);

    assertEquals(ModelReference.Source.BUNDLED, s.model().source());
    assertEquals("phantom", s.model().id());
    assertEquals("rocket.jpg", s.image().path());
    assertEquals(6, s.view().layer());
    assertEquals("max", s.view().head().toString());
    assertEquals(Quantity.ATTENTION_RECEIVED, s.view().quantity());
    assertEquals("magma", s.view().colormap());
    assertEquals(List.of("ttr"), s.mitigations());
    assertEquals(
        CompareMode.BEFORE_AFTER, s.compare(), "mitigations imply the before/after comparison");
    assertEquals(
        1, s.schemaVersion(), "nothing here needs version 2, so older versions still read it");
  }

  @Test
  void reportShowsTheSessionsViewAndMetrics() throws Exception {
    cli.run(
            "save-session",
            "--model",
            "phantom",
            "--image",
            photo,
            "--mitigation",
            "ttr",
            "--layer",
            "6",
            "--out",
            session)
        .assertOk();
    Path out = tmp.resolve("report");

    cli.run("report", "--session", session, "--out", out, "--device", "cpu").assertOk();

    Map<String, String> norm = PngExport.readMetadata(out.resolve("norm.png"));
    assertEquals("6 of 8 (1-based block)", norm.get("Layer"));
    assertEquals("patch L2 norm", norm.get("Quantity"));
    assertEquals("ttr:registers=1", norm.get("Mitigations"));
    assertEquals("mean", PngExport.readMetadata(out.resolve("cls-attention.png")).get("Head"));
    JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
    assertEquals(6, metrics.get("block").asInt());
    assertEquals(8, metrics.get("layers").size());
    for (JsonNode c : metrics.get("comparison")) {
      assertTrue(c.get("after").get("maxOverMedian").asDouble() < 2, c.toString());
    }
    assertTrue(metrics.get("comparison").get(7).get("before").get("maxOverMedian").asDouble() > 4);
    assertTrue(
        Files.readAllLines(out.resolve("metrics.csv")).get(0).contains("maxOverMedian_delta"));
  }

  @Test
  void sessionWithoutMitigationsHasNoComparisonPicture() throws Exception {
    cli.run(
            "save-session",
            "--model",
            Cli.FIXTURES.resolve("dinov2-hf"),
            "--image",
            photo,
            "--out",
            session)
        .assertOk();
    Path out = tmp.resolve("report");

    cli.run("report", "--session", session, "--out", out, "--device", "cpu").assertOk();

    assertFalse(Files.exists(out.resolve("compare.png")));
    assertTrue(
        Files.readAllLines(out.resolve("metrics.csv")).get(0).startsWith("block,patchNormMin,"));
    assertEquals(ModelReference.Source.FOLDER, SessionFile.read(session).model().source());
  }

  @Test
  void everyQuantityOfTheSessionGetsItsPanel() throws Exception {
    Map<String, String> labels =
        Map.of(
            "rollout",
            "attention rollout",
            "pca-rgb",
            "PCA of features (RGB)",
            "attends-to",
            "attention of the selected patch (3, 4)",
            "attended-by",
            "attention to the selected patch (3, 4)");
    for (Map.Entry<String, String> q : labels.entrySet()) {
      Path s = tmp.resolve("work").resolve(q.getKey() + ".json");
      cli.run(
              "save-session",
              "--model",
              "phantom",
              "--image",
              photo,
              "--layer",
              "5",
              "--head",
              "2",
              "--quantity",
              q.getKey(),
              "--patch",
              "3,4",
              "--out",
              s)
          .assertOk();
      assertEquals(2, SessionFile.read(s).schemaVersion(), q.getKey());
      Path out = tmp.resolve("report-" + q.getKey());

      cli.run("report", "--session", s, "--out", out, "--device", "cpu").assertOk();

      Path panel = out.resolve(q.getKey() + ".png");
      Map<String, String> meta = PngExport.readMetadata(panel);
      assertEquals(q.getValue(), meta.get("Quantity"), q.getKey());
      boolean perHead = q.getKey().startsWith("attend");
      assertEquals(perHead ? "2" : "n/a", meta.get("Head"), q.getKey());
      assertEquals(
          q.getKey().equals("rollout") ? "all 8 blocks (rollout)" : "5 of 8 (1-based block)",
          meta.get("Layer"),
          q.getKey());
      assertTrue(
          PanelPixels.distinctColoursInTheMiddle(panel) > 50,
          q.getKey() + ": a picture, not a flat fill");
      assertTrue(
          PanelPixels.differ(panel, out.resolve("norm.png")),
          q.getKey() + " is not the norm panel");
      assertTrue(
          filesIn(out)
              .containsAll(
                  List.of(
                      "norm.png",
                      "attention-received.png",
                      "cls-attention.png",
                      q.getKey() + ".png",
                      "metrics.json",
                      "metrics.csv",
                      "session.json")),
          filesIn(out).toString());
    }
    assertTrue(
        PanelPixels.differ(
            tmp.resolve("report-attends-to/attends-to.png"),
            tmp.resolve("report-attended-by/attended-by.png")),
        "row and column differ");
  }

  @Test
  void aPatchQuantityWithoutAPatchIsOneLine() throws Exception {
    cli.run(
            "save-session",
            "--model",
            "phantom",
            "--image",
            photo,
            "--quantity",
            "attends-to",
            "--out",
            session)
        .assertOneLineError("save-session", "needs --patch ROW,COL");
    cli.run(
            "save-session",
            "--model",
            "phantom",
            "--image",
            photo,
            "--quantity",
            "attends-to",
            "--patch",
            "99,0",
            "--out",
            session)
        .assertOk();
    cli.run("report", "--session", session, "--out", tmp.resolve("r"), "--device", "cpu")
        .assertOneLineError("report", "patch (99, 0) does not exist");
  }

  @Test
  void aSessionAgainstModelBRendersBothModels() throws Exception {
    cli.run(
            "save-session",
            "--model",
            "phantom",
            "--model-b",
            "phantom-registers",
            "--image",
            photo,
            "--quantity",
            "attention-received",
            "--layer",
            "6",
            "--out",
            session)
        .assertOk();
    SessionFile s = SessionFile.read(session);
    assertEquals(CompareMode.OTHER_MODEL, s.compare());
    assertEquals("phantom-registers", s.modelB().id());
    assertEquals(64, s.modelB().weights().sha256().length());
    Path out = tmp.resolve("report");

    cli.run("report", "--session", session, "--out", out, "--device", "cpu").assertOk();

    assertEquals(
        List.of(
            "attention-received.png",
            "b-attention-received.png",
            "b-cls-attention.png",
            "b-norm.png",
            "cls-attention.png",
            "compare.png",
            "index.html",
            "metrics.csv",
            "metrics.json",
            "norm.png",
            "session.json"),
        filesIn(out));
    assertEquals(
        "phantom-registers", PngExport.readMetadata(out.resolve("b-norm.png")).get("Model"));
    assertTrue(
        PanelPixels.differ(out.resolve("norm.png"), out.resolve("b-norm.png")),
        "two models, two pictures");
    Map<String, String> compare = PngExport.readMetadata(out.resolve("compare.png"));
    assertEquals("A: phantom | B: phantom-registers", compare.get("Compared"));
    assertEquals("attention received: model A vs model B", compare.get("Quantity"));
    JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
    assertEquals("phantom-registers", metrics.at("/modelB/id").asText());
    assertEquals(8, metrics.get("layersB").size());
    assertEquals(8, metrics.get("comparisonB").size());
    assertTrue(
        metrics.at("/comparisonB/7/before/maxOverMedian").asDouble()
            > metrics.at("/comparisonB/7/after/maxOverMedian").asDouble(),
        "the registers twin has lower norm outliers");
    assertTrue(
        Files.readAllLines(out.resolve("metrics.csv")).get(0).contains("maxOverMedian_delta"));

    cli.run(
            "save-session",
            "--model",
            "phantom",
            "--compare",
            "other-model",
            "--image",
            photo,
            "--out",
            session)
        .assertOneLineError("save-session", "needs --model-b");
  }

  @Test
  void changedPhotoIsRefusedInOneLine() throws Exception {
    cli.run("save-session", "--model", "phantom", "--image", photo, "--out", session).assertOk();
    Files.write(photo, new byte[] {0}, StandardOpenOption.APPEND);

    cli.run("report", "--session", session, "--out", tmp.resolve("r"), "--device", "cpu")
        .assertOneLineError("report", "changed since the session was saved");
  }

  @Test
  void changedWeightsAreRefusedUnlessAllowed() throws Exception {
    Path model = Files.createDirectories(tmp.resolve("model"));
    for (String f : List.of("config.json", "preprocessor_config.json", "model.safetensors")) {
      Files.copy(Cli.FIXTURES.resolve("dinov2-hf").resolve(f), model.resolve(f));
    }
    cli.run("save-session", "--model", model, "--image", photo, "--out", session).assertOk();
    byte[] weights = Files.readAllBytes(model.resolve("model.safetensors"));
    weights[weights.length - 1] ^= 1; // the last byte of the last tensor: still a valid file
    Files.write(model.resolve("model.safetensors"), weights);

    cli.run("report", "--session", session, "--out", tmp.resolve("r"), "--device", "cpu")
        .assertOneLineError("report", "weights of");
    cli.run(
            "report",
            "--session",
            session,
            "--out",
            tmp.resolve("r"),
            "--allow-other-weights",
            "--device",
            "cpu")
        .assertOk();
  }

  @Test
  void fileThatIsNotASessionIsOneClearLine() throws Exception {
    Path notASession = Files.writeString(tmp.resolve("x.json"), "{\"register_neurons\": []}");

    cli.run("report", "--session", notASession, "--out", tmp.resolve("r"))
        .assertOneLineError("report", "not a Sinkscope session");
    cli.run("report", "--session", tmp.resolve("missing.json"), "--out", tmp.resolve("r"))
        .assertOneLineError("report", "no such file");
  }
}
