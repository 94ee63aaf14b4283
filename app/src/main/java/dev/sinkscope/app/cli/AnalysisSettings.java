package dev.sinkscope.app.cli;

import dev.sinkscope.inference.analysis.AnalysisOptions;
import dev.sinkscope.inference.analysis.ClsAttentionOptions;
import dev.sinkscope.inference.analysis.DetectionOptions;
import dev.sinkscope.inference.analysis.DetectionRule;
import dev.sinkscope.inference.analysis.PcaOptions;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Artifact detection options shared by the commands that count artifacts. */
final class AnalysisSettings {
  @Option(
      names = "--rule",
      paramLabel = "RULE",
      defaultValue = "bimodal",
      description =
          "Artifact rule (methods §1.3): absolute (norm > --tau or the model's preset), median-ratio "
              + "(> 3 x median), robust-z (z > 3.5), bimodal (Otsu split of log norms). Default: ${DEFAULT-VALUE}.")
  String rule;

  @Option(
      names = "--tau",
      paramLabel = "T",
      description =
          "Threshold for --rule absolute, in norm units (default: the model's published preset).")
  Double tau;

  /** The analysis the CLI runs: the library defaults without the PCA view, with this rule. */
  AnalysisOptions options() {
    DetectionOptions detection = DetectionOptions.defaults().withRule(parseRule(rule));
    if (tau != null) {
      detection = detection.withAbsoluteThreshold(tau);
    }
    return defaults().withDetection(detection);
  }

  static AnalysisOptions defaults() {
    return AnalysisOptions.defaults().withPca(PcaOptions.disabled());
  }

  /** Defaults, with the CLS maps taken at {@code block}. */
  static AnalysisOptions withClsBlock(AnalysisOptions options, int block) {
    return options.withClsAttention(
        new ClsAttentionOptions(block, ClsAttentionOptions.defaults().keptMass()));
  }

  static DetectionRule parseRule(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "absolute", "a" -> DetectionRule.ABSOLUTE;
      case "median-ratio", "b" -> DetectionRule.MEDIAN_RATIO;
      case "robust-z", "c" -> DetectionRule.ROBUST_Z;
      case "bimodal", "bimodal-split", "d" -> DetectionRule.BIMODAL_SPLIT;
      default ->
          throw new IllegalArgumentException(
              "unknown --rule '" + text + "' (absolute, median-ratio, robust-z, bimodal)");
    };
  }
}
