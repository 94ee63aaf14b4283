package dev.sinkscope.inference.robustness;

import static dev.sinkscope.inference.robustness.Corpus.assertNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sinkscope.inference.model.ModelLoadException;
import dev.sinkscope.inference.session.ModelSession;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broken model folders (config, layout, shards, pickles), each built from a valid fixture with one
 * thing changed. Every one is refused by {@link ModelSession#open} with a {@link
 * ModelLoadException} that blames the right file and says why, without running a pickle, without
 * leaking a file handle, while a model opened before keeps working.
 */
@Tag("slow")
class HostileModelFolderTest {
  /**
   * Stops a refusal that hangs or decodes a bomb; not a speed goal (a busy machine must not fail
   * it). What is refused early is shown by the message and, where measured, the bytes allocated.
   */
  static final Duration HANG_GUARD = Duration.ofSeconds(60);

  /** Breaks a copied model folder; returns the path to open (usually the folder). */
  @FunctionalInterface
  interface Breakage {
    Path apply(Path folder) throws Exception;
  }

  /**
   * @param blamed file name the exception must name (and return from {@link
   *     ModelLoadException#file()})
   * @param keywords what the message must say
   */
  record Folder(String fixture, Breakage breakage, String blamed, String... keywords) {}

  private static final String VIT = "vit-hf";
  private static final String TIMM = "dinov2-timm";

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

  private static Path marker() {
    return shared.resolve("pickle-ran");
  }

  private static Named<Folder> c(
      String name, String fixture, Breakage b, String blamed, String... keywords) {
    return Named.of(name, new Folder(fixture, b, blamed, keywords));
  }

  private static Breakage config(Consumer<ObjectNode> edit) {
    return f -> {
      ObjectNode cfg = Corpus.config(f);
      edit.accept(cfg);
      Corpus.writeConfig(f, cfg);
      return f;
    };
  }

  private static Breakage configText(String text) {
    return f -> {
      Files.writeString(f.resolve("config.json"), text);
      return f;
    };
  }

  private static Breakage weights(Consumer<Map<String, Corpus.Raw>> edit) {
    return f -> {
      Path file = f.resolve("model.safetensors");
      Map<String, Corpus.Raw> all = Corpus.read(file);
      edit.accept(all);
      Corpus.write(file, all);
      return f;
    };
  }

  private static Breakage index(Consumer<ObjectNode> edit) {
    return f -> {
      ObjectNode index = Shards.split(f);
      edit.accept(index);
      Shards.writeIndex(f, index);
      return f;
    };
  }

  /** Replaces the weights with a pickle named {@code name}; returns the folder. */
  private static Breakage pickleInsteadOfWeights(String name) {
    return f -> {
      Files.delete(f.resolve("model.safetensors"));
      Files.write(f.resolve(name), Corpus.pickleCreating(marker()));
      return f;
    };
  }

  /** Writes a pickle named {@code name} into the folder and opens it directly. */
  private static Breakage pickleOpenedDirectly(String name) {
    return f -> {
      Path p = f.resolve(name);
      Files.write(p, Corpus.pickleCreating(marker()));
      return p;
    };
  }

