package dev.sinkscope.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.render.PngExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("cross-machine")
class CompareCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  @TempDir Path tmp;

  private static Cli cli;
  private static Cli.Result phantomTtr;

  @BeforeAll
  static void comparePhantomWithTestTimeRegisters() {
    cli = Cli.offline(shared);
    phantomTtr =
        cli.run(
            "compare",
            "--model",
            "phantom",
            "--image",
            Cli.PHOTOS.resolve("coffee.png"),
            "--mitigation",
            "ttr",
            "--json",
            shared.resolve("c.json"),
            "--csv",
            shared.resolve("c.csv"),
            "--png",
            shared.resolve("c.png"),
            "--device",
            "cpu");
  }

  @Test
  void testTimeRegistersOnThePhantomBringMaxOverMedianBelowTwoAtEveryBlock() throws Exception {
    phantomTtr.assertOk();
    JsonNode report = JSON.readTree(shared.resolve("c.json").toFile());

    JsonNode layers = report.get("layers");
    assertEquals(8, layers.size());
    for (JsonNode layer : layers) {
      assertTrue(layer.get("after").get("maxOverMedian").asDouble() < 2, layer.toString());
    }
    assertTrue(report.get("summary").get("worstMaxOverMedianBefore").asDouble() > 4);
    assertEquals(4, report.get("summary").get("emergenceBlockBefore").asInt());
    assertTrue(report.get("summary").get("emergenceBlockAfter").isNull());
    JsonNode last = layers.get(7);
    assertEquals(
        9, last.get("before").get("artifactCount").asInt(), "coffee.png has 9 planted artifacts");
    assertEquals(0, last.get("after").get("artifactCount").asInt());
    assertEquals(-9.0, last.get("delta").get("artifactCount").asDouble());
    assertTrue(last.get("delta").get("maxOverMedian").asDouble() < -2);
  }

  @Test
  void eachMitigationIsListedWithSpecProvenanceAndDescription() throws Exception {
    JsonNode mitigation =
        JSON.readTree(shared.resolve("c.json").toFile()).get("mitigations").get(0);

    assertEquals("ttr:registers=1", mitigation.get("spec").asText());
    assertEquals("REFERENCE_CODE", mitigation.get("provenance").asText());
    assertEquals("reference-code reproduction", mitigation.get("provenanceLabel").asText());
    assertTrue(
        mitigation.get("description").asText().contains("phantom.json"),
        "without --neurons the phantom's own map is used: " + mitigation);
  }

  @Test
  void csvHasBeforeAfterAndDeltaColumnsForEveryBlock() throws Exception {
    List<String> lines = Files.readAllLines(shared.resolve("c.csv"));

    assertEquals(9, lines.size());
    List<String> header = Arrays.asList(lines.get(0).split(","));
    List<String> block8 = Arrays.asList(lines.get(8).split(",", -1));
    assertEquals("8", block8.get(0));
    assertEquals("9", block8.get(header.indexOf("artifactCount_before")));
    assertEquals("0", block8.get(header.indexOf("artifactCount_after")));
    assertEquals("-9.0", block8.get(header.indexOf("artifactCount_delta")));
  }

  @Test
  void pngIsABeforeAfterPictureWithMetadata() throws Exception {
    Map<String, String> meta = PngExport.readMetadata(shared.resolve("c.png"));

    assertEquals("phantom", meta.get("Model"));
    assertEquals("8 of 8 (1-based block)", meta.get("Layer"));
    assertEquals("patch L2 norm before/after", meta.get("Quantity"));
    assertEquals("ttr:registers=1", meta.get("Mitigations"));
    assertTrue(
        meta.get("Normalization").startsWith("viridis, min-max, shared by 2 grids"),
        meta.toString());
    assertEquals("coffee.png", meta.get("Source"));
    assertTrue(
        PngExport.read(shared.resolve("c.png")).width() > 3 * 384, "three panels side by side");
  }

  @Test
  void afterPassOnTheTtrFixtureMatchesAnalyzeWithTheSameMitigation() throws Exception {
    Path fixture = Cli.FIXTURES.resolve("dinov2-ttr");
    Path compareJson = tmp.resolve("compare.json");
    Path analyzeJson = tmp.resolve("analyze.json");

    cli.run(
            "compare",
            "--model",
            fixture,
            "--pixels",
            fixture.resolve("input.safetensors"),
            "--mitigation",
            "ttr",
            "--json",
            compareJson,
            "--device",
            "cpu")
        .assertOk();
    cli.run(
            "analyze",
            "--model",
            fixture,
            "--pixels",
            fixture.resolve("input.safetensors"),
            "--mitigation",
            "ttr",
            "--neurons",
            fixture.resolve("ttr.json"),
            "--json",
            analyzeJson,
            "--device",
            "cpu")
        .assertOk();

    JsonNode compared = JSON.readTree(compareJson.toFile()).get("layers");
    JsonNode analyzed = JSON.readTree(analyzeJson.toFile()).get("layers");
    for (int b = 0; b < 4; b++) {
      assertEquals(
          analyzed.get(b).get("max").asDouble(),
          compared.get(b).get("after").get("patchNormMax").asDouble(),
          1e-5,
          "block " + (b + 1));
    }
    assertTrue(
        JSON.readTree(compareJson.toFile())
            .get("mitigations")
            .get(0)
            .get("description")
            .asText()
            .contains("ttr.json"),
        "the fixture folder's ttr.json is the default map");
  }

  @Test
  void attentionSwapIsLabelledAnInferenceTimeSubstitution() throws Exception {
    Path fixture = Cli.FIXTURES.resolve("dinov2-hf");
    Path json = tmp.resolve("c.json");

    cli.run(
            "compare",
            "--model",
            fixture,
            "--image",
            Cli.PHOTOS.resolve("rocket.jpg"),
            "--mitigation",
            "attn:kind=softmax1,layers=2-3",
            "--json",
            json,
            "--png",
            tmp.resolve("c.png"),
            "--quantity",
            "cls-attention",
            "--head",
            "1",
            "--device",
            "cpu")
        .assertOk();

    JsonNode report = JSON.readTree(json.toFile());
    assertEquals(
        "INFERENCE_TIME_SUBSTITUTION", report.get("mitigations").get(0).get("provenance").asText());
    JsonNode block1 = report.get("layers").get(0);
    assertEquals(
        0.0,
        block1.get("delta").get("patchNormMax").asDouble(),
        1e-6,
        "blocks before 2 are unchanged");
    assertEquals("1", PngExport.readMetadata(tmp.resolve("c.png")).get("Head"));
  }

  @Test
  void registerAblationOnTheRegisterTwinBringsTheArtifactsBack() throws Exception {
    Path json = tmp.resolve("c.json");

    cli.run(
            "compare",
            "--model",
            "phantom-registers",
            "--image",
            Cli.PHOTOS.resolve("camera.png"),
            "--mitigation",
            "no-registers",
            "--json",
            json,
            "--device",
            "cpu")
        .assertOk();

    JsonNode summary = JSON.readTree(json.toFile()).get("summary");
    assertTrue(summary.get("worstMaxOverMedianBefore").asDouble() < 2, summary.toString());
    assertTrue(summary.get("worstMaxOverMedianAfter").asDouble() > 4, summary.toString());
    assertEquals(
        "EXACT", JSON.readTree(json.toFile()).get("mitigations").get(0).get("provenance").asText());
  }

  @Test
  void registerAblationOnAModelWithoutRegistersIsOneClearLine() {
    cli.run(
            "compare",
            "--model",
            "phantom",
            "--image",
            Cli.PHOTOS.resolve("coffee.png"),
            "--mitigation",
            "no-registers",
            "--json",
            tmp.resolve("c.json"),
            "--device",
            "cpu")
        .assertOneLineError("compare", "has no trained registers");
  }
}
