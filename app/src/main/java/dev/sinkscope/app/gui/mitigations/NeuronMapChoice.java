package dev.sinkscope.app.gui.mitigations;

import dev.sinkscope.inference.mitigation.NeuronMap;
import java.util.Objects;

/**
 * A register-neuron map offered in the test-time-registers box.
 *
 * @param label menu text
 * @param map the neurons
 */
public record NeuronMapChoice(String label, NeuronMap map) {

  public NeuronMapChoice {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(map, "map");
  }

  @Override
  public String toString() {
    return label;
  }
}
