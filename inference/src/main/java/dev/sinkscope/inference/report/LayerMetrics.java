package dev.sinkscope.inference.report;

import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.LayerSummary;
import dev.sinkscope.inference.result.TokenLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The per-block metrics the CLI writes as JSON and CSV, taken from the analysis' {@link
 * LayerSummary} rows. A metric whose input was not captured (attention, CLS token) is null, never
 * NaN, so the JSON stays standard. JSON keys and CSV column names are the record component names
 * ({@link #COLUMNS}).
 *
 * @param block 1-based block number
 * @param patchNormMin smallest patch-token L2 norm (CLS and registers excluded)
 * @param patchNormMedian median patch norm
 * @param patchNormMax largest patch norm
 * @param maxOverMedian {@code patchNormMax / patchNormMedian}
 * @param artifactRule detection rule that decided (ABSOLUTE, MEDIAN_RATIO, ROBUST_Z, BIMODAL_SPLIT)
 * @param artifactVerdict its verdict (ARTIFACTS_FOUND, NO_ARTIFACTS, UNIMODAL_NO_ARTIFACTS,
 *     NO_THRESHOLD)
 * @param artifactThreshold its cut in norm units (strict {@code >}); null without one
 * @param artifactCount artifact patches
 * @param artifactFraction artifact patches / patches
 * @param sinkMassOnArtifacts share of the head-mean received attention that lands on the artifact
 *     patches
 * @param clsCaptureOnArtifacts share of the head-mean CLS attention row on the artifact patches
 * @param clsCaptureOnRegisters share of the head-mean CLS attention row on trained and test-time
 *     registers
 * @param topSinkToken token receiving the most attention (sequence index)
 * @param topSinkKind what that token is (CLS, REGISTER, PATCH, TEST_TIME_REGISTER, DISTILLATION)
 * @param topSinkRatio its {@code T · received} (1 = uniform attention)
 * @param massiveActivationCount residual entries passing the massive-activation cuts
 */
public record LayerMetrics(
    int block,
    Double patchNormMin,
    Double patchNormMedian,
    Double patchNormMax,
    Double maxOverMedian,
    String artifactRule,
    String artifactVerdict,
    Double artifactThreshold,
    int artifactCount,
    Double artifactFraction,
    Double sinkMassOnArtifacts,
    Double clsCaptureOnArtifacts,
    Double clsCaptureOnRegisters,
    Integer topSinkToken,
    String topSinkKind,
    Double topSinkRatio,
    int massiveActivationCount) {

  /**
   * One output column.
   *
   * @param name JSON key and CSV header
   * @param value reads it from a row
   * @param numeric whether a before/after comparison reports {@code after − before} for it
   */
  public record Column(String name, Function<LayerMetrics, Object> value, boolean numeric) {}

  /** All columns in output order. */
  public static final List<Column> COLUMNS =
      List.of(
          new Column("block", LayerMetrics::block, false),
          new Column("patchNormMin", LayerMetrics::patchNormMin, true),
          new Column("patchNormMedian", LayerMetrics::patchNormMedian, true),
          new Column("patchNormMax", LayerMetrics::patchNormMax, true),
          new Column("maxOverMedian", LayerMetrics::maxOverMedian, true),
          new Column("artifactRule", LayerMetrics::artifactRule, false),
          new Column("artifactVerdict", LayerMetrics::artifactVerdict, false),
          new Column("artifactThreshold", LayerMetrics::artifactThreshold, true),
          new Column("artifactCount", LayerMetrics::artifactCount, true),
          new Column("artifactFraction", LayerMetrics::artifactFraction, true),
          new Column("sinkMassOnArtifacts", LayerMetrics::sinkMassOnArtifacts, true),
          new Column("clsCaptureOnArtifacts", LayerMetrics::clsCaptureOnArtifacts, true),
          new Column("clsCaptureOnRegisters", LayerMetrics::clsCaptureOnRegisters, true),
          new Column("topSinkToken", LayerMetrics::topSinkToken, false),
          new Column("topSinkKind", LayerMetrics::topSinkKind, false),
          new Column("topSinkRatio", LayerMetrics::topSinkRatio, true),
          new Column("massiveActivationCount", LayerMetrics::massiveActivationCount, true));

  /** One row per block of {@code report}, block 1 first. */
  public static List<LayerMetrics> of(AnalysisReport report) {
    List<LayerMetrics> rows = new ArrayList<>();
    for (LayerSummary s : report.summaries()) {
      rows.add(of(s, report.layout()));
    }
    return List.copyOf(rows);
  }

  public static LayerMetrics of(LayerSummary s, TokenLayout layout) {
    boolean hasSink = s.topSinkToken() >= 0;
    return new LayerMetrics(
        s.block(),
        finite(s.patchNormMin()),
        finite(s.patchNormMedian()),
        finite(s.patchNormMax()),
        finite(s.maxOverMedian()),
        s.appliedRule() == null ? null : s.appliedRule().name(),
        s.verdict() == null ? null : s.verdict().name(),
        finite(s.artifactThreshold()),
        s.artifactCount(),
        finite(s.artifactFraction()),
        finite(s.sinkMassOnArtifacts()),
        finite(s.clsCaptureOnArtifacts()),
        finite(s.clsCaptureOnRegisters()),
        hasSink ? s.topSinkToken() : null,
        hasSink ? layout.kindOf(s.topSinkToken()).name() : null,
        hasSink ? finite(s.topSinkRatio()) : null,
        s.massiveActivationCount());
  }

  /** The value of column {@code name} as a number, or null. */
  public Double number(String name) {
    for (Column c : COLUMNS) {
      if (c.name().equals(name)) {
        Object v = c.value().apply(this);
        return v instanceof Number n ? n.doubleValue() : null;
      }
    }
    throw new IllegalArgumentException("no column " + name);
  }

  static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
