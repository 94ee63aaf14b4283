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
public record ModelInfo(
    ModelLocation location,
    Path folder,
    ModelSpec spec,
    String device,
    List<String> warnings,
    boolean synthetic) {

  public ModelInfo {
    warnings = List.copyOf(warnings);
  }

  public String displayName() {
    return location.displayName();
  }

  /**
   * The checkpoint's warnings plus, when the folder has no {@code preprocessor_config.json}, a note
   * saying where the preprocessing came from instead (a timm config or the family's defaults), so a
   * silent fallback is not mistaken for the model's own settings.
   */
  public static List<String> withPreprocessingNote(
      List<String> warnings, Path folder, String preprocessingSource) {
    if (java.nio.file.Files.isRegularFile(folder.resolve("preprocessor_config.json"))) {
      return warnings;
    }
    List<String> out = new java.util.ArrayList<>(warnings);
    out.add("Preprocessing: " + preprocessingSource);
    return List.copyOf(out);
  }
}
