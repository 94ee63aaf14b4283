package dev.sinkscope.inference.model;

import dev.sinkscope.inference.safetensors.TensorInfo;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds keys under a detected prefix and checks shapes; messages name file, key, expected and
 * found.
 */
final class KeyResolver {
  private final Path configFile;
  private final Map<String, WeightRef> weights;
  private final String prefix;
  private final Set<String> used = new LinkedHashSet<>();

  KeyResolver(
      Path configFile, Map<String, WeightRef> weights, List<String> candidates, String anchorKey)
      throws ModelLoadException {
    this.configFile = configFile;
    this.weights = weights;
    String found = null;
    for (String c : candidates) {
      if (weights.containsKey(c + anchorKey)) {
        found = c;
        break;
      }
    }
    if (found == null) {
      Path file = weights.isEmpty() ? configFile : weights.values().iterator().next().file().path();
      throw new ModelLoadException(
          file,
          "missing key '"
              + candidates.get(0)
              + anchorKey
              + "': the weights do not match the layout config.json declares ("
              + tensors(weights.size())
              + ", e.g. "
              + weights.keySet().stream().limit(3).toList()
              + ")");
    }
    this.prefix = found;
  }

  /** The prefix the keys were found under, e.g. {@code "vision_model."}. */
  String prefix() {
    return prefix;
  }

  boolean present(String key) {
    return weights.containsKey(prefix + key);
  }

  Path fileOf(String key) {
    WeightRef r = weights.get(prefix + key);
    return r == null ? configFile : r.file().path();
  }

  TensorInfo info(String key) throws ModelLoadException {
    WeightRef r = weights.get(prefix + key);
    if (r == null) {
      throw missing(key);
    }
    return r.info();
  }

  private ModelLoadException missing(String key) {
    Path file = weights.isEmpty() ? configFile : weights.values().iterator().next().file().path();
    return new ModelLoadException(file, "missing key '" + prefix + key + "'");
  }

  /** Requires {@code key} with exactly {@code shape}. */
  void put(Map<String, WeightRef> canon, String canonical, String key, int... shape)
      throws ModelLoadException {
    WeightRef r = weights.get(prefix + key);
    if (r == null) {
      throw missing(key);
    }
    long[] expected = Arrays.stream(shape).asLongStream().toArray();
    if (!Arrays.equals(expected, r.info().shape())) {
      throw new ModelLoadException(
          r.file().path(),
          "key '"
              + r.key()
              + "' has shape "
              + r.info().shapeString()
              + ", expected "
              + Arrays.toString(expected)
              + " from "
              + configFile.getFileName());
    }
    accept(canon, canonical, r);
  }

  /** Like {@link #put} but a missing key is fine. */
  void putOptional(Map<String, WeightRef> canon, String canonical, String key, int... shape)
      throws ModelLoadException {
    if (present(key)) {
      put(canon, canonical, key, shape);
    }
  }

  /**
   * Requires {@code key} with {@code elements} values in one of the given shapes (leading 1s
   * optional).
   */
  void putFlat(
      Map<String, WeightRef> canon, String canonical, String key, int elements, int... fullShape)
      throws ModelLoadException {
    WeightRef r = weights.get(prefix + key);
    if (r == null) {
      throw missing(key);
    }
    long[] found = r.info().shape();
    long[] expected = Arrays.stream(fullShape).asLongStream().toArray();
    boolean ok =
        r.info().elementCount() == elements
            && found.length <= expected.length
            && Arrays.equals(
                found,
                Arrays.copyOfRange(expected, expected.length - found.length, expected.length));
    if (!ok) {
      throw new ModelLoadException(
          r.file().path(),
          "key '"
              + r.key()
              + "' has shape "
              + r.info().shapeString()
              + ", expected "
              + Arrays.toString(expected)
              + " from "
              + configFile.getFileName());
    }
    accept(canon, canonical, r);
  }

