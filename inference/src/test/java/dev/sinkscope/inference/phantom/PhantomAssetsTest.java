package dev.sinkscope.inference.phantom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped phantom folders are what the generator writes. What the generator derives by pure
 * Java arithmetic (the weights from the stated margin, the configs, the planted positions' format)
 * must match byte for byte on every machine; what it measures through the engine (the calibrated
 * margin, the model card's figures) may differ in the last digits between CPUs, so it is compared
 * within a stated tolerance (docs/decisions/0019).
 */
@Tag("cross-machine")
class PhantomAssetsTest {
  static final Path ASSETS =
      Path.of("..", "assets", "src", "main", "resources", "dev", "sinkscope", "assets");
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The margin is the middle of the widest gap between the patches' flat distances, searched in
   * 1e-5 steps; libtorch's kernels move those distances by about 1e-6, so the chosen step may move
   * by a few grid steps. The flagged patches it selects are compared exactly below.
   */
  private static final double MARGIN_TOLERANCE = 1e-4;

  private static final Pattern DECIMAL = Pattern.compile("-?\\d+\\.(\\d+)");

  @Test
  void shippedWeightsAndConfigsAreExactlyWhatTheGeneratorWritesForTheStatedMargin(@TempDir Path tmp)
      throws Exception {
    for (String model : List.of(PhantomBuilder.PHANTOM, PhantomBuilder.TWIN)) {
      Path shipped = ASSETS.resolve("models").resolve(model);
      JsonNode stated = JSON.readTree(shipped.resolve("phantom.json").toFile());
      // The stated 5-decimal margin reads back as the float the weights were built with
      // (marginOfStep).
      float margin = Float.parseFloat(stated.at("/circuit/flat_margin_layernorm_units").asText());
      PhantomGenerator.write(tmp.resolve(model), model.equals(PhantomBuilder.TWIN), margin);
      // Exact: seeded java.util.Random (StrictMath inside) and IEEE float arithmetic are the same
      // on every JVM.
      for (String name : List.of("model.safetensors", "config.json", "preprocessor_config.json")) {
        assertArrayEquals(
            Files.readAllBytes(tmp.resolve(model).resolve(name)),
            Files.readAllBytes(shipped.resolve(name)),
            model
                + "/"
                + name
                + " differs from what PhantomGenerator writes for the margin phantom.json states");
      }
    }
  }

  @Test
  @Tag("slow")
  void regeneratingGivesTheSameGroundTruthAndCard(@TempDir Path tmp) throws Exception {
    PhantomBuilder.build(ASSETS.resolve("images"), tmp);
    for (String model : List.of(PhantomBuilder.PHANTOM, PhantomBuilder.TWIN)) {
      Path generatedDir = tmp.resolve(model);
      Path shippedDir = ASSETS.resolve("models").resolve(model);
      assertEquals(fileNames(generatedDir), fileNames(shippedDir), model + ": file list");

      ObjectNode generated =
          (ObjectNode) JSON.readTree(generatedDir.resolve("phantom.json").toFile());
      ObjectNode shipped = (ObjectNode) JSON.readTree(shippedDir.resolve("phantom.json").toFile());
      double generatedMargin =
          ((ObjectNode) generated.get("circuit")).remove("flat_margin_layernorm_units").asDouble();
      double shippedMargin =
          ((ObjectNode) shipped.get("circuit")).remove("flat_margin_layernorm_units").asDouble();
      System.out.println(
          model
              + ": calibrated flat margin "
              + generatedMargin
              + " here, "
              + shippedMargin
              + " shipped");
      // Engine-measured: within the tolerance above.
      assertEquals(
          shippedMargin, generatedMargin, MARGIN_TOLERANCE, model + ": calibrated flat margin");
      // Everything else is hand-set or planted (neurons, circuit, preset, flagged positions):
      // exact.
      assertEquals(
          shipped,
          generated,
          model
              + "/phantom.json differs from the generator's output; "
              + "regenerate with PhantomBuilder");

      assertCardsAgree(
          model,
          Files.readString(shippedDir.resolve("README.md")),
          Files.readString(generatedDir.resolve("README.md")));
    }
  }

  @Test
  void cardComparisonAllowsOneUnitInTheLastPrintedDigitAndNothingElse() {
    assertCardsAgree(
        "card", "| a | 9 (3.5 %) | 6.25 | 0.413 |", "| a | 9 (3.5 %) | 6.26 | 0.412 |");
    assertFails(() -> assertCardsAgree("card", "| a | 6.25 |", "| a | 6.27 |"));
    assertFails(() -> assertCardsAgree("card", "| a | 6.25 |", "| b | 6.25 |"));
    assertFails(() -> assertCardsAgree("card", "| a | 9 |", "| a | 8 |"));
  }

  /**
   * The model cards' text and counts are exact; their decimal figures are attention shares and norm
   * ratios measured through the engine, printed rounded, so a value near a rounding boundary may
   * print one unit apart in the last digit on another CPU.
   */
  static void assertCardsAgree(String model, String shipped, String generated) {
    assertEquals(
        DECIMAL.matcher(shipped).replaceAll("#"),
        DECIMAL.matcher(generated).replaceAll("#"),
        model
            + "/README.md: the card's text (decimal figures masked) differs from the generator's output");
    List<String> want = decimals(shipped);
    List<String> got = decimals(generated);
    for (int i = 0; i < want.size(); i++) {
      int places = want.get(i).length() - want.get(i).indexOf('.') - 1;
      double unit = Math.pow(10, -places);
      double difference =
          Math.abs(Double.parseDouble(want.get(i)) - Double.parseDouble(got.get(i)));
      assertTrue(
          difference <= unit * 1.001,
          model
              + "/README.md figure "
              + i
              + ": shipped "
              + want.get(i)
              + ", generated "
              + got.get(i)
              + " (more than one unit in the last digit apart)");
    }
  }

  private static List<String> decimals(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = DECIMAL.matcher(text);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  private static void assertFails(Runnable check) {
    try {
      check.run();
    } catch (AssertionError expected) {
      return;
    }
    throw new AssertionError("the comparison accepted a difference it must reject");
  }

  private static List<String> fileNames(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
