package dev.sinkscope.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.app.assets.BundledAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Help texts, the mitigation list, bundled models, and one-line answers to bad input. */
@Tag("cross-machine")
@Tag("slow")
class CommandLineBasicsTest {
  @TempDir Path tmp;

  @Test
  void mitigationsListSaysForEachWhetherItIsExactReferenceCodeOrASubstitution() {
    Cli.Result r = Cli.offline(tmp).run("mitigations");

    r.assertOk();
    for (String label :
        List.of(
            "provenance:  exact",
            "provenance:  reference-code reproduction",
            "provenance:  proposal, beyond the reference code",
            "provenance:  inference-time substitution (weights not trained for it)")) {
      assertTrue(r.out().contains(label), label + " in:\n" + r.out());
    }
    assertEquals(
        MitigationCatalog.ENTRIES.size(),
        r.out().lines().filter(l -> l.startsWith("  description: ")).count());
  }

  @Test
  void helpOfCompareEndsWithTheSpecsAndTheirProvenance() {
    Cli.Result r = Cli.offline(tmp).run("help", "compare");

    r.assertOk();
    assertTrue(r.out().contains("Mitigation SPEC"), r.out());
    assertTrue(
        r.out().contains("attn:kind=sigmoid") && r.out().contains("inference-time substitution"),
        r.out());
    assertTrue(r.out().contains("no-registers") && r.out().contains("      exact"), r.out());
  }

  @Test
  void topLevelHelpListsEveryCommand() {
    Cli.Result r = Cli.offline(tmp).run("--help");

    r.assertOk();
    for (String command :
        List.of(
            "analyze",
            "compare",
            "discover-neurons",
            "sweep",
            "mitigations",
            "download",
            "models",
            "save-session",
            "report",
            "help")) {
      assertTrue(r.out().contains("  " + command), command + " in:\n" + r.out());
    }
  }

  @Test
  void bundledModelIsExtractedOnceAndReused() throws Exception {
    BundledAssets bundled = BundledAssets.inCache(tmp);

    Path first = bundled.model("sink-phantom");
    Path second = bundled.model("sink-phantom");

    assertEquals(first, second);
    assertTrue(
        first.getFileName().toString().matches("sink-phantom-[0-9a-f]{16}"), first.toString());
    for (String f :
        List.of("config.json", "model.safetensors", "preprocessor_config.json", "phantom.json")) {
      assertTrue(Files.isRegularFile(first.resolve(f)), f);
    }
    try (Stream<Path> entries = Files.list(tmp)) {
      assertEquals(1, entries.count(), "no staging folders left behind");
    }
  }

  static Stream<Arguments> badInputs() {
    Path coffee = Cli.PHOTOS.resolve("coffee.png");
    return Stream.of(
        Arguments.of(
            "compare",
            List.of("compare", "--model", "phantom", "--image", coffee, "--mitigation", "ttr"),
            "Missing required option: '--json=OUT.json'"),
        Arguments.of(
            "compare",
            List.of(
                "compare",
                "--model",
                "phantom",
                "--image",
                coffee,
                "--mitigation",
                "bogus",
                "--json",
                "x.json"),
            "unknown mitigation 'bogus'"),
        Arguments.of(
            "compare",
            List.of(
                "compare",
                "--model",
                "phantom",
                "--image",
                coffee,
                "--mitigation",
                "attn:kind=cosine",
                "--json",
                "x.json"),
            "unknown kind 'cosine'"),
        Arguments.of(
            "compare",
            List.of(
                "compare",
                "--model",
                "no/such/folder",
                "--image",
                coffee,
                "--mitigation",
                "ttr",
                "--json",
                "x.json"),
            "neither an existing folder nor a hub id"),
        Arguments.of(
            "compare",
            List.of(
                "compare",
                "--model",
                "phantom",
                "--image",
                coffee,
                "--mitigation",
                "ttr",
                "--json",
                "x.json",
                "--colormap",
                "rainbow"),
            "unknown colormap 'rainbow'"),
        Arguments.of(
            "compare",
            List.of(
                "compare",
                "--model",
                "phantom",
                "--image",
                coffee,
                "--mitigation",
                "ttr",
                "--json",
                "x.json",
                "--normalization",
                "zscore"),
            "unknown normalisation 'zscore'"),
        Arguments.of(
            "analyze",
            List.of("analyze", "--model", "phantom", "--image", "missing.png"),
            "missing.png"),
        Arguments.of(
            "analyze",
            List.of(
                "analyze", "--model", "phantom", "--image", coffee, "--png", "x.png", "--head",
                "all"),
            "head must be mean, max or a 0-based head number"),
        Arguments.of(
            "sweep",
            List.of("sweep", "--model", "phantom", "--images", "no-such-folder", "--csv", "x.csv"),
            "is not a folder"),
        Arguments.of(
            "discover-neurons",
            List.of(
                "discover-neurons",
                "--model",
                "phantom",
                "--images",
                "bundled",
                "--out",
                "m.json",
                "--top-k",
                "0"),
            "--top-k and --max-images must be at least 1"),
        Arguments.of(
            "save-session",
            List.of(
                "save-session",
                "--model",
                "phantom",
                "--image",
                coffee,
                "--out",
                "s.json",
                "--compare",
                "sideways"),
            "unknown compare mode 'sideways'"),
        Arguments.of(
            "download", List.of("download", "not a repo id"), "is not a valid hub repo id"));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("badInputs")
  void badInputGivesExitCodeTwoAndOneClearLine(String command, List<Object> args, String expected) {
    Cli.offline(tmp).run(args.toArray()).assertOneLineError(command, expected);
  }

  @Test
  void unknownCommandIsOneClearLine() {
    Cli.Result r = Cli.offline(tmp).run("explain");

    assertEquals(2, r.code());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("sinkscope: Unmatched argument"), r.err());
  }
}
