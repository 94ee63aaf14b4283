package dev.sinkscope.app.report;

import dev.sinkscope.inference.analysis.AnalysisReport;
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

  /**
   * Whole-pass results of one analysed pass.
   *
   * @param device where it ran
   * @param synthetic whether the model is the bundled sink phantom (planted, untrained weights)
   * @param detectionRule the artifact rule chosen (AUTO picks one per block; see each layer's
   *     {@code artifactRule})
   * @param emergenceBlock 1-based block where artifacts first appear; null when they never do
   * @param sinkMassOnArtifacts whole-pass share of received attention on artifact patches; null
   *     without attention
   * @param clsCaptureOnArtifacts whole-pass share of the CLS row on artifact patches; null without
   *     attention or CLS
   * @param clsCaptureOnRegisters whole-pass share of the CLS row on registers; null likewise
   * @param notes what the analysis skipped and why
   */
  public record PassInfo(
      String device,
      boolean synthetic,
      String detectionRule,
      Integer emergenceBlock,
      Double sinkMassOnArtifacts,
      Double clsCaptureOnArtifacts,
      Double clsCaptureOnRegisters,
      List<String> notes) {
    public static PassInfo of(String device, boolean synthetic, AnalysisReport report) {
      var sinks = report.sinks();
      return new PassInfo(
          device,
          synthetic,
          report.options().detection().rule().name(),
          report.emergence() != null && report.emergence().found()
              ? report.emergence().block()
              : null,
          sinks == null ? null : finite(sinks.sinkMassOnArtifacts()),
          sinks == null ? null : finite(sinks.clsCaptureOnArtifacts()),
          sinks == null ? null : finite(sinks.clsCaptureOnRegisters()),
          List.copyOf(report.notes()));
    }
  }

  /**
   * What the last block shows while shift/flip denoising is on (the app only; a session does not
   * record denoising, so {@code report} writes null).
   *
   * @param spec as the {@code denoise} command names it, e.g. {@code denoise:views=8,seed=0}
   * @param views forward passes averaged
   * @param seed seed of the view choice
   * @param patchNorms L2 norm of each patch's averaged final feature, row-major over the grid
   * @param changeFromSinglePass per patch, {@code ||x - x_avg||} against the single pass
   */
  public record FinalFeaturesInfo(
      String spec, int views, long seed, float[] patchNorms, float[] changeFromSinglePass) {}

  /** SHA-256 of {@code bytes} as 64 lower-case hex digits. */
  public static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
