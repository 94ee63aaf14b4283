package dev.sinkscope.inference.distill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sinkscope.inference.model.CanonicalWeights;
import dev.sinkscope.inference.model.Checkpoint;
import dev.sinkscope.inference.model.CheckpointLayout;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.model.PositionInterpolation;
import dev.sinkscope.inference.model.WeightRef;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import dev.sinkscope.inference.safetensors.SafetensorsWriter;
import dev.sinkscope.inference.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes the student as a model folder the ecosystem loads (safetensors only):
 *
 * <ul>
 *   <li>HF {@code Dinov2Model} in: {@code Dinov2WithRegistersModel} out ({@code model_type
 *       dinov2_with_registers}, {@code num_register_tokens}, {@code embeddings.register_tokens}).
 *   <li>HF {@code Dinov2WithRegistersModel} in: the same class, the new registers appended.
 *   <li>timm in: timm layout with {@code reg_token} and {@code model_args.reg_tokens}; a position
 *       table with a CLS entry becomes {@code no_embed_class} (the CLS entry folded into {@code
 *       cls_token}), the layout timm uses for registers.
 *   <li>other HF layouts: the input layout plus {@code embeddings.register_tokens} and {@code
 *       num_register_tokens} in config.json; Sinkscope reads them, transformers ignores them.
 * </ul>
 *
 * Trained tensors and the registers are float32; every other tensor is copied (widened to float32).
 */
final class StudentWriter {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private StudentWriter() {}

  /** The layout the student is written in. */
  static CheckpointLayout outputLayout(ModelSpec spec) {
    return spec.layout() == CheckpointLayout.HF_DINOV2
        ? CheckpointLayout.HF_DINOV2_WITH_REGISTERS
        : spec.layout();
  }

  /** How the output model resizes its position table, so the student trains with it. */
  static PositionInterpolation outputInterpolation(ModelSpec spec) {
    return outputLayout(spec) == CheckpointLayout.HF_DINOV2_WITH_REGISTERS
        ? PositionInterpolation.BICUBIC_ANTIALIAS
        : spec.interpolation();
  }

  /**
   * The trained tensors under their output names and shapes (what {@code --trace} records and what
   * replaces the input's tensors), from {@code values} by canonical name ("registers.new" for the
   * new registers) plus the frozen tensors they are combined with.
   */
  static Map<String, FloatTensor> trainedTensors(
      Checkpoint checkpoint, Map<String, FloatTensor> values) throws IOException {
    ModelSpec spec = checkpoint.spec();
    int d = spec.hiddenSize();
    Map<String, FloatTensor> out = new LinkedHashMap<>();
    FloatTensor fresh = values.get("registers.new");
    int oldCount = spec.registers();
    int newCount = fresh.dim(1);
    float[] regs = new float[(oldCount + newCount) * d];
    if (oldCount > 0) {
      WeightRef old = checkpoint.weight(CanonicalWeights.REGISTERS);
      System.arraycopy(old.file().readFloats(old.key()), 0, regs, 0, oldCount * d);
    }
    System.arraycopy(fresh.data(), 0, regs, oldCount * d, newCount * d);
    boolean timm = spec.layout() == CheckpointLayout.TIMM;
    out.put(registerKey(checkpoint), FloatTensor.of(regs, 1, oldCount + newCount, d));
    for (Map.Entry<String, FloatTensor> e : values.entrySet()) {
      if (e.getKey().equals("registers.new")) {
        continue;
      }
      WeightRef ref = checkpoint.weight(e.getKey());
      FloatTensor t = FloatTensor.of(e.getValue().data(), ref.info().intShape());
      if (timm && e.getKey().equals(CanonicalWeights.POSITION) && spec.positionTableHasPrefix()) {
        // no_embed_class: the table keeps the patch entries; the CLS entry moves into cls_token
        int prefix = spec.positionedPrefixTokens();
        int patches = t.size() / d - prefix;
        float[] grid = java.util.Arrays.copyOfRange(t.data(), prefix * d, t.size());
        out.put(ref.key(), FloatTensor.of(grid, 1, patches, d));
        WeightRef cls = checkpoint.weight(CanonicalWeights.CLS);
        float[] c = cls.file().readFloats(cls.key());
        for (int k = 0; k < d; k++) {
          c[k] += t.data()[k];
        }
        out.put(cls.key(), FloatTensor.of(c, cls.info().intShape()));
      } else {
        out.put(ref.key(), t);
      }
    }
    return out;
  }

