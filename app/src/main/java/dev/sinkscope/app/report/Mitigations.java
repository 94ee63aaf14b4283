package dev.sinkscope.app.report;

import dev.sinkscope.inference.mitigation.Mitigation;
import dev.sinkscope.inference.mitigation.MitigationSpecs;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.mitigation.NeuronMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Parses repeated --mitigation SPEC options into one stack. */
public final class Mitigations {
  /**
   * Files in a model folder that carry a register-neuron map ({@code "register_neurons"}), in order
   * of preference.
   */
  public static final List<String> MODEL_NEURON_MAPS = List.of("ttr.json", "phantom.json");

  private Mitigations() {}

  public static MitigationStack parse(List<String> specs, Path neurons) throws IOException {
    return parse(specs, neurons, null);
  }

  /**
   * As {@link #parse(List, Path)}; a {@code ttr} SPEC without {@code neurons=} and without {@code
   * --neurons} takes the map shipped in the model folder ({@code ttr.json} or the phantom's {@code
   * phantom.json}), when there is one.
   */
  public static MitigationStack parse(List<String> specs, Path neurons, Path modelFolder)
      throws IOException {
    Path map = neurons != null ? neurons : modelNeuronMap(modelFolder).orElse(null);
    List<Mitigation> list = new ArrayList<>();
    for (String spec : specs) {
      list.add(MitigationSpecs.parse(spec, () -> map == null ? null : NeuronMap.read(map)));
    }
    return new MitigationStack(list);
  }

  /** The register-neuron map a model folder ships, if any. */
  public static Optional<Path> modelNeuronMap(Path modelFolder) {
    if (modelFolder == null) {
      return Optional.empty();
    }
    for (String name : MODEL_NEURON_MAPS) {
      Path file = modelFolder.resolve(name);
      if (Files.isRegularFile(file)) {
        try {
          NeuronMap.read(file);
          return Optional.of(file);
        } catch (IOException e) {
          // not a neuron map (e.g. a phantom.json without one): keep looking
        }
      }
    }
    return Optional.empty();
  }
}
