package dev.sinkscope.inference.robustness;

import static dev.sinkscope.inference.robustness.Corpus.assertNames;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sinkscope.inference.preprocess.PreprocessConfigException;
import dev.sinkscope.inference.preprocess.PreprocessPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broken preprocessing configs: refused with a {@link PreprocessConfigException} naming the file
 * and the key, before any image is resized to an absurd size.
 */
class HostilePreprocessorConfigTest {
  /**
   * Stops a refusal that hangs or decodes a bomb; not a speed goal (a busy machine must not fail
   * it). What is refused early is shown by the message and, where measured, the bytes allocated.
   */
  static final Duration HANG_GUARD = Duration.ofSeconds(60);

  /**
   * @param fixture dinov2-hf (preprocessor_config.json) or dinov2-timm (pretrained_cfg in
   *     config.json)
   */
  record Config(String fixture, String file, String content, String... keywords) {}

  private static final String HF = "preprocessor_config.json";

  private static Named<Config> hf(String name, String content, String... keywords) {
    return Named.of(name, new Config("dinov2-hf", HF, content, keywords));
  }

  private static Named<Config> timm(String name, String pretrainedCfg, String... keywords) {
    return Named.of(
        name,
        new Config(
            "dinov2-timm",
            "config.json",
            "{\"architecture\": \"vit_small_patch14_dinov2\", \"pretrained_cfg\": "
                + pretrainedCfg
                + "}",
            keywords));
  }

  static Stream<Named<Config>> corpus() {
    return Stream.of(
        hf("not JSON", "size: 224", "not valid JSON"),
        hf("a JSON array", "[224]", "JSON object"),
        hf("JSON followed by garbage", "{\"size\": 224} {\"size\": 999999}", "not valid JSON"),
        hf("larger than 4 MiB", "{\"notes\": \"" + "x".repeat(5 << 20) + "\"}", "at most"),
        hf(
            "shortest edge of a million pixels",
            "{\"size\": {\"shortest_edge\": 1000000}}",
            "size.shortest_edge",
            "8192"),
        hf("size 2^40 (wraps when read as an int)", "{\"size\": 1099511627776}", "size"),
        hf("negative height", "{\"size\": {\"height\": -224, \"width\": 224}}", "size.height"),
        hf("zero crop size", "{\"crop_size\": 0}", "crop_size"),
        hf("zero standard deviation", "{\"image_std\": [0, 0, 0]}", "std"),
        hf("unknown resample filter", "{\"resample\": 42}", "resample"),
        timm("timm: input size of zero", "{\"input_size\": [3, 0, 0]}", "input_size"),
        timm(
            "timm: tiny crop_pct (resize to 224 gigapixels)",
            "{\"input_size\": [3, 224, 224], \"crop_pct\": 1e-9}",
            "crop_pct",
            "8192"),
        timm("timm: one channel", "{\"input_size\": [1, 224, 224]}", "input_size", "3 channels"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void isRefusedNamingTheFileAndTheKey(Config c, @TempDir Path dir) throws Exception {
    Path folder = Corpus.copyModel(c.fixture(), dir.resolve("model"));
    Path file = folder.resolve(c.file());
    Files.writeString(file, c.content());

    PreprocessConfigException e =
        assertTimeoutPreemptively(
            HANG_GUARD,
            () ->
                assertThrows(
                    PreprocessConfigException.class,
                    () -> PreprocessPipeline.forModelFolder(folder)));
    assertNames(e.getMessage(), file, c.keywords());
  }
}
