package dev.sinkscope.inference.robustness;

import static dev.sinkscope.inference.robustness.Corpus.ascii;
import static dev.sinkscope.inference.robustness.Corpus.assertNames;
import static dev.sinkscope.inference.robustness.Corpus.concat;
import static dev.sinkscope.inference.robustness.Corpus.declaring;
import static dev.sinkscope.inference.robustness.Corpus.safetensors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sinkscope.inference.model.ModelLoadException;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import dev.sinkscope.inference.safetensors.SafetensorsFormatException;
import dev.sinkscope.inference.session.ModelSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broken and hostile safetensors files: each is refused by {@link SafetensorsFile#open} with a
 * {@link SafetensorsFormatException}, and by {@link ModelSession#open} with a {@link
 * ModelLoadException}, both naming the file and the cause, quickly, without leaking a file handle,
 * while a model opened before keeps working.
 */
@Tag("slow")
class HostileSafetensorsTest {
  /**
   * Stops a refusal that hangs or decodes a bomb; not a speed goal (a busy machine must not fail
   * it). What is refused early is shown by the message and, where measured, the bytes allocated.
   */
  static final Duration HANG_GUARD = Duration.ofSeconds(60);

  /** What the reader must say about one broken file. */
  record Broken(byte[] content, String keyword) {}

  @TempDir static Path shared;
  private static LiveSession live;

  @BeforeAll
  static void openAValidModelFirst() throws Exception {
    live = LiveSession.open();
  }

  @AfterAll
  static void closeIt() throws Exception {
    live.close();
  }

  /** One valid F32 tensor [2, 2]: 16 bytes. */
  private static final byte[] SIXTEEN = new byte[16];

  private static final String W =
      "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";

  private static String entry(String name, String dtype, String shape, String offsets) {
    return "\""
        + name
        + "\":{\"dtype\":"
        + dtype
        + ",\"shape\":"
        + shape
        + ",\"data_offsets\":"
        + offsets
        + "}";
  }

  private static byte[] one(String dtype, String shape, String offsets, byte[] data) {
    return safetensors("{" + entry("w", dtype, shape, offsets) + "}", data);
  }

  private static Named<Broken> c(String name, byte[] content, String keyword) {
    return Named.of(name, new Broken(content, keyword));
  }

  static Stream<Named<Broken>> corpus() {
    Path marker = shared.resolve("pickle-ran");
    List<Named<Broken>> cases = new ArrayList<>();
    // --- length prefix
    cases.add(c("zero-byte file", new byte[0], "0 bytes"));
    cases.add(c("7-byte file", new byte[7], "7 bytes"));
    cases.add(c("4 KiB of zeros (preallocated, never written)", new byte[4096], "header length 0"));
    cases.add(
        c(
            "header length runs past the end of the file",
            declaring(4096, ascii("{}")),
            "past the end"));
    cases.add(
        c("header length 2^63", declaring(Long.MIN_VALUE, ascii("{}")), "9223372036854775808"));
    cases.add(c("header length 2^62", declaring(1L << 62, ascii("{}")), "header length"));
    cases.add(
        c(
            "header length 100 MiB + 1",
            declaring(100L * 1024 * 1024 + 1, ascii("{}")),
            "header length"));
    cases.add(
        c(
            "HTML error page saved as weights",
            ascii("<!DOCTYPE html><html><body>429 Too Many Requests</body></html>"),
            "text"));
    cases.add(
        c(
            "Git LFS pointer instead of the weights",
            ascii(
                "version https://git-lfs.github.com/spec/v1\n"
                    + "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 346345600\n"),
            "LFS"));
    cases.add(c("pickle renamed to .safetensors", Corpus.pickleCreating(marker), "pickle"));
    try {
      cases.add(
          c("torch zip archive renamed to .safetensors", Corpus.torchZipCreating(marker), "zip"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    // --- header JSON
    cases.add(
        c("header is not JSON", safetensors("this is not json at all", SIXTEEN), "not valid JSON"));
    cases.add(
        c("header is a JSON array", safetensors("[1, 2, 3]", new byte[0]), "not a JSON object"));
    cases.add(c("header is JSON null", safetensors("null", new byte[0]), "not a JSON object"));
    cases.add(
        c(
            "header JSON cut short",
            safetensors("{\"w\":{\"dtype\":\"F32\",\"sha", new byte[0]),
            "not valid JSON"));
    cases.add(
        c(
            "header JSON followed by a second object",
            safetensors("{}" + W, new byte[0]),
            "not valid JSON"));
    cases.add(
        c(
            "header with invalid UTF-8",
            safetensors(
                concat(ascii("{\"w"), new byte[] {(byte) 0xff, (byte) 0xfe}, ascii("\":{}}")),
                new byte[0]),
            "not valid JSON"));
    cases.add(
        c(
            "header nested 100000 arrays deep",
            safetensors("[".repeat(100_000) + "]".repeat(100_000), new byte[0]),
            "not valid JSON"));
    cases.add(
        c(
            "duplicate tensor names",
            safetensors(
                "{"
                    + entry("w", "\"F32\"", "[2]", "[0,8]")
                    + ","
                    + entry("w", "\"F32\"", "[2]", "[8,16]")
                    + "}",
                SIXTEEN),
            "duplicate"));
    cases.add(
        c(
            "__metadata__ is not an object",
            safetensors("{\"__metadata__\":\"pt\"}", new byte[0]),
            "__metadata__"));
    // --- one entry
    cases.add(
        c("tensor entry is a number", safetensors("{\"w\":5}", new byte[0]), "not an object"));
    cases.add(
        c(
            "tensor entry without dtype",
            safetensors("{\"w\":{\"shape\":[2,2],\"data_offsets\":[0,16]}}", SIXTEEN),
            "needs dtype"));
    cases.add(c("dtype is a number", one("32", "[2,2]", "[0,16]", SIXTEEN), "needs dtype"));
    cases.add(
        c("unknown dtype Q4_K", one("\"Q4_K\"", "[2,2]", "[0,16]", SIXTEEN), "unsupported dtype"));
    cases.add(
        c(
            "unsupported dtype F8_E4M3",
            one("\"F8_E4M3\"", "[4,4]", "[0,16]", SIXTEEN),
            "unsupported dtype"));
    cases.add(c("negative shape", one("\"F32\"", "[-2,-2]", "[0,16]", SIXTEEN), "bad shape"));
    cases.add(c("float shape", one("\"F32\"", "[2.0,2]", "[0,16]", SIXTEEN), "bad shape"));
    cases.add(c("shape is a string", one("\"F32\"", "\"2x2\"", "[0,16]", SIXTEEN), "shape"));
    cases.add(
        c(
            "shape larger than a 64-bit integer",
            one("\"F32\"", "[99999999999999999999]", "[0,16]", SIXTEEN),
            "bad shape"));
    cases.add(
        c(
            "element count overflows",
            one("\"F32\"", "[4611686018427387904,4]", "[0,16]", SIXTEEN),
            "overflows"));
    cases.add(
        c(
            "byte count overflows",
            one("\"F64\"", "[2305843009213693952]", "[0,16]", SIXTEEN),
            "overflows"));
    cases.add(
        c(
            "shape needs more bytes than the offsets give",
            one("\"F32\"", "[4,4]", "[0,16]", SIXTEEN),
            "needs 64 bytes"));
    cases.add(
        c(
            "dtype width does not match the byte count",
            one("\"F64\"", "[2,2]", "[0,16]", SIXTEEN),
            "needs 32 bytes"));
    cases.add(
        c(
            "offsets beyond the data section",
            one("\"F32\"", "[400]", "[0,1600]", SIXTEEN),
            "outside"));
    cases.add(c("negative offsets", one("\"F32\"", "[4]", "[-16,0]", SIXTEEN), "outside"));
    cases.add(c("reversed offsets", one("\"F32\"", "[4]", "[16,0]", SIXTEEN), "outside"));
    cases.add(
        c("offsets are floats", one("\"F32\"", "[4]", "[0.0,16.0]", SIXTEEN), "data_offsets"));
    cases.add(c("three offsets", one("\"F32\"", "[4]", "[0,8,16]", SIXTEEN), "two data_offsets"));
    // --- the data section as a whole
    cases.add(
        c(
            "overlapping tensors",
            safetensors(
                "{"
                    + entry("a", "\"F32\"", "[4]", "[0,16]")
                    + ","
                    + entry("b", "\"F32\"", "[4]", "[8,24]")
                    + "}",
                new byte[24]),
            "overlaps"));
    cases.add(
        c(
            "two tensors on the same bytes",
            safetensors(
                "{"
                    + entry("a", "\"F32\"", "[4]", "[0,16]")
                    + ","
                    + entry("b", "\"F32\"", "[4]", "[0,16]")
                    + "}",
                SIXTEEN),
            "overlaps"));
    cases.add(
        c(
            "gap between tensors",
            safetensors(
                "{"
                    + entry("a", "\"F32\"", "[2]", "[0,8]")
                    + ","
                    + entry("b", "\"F32\"", "[2]", "[16,24]")
                    + "}",
                new byte[24]),
            "gap"));
    cases.add(
        c("trailing garbage after the data", safetensors(W, new byte[21]), "trailing garbage"));
    cases.add(
        c(
            "data section cut short (truncated download)",
            safetensors("{" + entry("w", "\"F32\"", "[16]", "[0,64]") + "}", new byte[20]),
            "truncated"));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void isRefusedNamingTheFileAndTheCause(Broken broken, @TempDir Path dir) throws Exception {
    Path folder = dir.resolve("model");
    Files.createDirectories(folder);
    Files.copy(
        Corpus.FIXTURES.resolve("vit-hf").resolve("config.json"), folder.resolve("config.json"));
    Path file = folder.resolve("model.safetensors");
    Files.write(file, broken.content());

    SafetensorsFormatException format =
        assertTimeoutPreemptively(
            HANG_GUARD,
            () -> assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.open(file)));
    assertNames(format.getMessage(), file, broken.keyword());

    ModelLoadException load =
        assertTimeoutPreemptively(
            HANG_GUARD,
            () -> assertThrows(ModelLoadException.class, () -> ModelSession.open(folder, "cpu")));
    assertNames(load.getMessage(), file, broken.keyword());
    assertEquals(file, load.file());

    LiveSession.assertNothingOpenUnder(dir);
    assertFalse(Files.exists(shared.resolve("pickle-ran")), "nothing was unpickled");
    live.assertStillWorks();
  }

  @Test
  void theHandleCheckSeesAFileLeftOpen(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("model.safetensors"), Corpus.safetensors(W, SIXTEEN));
    try (SafetensorsFile open = SafetensorsFile.open(file)) {
      assertEquals(List.of(open.path().toRealPath()), LiveSession.openFilesUnder(dir));
    }
    LiveSession.assertNothingOpenUnder(dir);
  }
}
