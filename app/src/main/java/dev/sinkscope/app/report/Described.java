package dev.sinkscope.app.report;

import dev.sinkscope.inference.mitigation.Mitigation;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.report.ImageReference;
import dev.sinkscope.inference.report.ModelReference;
import dev.sinkscope.inference.result.ForwardResult;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/** Small JSON records that say what a command ran on. */
public final class Described {
  private Described() {}

  /**
   * The model.
   *
   * @param argument the --model argument
   * @param source folder, hub or bundled
   * @param id hub repo id or bundled name (null for a folder)
   * @param revision hub commit (null otherwise)
   * @param family model family
   * @param summary architecture in one line
   * @param blocks number of transformer blocks
   * @param heads attention heads per block
   */
  public record ModelInfo(
      String argument,
      String source,
      String id,
      String revision,
      String family,
      String summary,
      int blocks,
      int heads) {
    public static ModelInfo of(
        String argument, ModelReference.Source source, String id, String revision, ModelSpec spec) {
      return new ModelInfo(
          argument,
          source.name().toLowerCase(Locale.ROOT),
          id,
          revision,
          spec.family().name(),
          spec.summary(),
          spec.numLayers(),
          spec.numHeads());
    }
  }

  /**
   * One mitigation.
   *
   * @param spec its SPEC text
   * @param provenance EXACT, REFERENCE_CODE, PROPOSAL or INFERENCE_TIME_SUBSTITUTION
   * @param provenanceLabel the same in words
   * @param description what it does, in one line
   */
  public record MitigationInfo(
      String spec, String provenance, String provenanceLabel, String description) {
    public static MitigationInfo of(Mitigation m) {
      return new MitigationInfo(
          m.spec(), m.provenance().name(), m.provenance().label(), m.description());
    }

    public static List<MitigationInfo> of(MitigationStack stack) {
      return stack.mitigations().stream().map(MitigationInfo::of).toList();
    }
  }

  /**
   * The input.
   *
   * @param file the image or pixel file name
   * @param sha256 SHA-256 of the file
   * @param height model input height in pixels
   * @param width model input width
   * @param gridRows patch rows
   * @param gridCols patch columns
   */
  public record InputInfo(
      String file, String sha256, int height, int width, int gridRows, int gridCols) {
    public static InputInfo of(ImageInput input, ForwardResult result) throws IOException {
      int[] s = input.pixels().shape();
      return new InputInfo(
          input.name(),
          ImageReference.of(input.file(), input.name()).sha256(),
          s[2],
          s[3],
          result.layout().gridRows(),
          result.layout().gridCols());
    }
  }
}