  private void accept(Map<String, WeightRef> canon, String canonical, WeightRef r)
      throws ModelLoadException {
    if (!r.info().dtype().isFloatingPoint()) {
      throw new ModelLoadException(
          r.file().path(),
          "key '"
              + r.key()
              + "' has dtype "
              + r.info().dtype()
              + "; weights must be F32, F16 or BF16");
    }
    canon.put(canonical, r);
    used.add(r.key());
  }

  /**
   * Maps trained attention gates ({@code <module>.weight} [H, D] or [D, D], optional bias) when
   * block 0 has one; then every block must have the same kind.
   */
  AttentionGate attentionGates(
      Map<String, WeightRef> canon,
      int layers,
      int d,
      int heads,
      java.util.function.IntFunction<String> module)
      throws ModelLoadException {
    String first = module.apply(0) + ".weight";
    if (!present(first)) {
      for (int i = 1; i < layers; i++) {
        if (present(module.apply(i) + ".weight")) {
          throw new ModelLoadException(
              fileOf(module.apply(i) + ".weight"),
              "key '"
                  + prefix
                  + module.apply(i)
                  + ".weight' is a trained attention gate, but block 0 has none ('"
                  + prefix
                  + first
                  + "')");
        }
      }
      return AttentionGate.NONE;
    }
    long rows = info(first).shape()[0];
    AttentionGate kind = rows == heads ? AttentionGate.HEADWISE : AttentionGate.ELEMENTWISE;
    int out = kind == AttentionGate.HEADWISE ? heads : d;
    for (int i = 0; i < layers; i++) {
      put(
          canon,
          CanonicalWeights.block(i, BlockWeight.GATE_WEIGHT),
          module.apply(i) + ".weight",
          out,
          d);
      putOptional(
          canon, CanonicalWeights.block(i, BlockWeight.GATE_BIAS), module.apply(i) + ".bias", out);
    }
    return kind;
  }

  int countBlocks(String blockPrefix) {
    TreeMap<Integer, Boolean> seen = new TreeMap<>();
    String p = prefix + blockPrefix;
    for (String k : weights.keySet()) {
      if (k.startsWith(p)) {
        String rest = k.substring(p.length());
        int dot = rest.indexOf('.');
        if (dot > 0) {
          try {
            seen.put(Integer.parseInt(rest.substring(0, dot)), true);
          } catch (NumberFormatException ignored) {
            // not a block index
          }
        }
      }
    }
    return seen.isEmpty() ? 0 : seen.lastKey() + 1;
  }

  /**
   * The weights hold exactly {@code layers} blocks; otherwise config.json and the weights disagree.
   */
  void checkBlockCount(String blockPrefix, int layers) throws ModelLoadException {
    int found = countBlocks(blockPrefix);
    if (found != layers) {
      throw new ModelLoadException(
          configFile,
          "num_hidden_layers is "
              + layers
              + " but the weights have "
              + found
              + " blocks ("
              + (found == 0
                  ? "no " + prefix + blockPrefix + "N.*"
                  : prefix + blockPrefix + "0.." + (found - 1) + ".*")
              + ")");
    }
  }

  /** Marks {@code key}, when present, as known but not needed (not reported as skipped). */
  void expectUnused(String key) {
    if (present(key)) {
      used.add(prefix + key);
    }
  }

  void reportIgnored(Map<String, WeightRef> canon, List<String> warnings) {
    long ignored = weights.keySet().stream().filter(k -> !used.contains(k)).count();
    if (ignored > 0) {
      List<String> examples =
          weights.keySet().stream().filter(k -> !used.contains(k)).limit(4).toList();
      warnings.add(
          tensors(ignored)
              + " not used by the vision encoder "
              + (ignored == 1 ? "was" : "were")
              + " skipped, e.g. "
              + examples);
    }
  }

  /** "1 tensor", "2 tensors". */
  static String tensors(long count) {
    return count + (count == 1 ? " tensor" : " tensors");
  }
}