  /** Where the registers go: next to the patch projection's key prefix. */
  static String registerKey(Checkpoint checkpoint) {
    if (checkpoint.spec().layout() == CheckpointLayout.TIMM) {
      return "reg_token";
    }
    if (checkpoint.has(CanonicalWeights.REGISTERS)) {
      return checkpoint.weight(CanonicalWeights.REGISTERS).key();
    }
    String patch = checkpoint.weight(CanonicalWeights.PATCH_WEIGHT).key();
    int at = patch.indexOf("embeddings.");
    return (at > 0 ? patch.substring(0, at) : "") + "embeddings.register_tokens";
  }

  /**
   * Writes {@code out/model.safetensors}, {@code config.json} and a copy of {@code
   * preprocessor_config.json}.
   *
   * @return names of input tensors that were not copied (non-float buffers)
   */
  static List<String> write(
      Checkpoint checkpoint, Map<String, FloatTensor> trained, int newRegisters, Path out)
      throws IOException {
    Files.createDirectories(out);
    Set<SafetensorsFile> files = new LinkedHashSet<>();
    for (WeightRef ref : checkpoint.weights().values()) {
      files.add(ref.file());
    }
    Map<String, FloatTensor> tensors = new TreeMap<>();
    List<String> skipped = new ArrayList<>();
    for (SafetensorsFile file : files) {
      for (Map.Entry<String, TensorInfo> e : file.tensors().entrySet()) {
        if (!e.getValue().dtype().isFloatingPoint()) {
          skipped.add(e.getKey());
          continue;
        }
        if (!trained.containsKey(e.getKey())) {
          tensors.put(
              e.getKey(), FloatTensor.of(file.readFloats(e.getKey()), e.getValue().intShape()));
        }
      }
    }
    tensors.putAll(trained);
    SafetensorsWriter.write(out.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
    Path folder = checkpoint.folder();
    JsonNode config = JSON.readTree(folder.resolve("config.json").toFile());
    ObjectNode written = config(checkpoint.spec(), (ObjectNode) config, newRegisters);
    Files.writeString(out.resolve("config.json"), JSON.writeValueAsString(written) + "\n");
    Path preprocessor = folder.resolve("preprocessor_config.json");
    if (Files.isRegularFile(preprocessor)) {
      Files.copy(
          preprocessor,
          out.resolve("preprocessor_config.json"),
          StandardCopyOption.REPLACE_EXISTING);
    }
    return skipped;
  }

  /** The output config.json: the input's with the register fields of the output layout. */
  static ObjectNode config(ModelSpec spec, ObjectNode input, int newRegisters) {
    int total = spec.registers() + newRegisters;
    ObjectNode c = input.deepCopy();
    if (c.has("sinkscope_phantom")) {
      c.put(
          "sinkscope_phantom",
          "self-distilled student of the synthetic sink phantom; see distill.json");
    }
    switch (spec.layout()) {
      case HF_DINOV2 -> {
        c.put("model_type", "dinov2_with_registers");
        c.putArray("architectures").add("Dinov2WithRegistersModel");
        c.put("num_register_tokens", total);
        // Dinov2WithRegistersConfig's fields that Dinov2Config does not write
        putIfAbsent(c, "interpolate_antialias", true);
        putIfAbsent(c, "interpolate_offset", 0.0);
        putIfAbsent(c, "apply_layernorm", true);
        putIfAbsent(c, "reshape_hidden_states", true);
        int layers = spec.numLayers();
        if (!c.has("stage_names")) {
          ArrayNode names = c.putArray("stage_names").add("stem");
          for (int i = 1; i <= layers; i++) {
            names.add("stage" + i);
          }
        }
        if (!c.has("out_features")) {
          c.putArray("out_features").add("stage" + layers);
        }
        if (!c.has("out_indices")) {
          c.putArray("out_indices").add(layers);
        }
      }
      case TIMM -> {
        ObjectNode args =
            c.has("model_args") && c.get("model_args").isObject()
                ? (ObjectNode) c.get("model_args")
                : c.putObject("model_args");
        args.put("reg_tokens", total);
        if (spec.positionTableHasPrefix()) {
          args.put("no_embed_class", true);
        }
      }
      default -> c.put("num_register_tokens", total);
    }
    return sorted(c);
  }

  private static void putIfAbsent(ObjectNode c, String key, boolean value) {
    if (!c.has(key)) {
      c.put(key, value);
    }
  }

  private static void putIfAbsent(ObjectNode c, String key, double value) {
    if (!c.has(key)) {
      c.put(key, value);
    }
  }

  /** Keys in alphabetical order, as transformers writes them. */
  private static ObjectNode sorted(ObjectNode c) {
    ObjectNode out = JSON.createObjectNode();
    List<String> keys = new ArrayList<>();
    for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
      keys.add(it.next());
    }
    keys.sort(null);
    for (String k : keys) {
      out.set(k, c.get(k));
    }
    return out;
  }
}
