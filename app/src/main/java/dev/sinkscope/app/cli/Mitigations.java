package dev.sinkscope.app.cli;

import dev.sinkscope.inference.mitigation.Mitigation;
import dev.sinkscope.inference.mitigation.MitigationSpecs;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.mitigation.NeuronMap;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Parses repeated --mitigation SPEC options into one stack. */
final class Mitigations {
  private Mitigations() {}

  static MitigationStack parse(List<String> specs, Path neurons) throws IOException {
    List<Mitigation> list = new ArrayList<>();
    for (String spec : specs) {
      list.add(MitigationSpecs.parse(spec, () -> neurons == null ? null : NeuronMap.read(neurons)));
    }
    return new MitigationStack(list);
  }
}