  static Stream<Named<Folder>> corpus() {
    List<Named<Folder>> cases = new ArrayList<>();
    // --- config.json
    cases.add(c("config.json is empty", VIT, configText(""), "config.json", "empty"));
    cases.add(
        c(
            "config.json is not JSON",
            VIT,
            configText("model_type: vit\nhidden_size: 64\n"),
            "config.json",
            "not valid JSON"));
    cases.add(
        c(
            "config.json is a JSON array",
            VIT,
            configText("[{\"model_type\": \"vit\"}]"),
            "config.json",
            "not a JSON object"));
    cases.add(
        c(
            "config.json is 5 MiB",
            VIT,
            configText("{\"model_type\": \"vit\", \"notes\": \"" + "x".repeat(5 << 20) + "\"}"),
            "config.json",
            "at most"));
    cases.add(
        c(
            "config.json followed by garbage",
            VIT,
            f -> {
              Files.writeString(
                  f.resolve("config.json"),
                  Files.readString(f.resolve("config.json")) + "\n}{\"x\": 1}");
              return f;
            },
            "config.json",
            "not valid JSON"));
    cases.add(
        c(
            "config.json missing",
            VIT,
            f -> {
              Files.delete(f.resolve("config.json"));
              return f;
            },
            "config.json",
            "missing"));
    cases.add(
        c(
            "config.json is a folder",
            VIT,
            f -> {
              Files.delete(f.resolve("config.json"));
              Files.createDirectory(f.resolve("config.json"));
              return f;
            },
            "config.json",
            "not a regular file"));
    cases.add(
        c(
            "config.json is a named pipe (a reader would block)",
            VIT,
            f -> {
              Files.delete(f.resolve("config.json"));
              Assumptions.assumeTrue(
                  Corpus.mkfifo(f.resolve("config.json")), "mkfifo is available");
              return f;
            },
            "config.json",
            "not a regular file"));
    cases.add(
        c(
            "unknown family (model_type bert)",
            VIT,
            config(c -> c.put("model_type", "bert")),
            "config.json",
            "'bert'",
            "not supported"));
    cases.add(
        c("no model_type", VIT, config(c -> c.remove("model_type")), "config.json", "model_type"));
    cases.add(
        c(
            "hidden_size differs from the weights",
            VIT,
            config(c -> c.put("hidden_size", 32)),
            "model.safetensors",
            "embeddings.patch_embeddings.projection.weight",
            "[64, 3, 16, 16]",
            "[32, 3, 16, 16]",
            "config.json"));
    cases.add(
        c(
            "intermediate_size differs from the weights",
            VIT,
            config(c -> c.put("intermediate_size", 512)),
            "model.safetensors",
            "encoder.layer.0.intermediate.dense.weight",
            "[256, 64]",
            "[512, 64]"));
    cases.add(
        c(
            "num_hidden_layers larger than the weights",
            VIT,
            config(c -> c.put("num_hidden_layers", 6)),
            "config.json",
            "num_hidden_layers is 6",
            "4 blocks"));
    cases.add(
        c(
            "num_hidden_layers smaller than the weights",
            VIT,
            config(c -> c.put("num_hidden_layers", 2)),
            "config.json",
            "num_hidden_layers is 2",
            "4 blocks"));
    cases.add(
        c(
            "negative hidden_size",
            VIT,
            config(c -> c.put("hidden_size", -64)),
            "config.json",
            "hidden_size"));
    cases.add(
        c(
            "zero num_hidden_layers",
            VIT,
            config(c -> c.put("num_hidden_layers", 0)),
            "config.json",
            "num_hidden_layers"));
    cases.add(
        c(
            "zero num_attention_heads",
            VIT,
            config(c -> c.put("num_attention_heads", 0)),
            "config.json",
            "num_attention_heads"));
    cases.add(
        c(
            "zero patch_size",
            VIT,
            config(c -> c.put("patch_size", 0)),
            "config.json",
            "patch_size"));
    cases.add(
        c(
            "negative image_size",
            VIT,
            config(c -> c.put("image_size", -64)),
            "config.json",
            "image_size"));
    cases.add(
        c(
            "hidden_size 2^64 + 64 (wraps to 64 as a long)",
            VIT,
            config(
                c ->
                    c.put("hidden_size", BigInteger.ONE.shiftLeft(64).add(BigInteger.valueOf(64)))),
            "config.json",
            "hidden_size"));
    cases.add(
        c(
            "hidden_size written as a string",
            VIT,
            config(c -> c.put("hidden_size", "64")),
            "config.json",
            "hidden_size"));
    cases.add(
        c(
            "hidden_size 64.5",
            VIT,
            config(c -> c.put("hidden_size", 64.5)),
            "config.json",
            "hidden_size"));
    cases.add(
        c(
            "heads do not divide the width",
            VIT,
            config(c -> c.put("num_attention_heads", 5)),
            "config.json",
            "divisible",
            "5"));
    cases.add(
        c(
            "patch size larger than the image",
            VIT,
            config(c -> c.put("patch_size", 128)),
            "config.json",
            "patch_size 128"));
    cases.add(
        c(
            "image size not a multiple of the patch size",
            VIT,
            config(c -> c.put("image_size", 72)),
            "config.json",
            "multiple"));
    cases.add(
        c(
            "unknown activation",
            VIT,
            config(c -> c.put("hidden_act", "swish")),
            "config.json",
            "hidden_act"));
    cases.add(
        c(
            "layer_norm_eps written as a string",
            VIT,
            config(c -> c.put("layer_norm_eps", "1e-12")),
            "config.json",
            "layer_norm_eps"));
    // --- timm config.json
    cases.add(
        c(
            "timm: unknown architecture",
            TIMM,
            config(c -> c.put("architecture", "resnet50")),
            "config.json",
            "resnet50",
            "not supported"));
    cases.add(
        c(
            "timm: depth differs from the weights",
            TIMM,
            config(c -> ((ObjectNode) c.get("model_args")).put("depth", 6)),
            "config.json",
            "depth",
            "4 blocks"));
    cases.add(
        c(
            "timm: no image size anywhere",
            TIMM,
            config(
                c -> {
                  ((ObjectNode) c.get("model_args")).remove("img_size");
                  ((ObjectNode) c.get("pretrained_cfg")).remove("input_size");
                }),
            "config.json",
            "img_size"));
    cases.add(
        c(
            "timm: heads do not divide the width",
            TIMM,
            config(c -> ((ObjectNode) c.get("model_args")).put("num_heads", 5)),
            "config.json",
            "divisible"));
    // --- weights
    cases.add(
        c(
            "no weights in the folder",
            VIT,
            f -> {
              Files.delete(f.resolve("model.safetensors"));
              return f;
            },
            "model.safetensors",
            "missing"));
    cases.add(
        c(
            "a weight is missing",
            VIT,
            weights(w -> w.remove("layernorm.weight")),
            "model.safetensors",
            "missing key 'layernorm.weight'"));
    cases.add(
        c(
            "a weight stored as integers",
            VIT,
            weights(
                w ->
                    w.put(
                        "layernorm.weight",
                        new Corpus.Raw("I64", new long[] {64}, new byte[64 * 8]))),
            "model.safetensors",
            "layernorm.weight",
            "I64"));
    cases.add(
        c(
            "position table for another image size",
            VIT,
            weights(
                w ->
                    w.put(
                        "embeddings.position_embeddings",
                        Corpus.Raw.f32(new float[26 * 64], 1, 26, 64))),
            "model.safetensors",
            "embeddings.position_embeddings",
            "[1, 17, 64]"));
    cases.add(
        c(
            "two .safetensors files and no index",
            VIT,
            f -> {
              Files.copy(f.resolve("model.safetensors"), f.resolve("other.safetensors"));
              Files.move(f.resolve("model.safetensors"), f.resolve("weights.safetensors"));
              return f;
            },
            "model.safetensors",
            "several"));
    // --- shards
    cases.add(
        c(
            "index lists a missing shard",
            VIT,
            f -> {
              Shards.split(f);
              Files.delete(f.resolve(Shards.SECOND));
              return f;
            },
            Shards.SECOND,
            "missing",
            Shards.INDEX));
    cases.add(
        c(
            "index points outside the folder (../x.safetensors)",
            VIT,
            f -> {
              Files.copy(f.resolve("model.safetensors"), f.resolveSibling("x.safetensors"));
              Shards.split(f);
              ObjectNode index = Corpus.JSON.createObjectNode();
              index.putObject("weight_map").put("layernorm.weight", "../x.safetensors");
              Shards.writeIndex(f, index);
              return f;
            },
            Shards.INDEX,
            "../x.safetensors",
            "not a .safetensors file in this folder"));
    cases.add(
        c(
            "index points to an absolute path",
            VIT,
            f -> {
              Path elsewhere =
                  Files.createDirectories(f.resolveSibling("elsewhere"))
                      .resolve("model.safetensors");
              Files.copy(f.resolve("model.safetensors"), elsewhere);
              Shards.split(f);
              ObjectNode index = Corpus.JSON.createObjectNode();
              index
                  .putObject("weight_map")
                  .put("layernorm.weight", elsewhere.toAbsolutePath().toString());
              Shards.writeIndex(f, index);
              return f;
            },
            Shards.INDEX,
            "not a .safetensors file in this folder"));
    cases.add(
        c(
            "index without weight_map",
            VIT,
            index(i -> i.remove("weight_map")),
            Shards.INDEX,
            "weight_map"));
    cases.add(
        c(
            "index with an empty weight_map",
            VIT,
            index(i -> i.putObject("weight_map")),
            Shards.INDEX,
            "weight_map"));
    cases.add(
        c(
            "index is not JSON",
            VIT,
            f -> {
              Shards.split(f);
              Files.writeString(f.resolve(Shards.INDEX), "{\"weight_map\": ");
              return f;
            },
            Shards.INDEX,
            "not valid JSON"));
    cases.add(
        c(
            "index names a pickle as a shard",
            VIT,
            index(
                i ->
                    ((ObjectNode) i.get("weight_map"))
                        .put("layernorm.weight", "pytorch_model.bin")),
            Shards.INDEX,
            "pytorch_model.bin",
            "not a .safetensors"));
    cases.add(
        c(
            "one tensor in two shards",
            VIT,
            f -> {
              Shards.split(f);
              Map<String, Corpus.Raw> second = Corpus.read(f.resolve(Shards.SECOND));
              Map<String, Corpus.Raw> first = Corpus.read(f.resolve(Shards.FIRST));
              String stray = first.keySet().iterator().next();
              second.put(stray, first.get(stray));
              Corpus.write(f.resolve(Shards.SECOND), second);
              return f;
            },
            Shards.SECOND,
            "also in",
            Shards.FIRST));
    cases.add(
        c(
            "a shard with a corrupt header",
            VIT,
            f -> {
              Shards.split(f);
              Files.write(f.resolve(Shards.SECOND), Corpus.declaring(1L << 40, new byte[64]));
              return f;
            },
            Shards.SECOND,
            "header length"));
    // --- pickles: refused by name, never opened
    cases.add(
        c(
            "pytorch_model.bin instead of safetensors",
            VIT,
            pickleInsteadOfWeights("pytorch_model.bin"),
            "pytorch_model.bin",
            "pickle",
            "safetensors"));
    cases.add(
        c(
            "model.pth opened directly",
            VIT,
            pickleOpenedDirectly("model.pth"),
            "model.pth",
            "pickle",
            "safetensors"));
    cases.add(
        c(
            "checkpoint.pt opened directly",
            VIT,
            pickleOpenedDirectly("checkpoint.pt"),
            "checkpoint.pt",
            "pickle",
            "safetensors"));
    cases.add(
        c(
            "last.ckpt opened directly",
            VIT,
            pickleOpenedDirectly("last.ckpt"),
            "last.ckpt",
            "pickle",
            "safetensors"));
    cases.add(
        c(
            "torch zip archive as model.pth",
            VIT,
            f -> {
              Files.delete(f.resolve("model.safetensors"));
              Files.write(f.resolve("model.pth"), Corpus.torchZipCreating(marker()));
              return f;
            },
            "model.pth",
            "pickle",
            "safetensors"));
    cases.add(
        c(
            "folder with only a pickle",
            VIT,
            f -> {
              Files.delete(f.resolve("config.json"));
              Files.delete(f.resolve("preprocessor_config.json"));
              return pickleInsteadOfWeights("pytorch_model.bin").apply(f);
            },
            "pytorch_model.bin",
            "pickle",
            "safetensors"));
    // --- the path itself
    cases.add(
        c(
            "path does not exist (beside a valid model)",
            VIT,
            f -> f.resolve("no-such-model"),
            "no-such-model",
            "does not exist"));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void isRefusedBlamingTheRightFile(Folder c, @TempDir Path dir) throws Exception {
    Path target = c.breakage().apply(Corpus.copyModel(c.fixture(), dir.resolve("model")));

    ModelLoadException e =
        assertTimeoutPreemptively(
            HANG_GUARD,
            () -> assertThrows(ModelLoadException.class, () -> ModelSession.open(target, "cpu")));

    assertNames(e.getMessage(), Path.of(c.blamed()), c.keywords());
    assertEquals(
        c.blamed(), e.file().getFileName().toString(), "the file at fault: " + e.getMessage());
    LiveSession.assertNothingOpenUnder(dir);
    assertFalse(Files.exists(marker()), "nothing was unpickled");
    live.assertStillWorks();
  }
}
