package dev.sinkscope.inference.model;

import dev.sinkscope.inference.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A validated model folder: the spec derived from its config and, for every weight the forward pass
 * needs, where to read it. Canonical weight names are listed in {@link CanonicalWeights}. Holds the
 * safetensors files open (memory-mapped) until closed.
 */
public final class Checkpoint implements AutoCloseable {
  private final Path folder;
  private final ModelSpec spec;
  private final Map<String, WeightRef> weights;
  private final List<SafetensorsFile> files;
  private final List<String> warnings;

  Checkpoint(
      Path folder,
      ModelSpec spec,
      Map<String, WeightRef> weights,
      List<SafetensorsFile> files,
      List<String> warnings) {
    this.folder = folder;
    this.spec = spec;
    this.weights = Map.copyOf(weights);
    this.files = List.copyOf(files);
    this.warnings = List.copyOf(warnings);
  }

  public Path folder() {
    return folder;
  }

  public ModelSpec spec() {
    return spec;
  }

  /** Canonical name to location. */
  public Map<String, WeightRef> weights() {
    return weights;
  }

  public boolean has(String canonicalName) {
    return weights.containsKey(canonicalName);
  }

  public WeightRef weight(String canonicalName) {
    WeightRef ref = weights.get(canonicalName);
    if (ref == null) {
      throw new IllegalArgumentException("checkpoint has no weight " + canonicalName);
    }
    return ref;
  }

  /** Things worth telling the user that did not stop the load (ignored keys, dtype widening). */
  public List<String> warnings() {
    return warnings;
  }

  /** Total bytes of the weights in use, as stored. */
  public long storedBytes() {
    return weights.values().stream().mapToLong(w -> w.info().byteLength()).sum();
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (SafetensorsFile f : files) {
      try {
        f.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
