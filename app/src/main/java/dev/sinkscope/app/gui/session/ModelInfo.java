package dev.sinkscope.app.gui.session;

import dev.sinkscope.inference.model.ModelSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * What the GUI shows about a loaded model.
 *
 * @param location where it was opened from
 * @param folder the resolved folder
 * @param spec architecture
 * @param device where it runs, e.g. "cpu (PyTorch 2.5.1, 2 threads)"
 * @param warnings load notes from the checkpoint reader
 * @param synthetic true for the hand-wired sink phantom (not a trained model)
 */
public record ModelInfo(ModelLocation location, Path folder, ModelSpec spec, String device, List<String> warnings,
    boolean synthetic) {

  public ModelInfo {
    warnings = List.copyOf(warnings);
  }

  public String displayName() {
    return location.displayName();
  }
}
