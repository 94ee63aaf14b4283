package dev.sinkscope.inference.mitigation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sinkscope.inference.model.ModelSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Register neurons for test-time registers: 0-based (block, MLP hidden unit) pairs. Read and
 * written in the {@code ttr.json} format ({@code "register_neurons": [[layer, neuron], ...]}).
 *
 * @param source where the map came from (file, preset, discovery run), for display
 */
public record NeuronMap(List<RegisterNeuron> neurons, String source) {

  /** One register neuron. */
  public record RegisterNeuron(int layer, int neuron) {}

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public NeuronMap {
    neurons = List.copyOf(neurons);
    if (neurons.isEmpty()) {
      throw new IllegalArgumentException("a neuron map needs at least one [layer, neuron] pair");
    }
  }

  /** Neurons grouped by layer, layers ascending, neuron order as listed. */
  public Map<Integer, int[]> byLayer() {
    Map<Integer, List<Integer>> grouped = new TreeMap<>();
    for (RegisterNeuron n : neurons) {
      grouped.computeIfAbsent(n.layer(), l -> new ArrayList<>()).add(n.neuron());
    }
    Map<Integer, int[]> out = new TreeMap<>();
    grouped.forEach((l, list) -> out.put(l, list.stream().mapToInt(Integer::intValue).toArray()));
    return out;
  }

  public int firstLayer() {
    return neurons.stream().mapToInt(RegisterNeuron::layer).min().orElseThrow();
  }

  /** Throws with a user message when the map does not fit {@code model}. */
  public void validate(ModelSpec model) {
    for (RegisterNeuron n : neurons) {
      if (n.layer() < 0 || n.layer() >= model.numLayers()) {
        throw new IllegalArgumentException(
            "neuron map "
                + source
                + ": layer "
                + n.layer()
                + " outside 0.."
                + (model.numLayers() - 1)
                + " of "
                + model.name());
      }
      if (n.neuron() < 0 || n.neuron() >= model.intermediateSize()) {
        throw new IllegalArgumentException(
            "neuron map "
                + source
                + ": neuron "
                + n.neuron()
                + " outside 0.."
                + (model.intermediateSize() - 1)
                + " of "
                + model.name());
      }
    }
  }

  public static NeuronMap read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(JSON.readTree(in), String.valueOf(file.getFileName()));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  static NeuronMap parse(JsonNode root, String source) {
    JsonNode list = root == null ? null : root.get("register_neurons");
    if (list == null || !list.isArray()) {
      throw new IllegalArgumentException(
          "expected a 'register_neurons' list of [layer, neuron] pairs");
    }
    List<RegisterNeuron> neurons = new ArrayList<>();
    for (JsonNode pair : list) {
      if (!pair.isArray()
          || pair.size() != 2
          || !pair.get(0).isIntegralNumber()
          || !pair.get(1).isIntegralNumber()) {
        throw new IllegalArgumentException(
            "register_neurons entry " + pair + " is not a [layer, neuron] pair of integers");
      }
      neurons.add(new RegisterNeuron(pair.get(0).asInt(), pair.get(1).asInt()));
    }
    return new NeuronMap(neurons, source);
  }

  /** Writes the ttr.json format, with the neurons grouped by layer as well for readability. */
  public void write(Path file, Map<String, Object> extra) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode list = root.putArray("register_neurons");
    neurons.forEach(n -> list.addArray().add(n.layer()).add(n.neuron()));
    ObjectNode byLayer = root.putObject("register_neurons_by_layer");
    byLayer()
        .forEach(
            (l, ns) -> {
              ArrayNode a = byLayer.putArray(Integer.toString(l));
              for (int n : ns) {
                a.add(n);
              }
            });
    root.put("layer_index_base", 0);
    extra.forEach((k, v) -> root.set(k, JSON.valueToTree(v)));
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    JSON.writeValue(file.toFile(), root);
  }

  /**
   * The published map for DINOv2 ViT-L/14 (45 neurons in blocks 12-17) that the test-time-registers
   * reference ships for its torch-hub model.
   */
  public static NeuronMap dinov2LargePublished() {
    try (InputStream in = NeuronMap.class.getResourceAsStream("neuron-maps/dinov2-vitl14.json")) {
      return parse(JSON.readTree(in), "published DINOv2 ViT-L/14 map (Jiang et al. 2025)");
    } catch (IOException e) {
      throw new IllegalStateException("bundled neuron map missing", e);
    }
  }

  /** Sorted copy (layer, then neuron), for stable output. */
  public NeuronMap sorted() {
    List<RegisterNeuron> copy = new ArrayList<>(neurons);
    copy.sort(
        Comparator.comparingInt(RegisterNeuron::layer).thenComparingInt(RegisterNeuron::neuron));
    return new NeuronMap(copy, source);
  }
}
