package dev.sinkscope.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.inference.mitigation.NeuronMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("cross-machine")
@Tag("slow")
class DiscoverNeuronsCommandTest {
  private static final Set<NeuronMap.RegisterNeuron> PLANTED =
      Set.of(
          new NeuronMap.RegisterNeuron(3, 137),
          new NeuronMap.RegisterNeuron(3, 402),
          new NeuronMap.RegisterNeuron(3, 655));

  @TempDir Path tmp;

  @Test
  void findsThePlantedNeuronsOfThePhantomOnTheBundledPhotos() throws Exception {
    Path map = tmp.resolve("map.json");

    Cli.Result r =
        Cli.offline(tmp)
            .run(
                "discover-neurons",
                "--model",
                "phantom",
                "--images",
                Cli.PHOTOS,
                "--out",
                map,
                "--device",
                "cpu");

    r.assertOk();
    assertEquals(
        PLANTED, new HashSet<>(NeuronMap.read(map).neurons()), "the map reads back as ttr.json");
    JsonNode json = new ObjectMapper().readTree(map.toFile());
    assertEquals("phantom.json discovery_preset", json.get("settings_source").asText());
    assertEquals(-1, json.get("settings").get("detect_layer").asInt());
    assertEquals(150.0, json.get("settings").get("threshold").asDouble());
    assertEquals(5, json.get("images_with_outliers").asInt());
    Set<NeuronMap.RegisterNeuron> top3 = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      JsonNode n = json.get("top_ranking").get(i);
      top3.add(new NeuronMap.RegisterNeuron(n.get("layer").asInt(), n.get("neuron").asInt()));
    }
    assertEquals(PLANTED, top3);
    assertTrue(
        r.err().contains("discover-neurons: image 5 of 5"), "progress on stderr: " + r.err());
  }

  @Test
  void discoveredMapDrivesTestTimeRegisters() throws Exception {
    Path map = tmp.resolve("map.json");
    Cli cli = Cli.offline(tmp);
    cli.run(
            "discover-neurons",
            "--model",
            "phantom",
            "--images",
            "bundled",
            "--out",
            map,
            "--max-images",
            "2",
            "--device",
            "cpu")
        .assertOk();
    Path json = tmp.resolve("c.json");

    cli.run(
            "compare",
            "--model",
            "phantom",
            "--image",
            Cli.PHOTOS.resolve("astronaut.png"),
            "--mitigation",
            "ttr",
            "--neurons",
            map,
            "--json",
            json,
            "--device",
            "cpu")
        .assertOk();

    JsonNode summary = new ObjectMapper().readTree(json.toFile()).get("summary");
    assertTrue(summary.get("worstMaxOverMedianAfter").asDouble() < 2, summary.toString());
  }

  @Test
  void modelWithoutPresetNeedsTheSettingsNamedInOneLine() {
    Cli.offline(tmp)
        .run(
            "discover-neurons",
            "--model",
            Cli.FIXTURES.resolve("dinov2-ttr"),
            "--images",
            Cli.PHOTOS,
            "--out",
            tmp.resolve("m.json"),
            "--device",
            "cpu")
        .assertOneLineError("discover-neurons", "give --detect-layer, --threshold, --top-k");
  }

  @Test
  void explicitSettingsRunOnAFixtureAndRespectTheLayerLimit() throws Exception {
    Path map = tmp.resolve("m.json");

    Cli.offline(tmp)
        .run(
            "discover-neurons",
            "--model",
            Cli.FIXTURES.resolve("dinov2-ttr"),
            "--images",
            Cli.PHOTOS,
            "--out",
            map,
            "--detect-layer",
            "-1",
            "--threshold",
            "20",
            "--top-k",
            "4",
            "--highest-layer",
            "2",
            "--device",
            "cpu")
        .assertOk();

    List<NeuronMap.RegisterNeuron> neurons = NeuronMap.read(map).neurons();
    assertEquals(4, neurons.size());
    assertTrue(neurons.stream().allMatch(n -> n.layer() <= 2), neurons.toString());
    JsonNode json = new ObjectMapper().readTree(map.toFile());
    assertEquals("the command line", json.get("settings_source").asText());
    assertTrue(json.get("images_with_outliers").asInt() >= 1);
  }

  @Test
  void thresholdNoImageReachesIsOneClearLine() {
    Cli.offline(tmp)
        .run(
            "discover-neurons",
            "--model",
            "phantom",
            "--images",
            Cli.PHOTOS,
            "--out",
            tmp.resolve("m.json"),
            "--threshold",
            "1e6",
            "--max-images",
            "1",
            "--device",
            "cpu")
        .assertOneLineError("discover-neurons", "no image had a token with norm > 1000000.0");
  }

  @Test
  void unreadableImageStopsWithItsName() throws Exception {
    Path images = Files.createDirectories(tmp.resolve("images"));
    Files.copy(Cli.PHOTOS.resolve("coffee.png"), images.resolve("coffee.png"));
    TestImages.broken(images.resolve("broken.png"));

    Cli.offline(tmp)
        .run(
            "discover-neurons",
            "--model",
            "phantom",
            "--images",
            images,
            "--out",
            tmp.resolve("m.json"),
            "--device",
            "cpu")
        .assertOneLineError("discover-neurons", "broken.png");
  }
}
