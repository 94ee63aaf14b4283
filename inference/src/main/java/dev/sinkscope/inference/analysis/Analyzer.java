package dev.sinkscope.inference.analysis;

import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.result.ClsLikeQuery;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.LayerCapture;
import dev.sinkscope.inference.result.TokenLayout;
import dev.sinkscope.inference.work.HeavyWork;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Entry point: turns one {@link ForwardResult} into an {@link AnalysisReport}. Works with full
 * attention maps, with the summaries a capture kept instead ({@link LayerCapture#summary()}; the
 * same numbers to float summation order, ADR 0015), with precomputed {@link LayerAttentionSummary
 * summaries}, or with none (norm, artifact, massive-activation and PCA parts only).
 */
public final class Analyzer {

  private Analyzer() {}

  public static AnalysisReport analyze(ForwardResult result) {
    return analyze(result, AnalysisOptions.defaults());
  }

  public static AnalysisReport analyze(ForwardResult result, DetectionOptions detection) {
    return analyze(result, AnalysisOptions.defaults().withDetection(detection));
  }

  public static AnalysisReport analyze(ForwardResult result, AnalysisOptions options) {
    return analyze(result, options, List.of());
  }

  /**
   * @param precomputed summaries for blocks whose capture has no full attention map; a block with a
   *     full map always uses the map
   */
  public static AnalysisReport analyze(
      ForwardResult result, AnalysisOptions options, List<LayerAttentionSummary> precomputed) {
    return complete(firstPicture(result, options), result, precomputed);
  }

  /**
   * The part of {@link #analyze} a patch-norm picture needs (its heatmap, artifact rings, colour
   * bar and norm inspector): the rule-A threshold, the norm analysis and artifact detection of
   * every block, and the emergence block; a few per cent of the full analysis. Everything else is
   * absent: sink metrics and scores null, no massive activations (empty list), no CLS maps, rollout
   * or PCA, and the rows carry NaN sink metrics and zero massive activations. {@link #complete}
   * adds the rest; a report is complete when its options ask for nothing it lacks, so callers keep
   * track of which one they hold.
   */
  public static AnalysisReport firstPicture(ForwardResult result, AnalysisOptions options) {
    HeavyWork.starts(HeavyWork.Kind.ANALYSIS);
    TokenLayout layout = result.layout();
    List<LayerCapture> captures = sortedCaptures(result);
    List<String> notes = new ArrayList<>();
    ModelSpec spec = result.spec();

    // rule-A threshold: explicit, else preset, else none
    Optional<ThresholdPreset> preset =
        spec == null ? Optional.empty() : ThresholdPresets.forModel(spec);
    double tau = options.detection().absoluteThreshold();
    if (Double.isNaN(tau)) {
      if (preset.isPresent()) {
        tau = preset.get().threshold();
        notes.add(
            String.format(
                Locale.ROOT,
                "rule A uses the %s preset tau = %.4g (set for block %d), at every block",
                preset.get().name(),
                tau,
                preset.get().referenceBlock()));
      } else {
        notes.add("rule A: no preset for this model and no threshold given");
      }
    }

    List<LayerNormAnalysis> norms = new ArrayList<>();
    for (LayerCapture capture : captures) {
      norms.add(
          PatchNormAnalyzer.analyze(
              capture.block(), capture.tokenNorms(), layout, options.detection(), tau));
    }
    EmergenceLayer emergence = EmergenceLayer.fromNorms(norms, options.detection());
    return new AnalysisReport(
        spec == null ? "" : spec.name(),
        spec == null ? null : spec.family(),
        layout,
        options,
        preset.orElse(null),
        tau,
        summaries(norms, null, List.of()),
        List.copyOf(norms),
        emergence,
        null,
        null,
        List.of(),
        null,
        null,
        null,
        List.copyOf(notes));
  }

  /**
   * The whole analysis from its first part: {@code first} must be {@link #firstPicture} of {@code
   * result} (its options are used). Equal to {@link #analyze} of the same arguments.
   *
   * @param precomputed as for {@link #analyze(ForwardResult, AnalysisOptions, List)}
   */
  public static AnalysisReport complete(
      AnalysisReport first, ForwardResult result, List<LayerAttentionSummary> precomputed) {
    HeavyWork.starts(HeavyWork.Kind.ANALYSIS);
    TokenLayout layout = result.layout();
    List<LayerCapture> captures = sortedCaptures(result);
    if (first.norms().size() != captures.size() || !first.layout().equals(layout)) {
      throw new IllegalArgumentException("the first part belongs to another pass");
    }
    int lastBlock = captures.get(captures.size() - 1).block();
    AnalysisOptions options = first.options();
    List<String> notes = new ArrayList<>(first.notes());
    List<LayerNormAnalysis> norms = first.norms();

    // attention summaries for the chosen query set, and ALL-query ones for the Gu metric
    QuerySet querySet = options.sinks().querySet();
    Map<Integer, LayerAttentionSummary> precomputedByBlock = new HashMap<>();
    precomputed.forEach(s -> precomputedByBlock.put(s.block(), s));
    List<LayerAttentionSummary> summaries = new ArrayList<>();
    List<LayerAttentionSummary> allQuerySummaries = new ArrayList<>();
    for (LayerCapture capture : captures) {
      int block = capture.block();
      if (capture.attention() != null) {
        LayerAttentionSummary s =
            LayerAttentionSummary.fromAttention(
                block, capture.attention(), layout, querySet, false);
        summaries.add(s);
        allQuerySummaries.add(
            querySet == QuerySet.ALL
                ? s
                : LayerAttentionSummary.fromAttention(
                    block, capture.attention(), layout, QuerySet.ALL, false));
        continue;
      }
      if (capture.summary() != null) {
        // a summary pass gives every query set exactly, so both the chosen set and ALL are
        // available
        LayerAttentionSummary s = LayerAttentionSummary.fromSummary(capture.summary(), querySet);
        summaries.add(s);
        allQuerySummaries.add(
            querySet == QuerySet.ALL
                ? s
                : LayerAttentionSummary.fromSummary(capture.summary(), QuerySet.ALL));
        precomputedByBlock.putIfAbsent(block, s);
        continue;
      }
      LayerAttentionSummary s = precomputedByBlock.get(block);
      if (s == null) {
        notes.add("block " + block + ": no attention captured; sink and CLS metrics skipped there");
        continue;
      }
      if (s.querySet() == QuerySet.ALL) {
        allQuerySummaries.add(s);
      }
      if (s.querySet() == querySet) {
        summaries.add(s);
      } else if (querySet == QuerySet.CLS_ONLY && s.clsRow() != null) {
        // the CLS row is the received attention for the query set {CLS}
        summaries.add(
            new LayerAttentionSummary(
                block,
                s.heads(),
                s.tokens(),
                QuerySet.CLS_ONLY,
                s.clsRow().clone(),
                s.clsRow(),
                s.headMean()));
      } else {
        notes.add(
            "block "
                + block
                + ": summary has query set "
                + s.querySet()
                + ", options ask for "
                + querySet
                + "; sink metrics skipped there");
      }
    }

    ClsLikeQuery query = result.clsLikeQuery();
    attachProbeRow(query, summaries, notes);

    SinkAnalysis sinkAnalysis = null;
    if (!summaries.isEmpty()) {
      List<Integer> summarised = summaries.stream().map(LayerAttentionSummary::block).toList();
      List<Integer> withAll = allQuerySummaries.stream().map(LayerAttentionSummary::block).toList();
      int[] selected =
          options.sinks().blocks().length > 0
              ? options.sinks().blocks()
              : summarised.stream().mapToInt(Integer::intValue).toArray();
      boolean guAvailable = Arrays.stream(selected).allMatch(withAll::contains);
      if (!guAvailable) {
        notes.add(
            "Gu head fraction skipped: it needs query set ALL received attention at every selected block");
      }
      sinkAnalysis =
          SinkAnalyzer.analyze(
              layout, summaries, guAvailable ? allQuerySummaries : null, norms, options.sinks());
    } else {
      notes.add("no attention at any block: sink scores skipped");
    }

    List<LayerMassiveActivations> massive = new ArrayList<>();
    for (LayerCapture capture : captures) {
      massive.add(
          MassiveActivationFinder.find(
              capture.block(), capture.hidden(), layout, options.massiveActivations()));
    }

    ClsAttentionMaps clsMaps =
        clsMaps(
            options.clsAttention(), lastBlock, layout, summaries, precomputedByBlock, query, notes);
    RolloutMap rollout =
        rollout(options.rollout(), captures, layout, precomputedByBlock, query, notes);
    PatchPca pca = pca(options.pca(), result, captures, lastBlock, layout, notes);

    List<LayerSummary> rows = summaries(norms, sinkAnalysis, massive);
    return new AnalysisReport(
        first.model(),
        first.family(),
        layout,
        options,
        first.thresholdPreset(),
        first.absoluteThreshold(),
        rows,
        norms,
        first.emergence(),
        sinkAnalysis == null ? null : sinkAnalysis.layers(),
        sinkAnalysis == null ? null : sinkAnalysis.scores(),
        List.copyOf(massive),
        clsMaps,
        rollout,
        pca,
        List.copyOf(notes));
  }

  private static List<LayerCapture> sortedCaptures(ForwardResult result) {
    List<LayerCapture> captures = new ArrayList<>(result.layers());
    if (captures.isEmpty()) {
      throw new IllegalArgumentException("the forward result has no blocks");
    }
    captures.sort((a, b) -> Integer.compare(a.block(), b.block()));
    return captures;
  }

  // ---- models without CLS: the pooling probe's row stands in for CLS's (see ClsLikeQuery)

  /**
   * For a model that pools with a probe, puts the probe's attention in as the CLS-like row of the
   * last block's summary, so CLS capture metrics read it there; other blocks have no such row.
   */
  private static void attachProbeRow(
      ClsLikeQuery query, List<LayerAttentionSummary> summaries, List<String> notes) {
    if (!query.isProbe()) {
      if (!query.exists()) {
        notes.add(
            "no CLS token and no pooling probe: CLS attention, CLS capture and rollout skipped");
      }
      return;
    }
    int block = query.probeBlock();
    float[] probe = query.rows(block);
    for (int i = 0; i < summaries.size(); i++) {
      LayerAttentionSummary s = summaries.get(i);
      if (s.block() == block && probe != null && probe.length == s.heads() * s.tokens()) {
        summaries.set(
            i,
            new LayerAttentionSummary(
                s.block(), s.heads(), s.tokens(), s.querySet(), s.received(), probe, s.headMean()));
      }
    }
    notes.add(
        "no CLS token: CLS attention, CLS capture and rollout use the pooling probe's attention over the "
            + "output of block "
            + block
            + " (pooling-probe attention); earlier blocks have no CLS-like row");
  }

  private static ClsAttentionMaps clsMaps(
      ClsAttentionOptions options,
      int lastBlock,
      TokenLayout layout,
      List<LayerAttentionSummary> summaries,
      Map<Integer, LayerAttentionSummary> precomputed,
      ClsLikeQuery query,
      List<String> notes) {
    if (!query.exists()) {
      notes.add("no CLS token: CLS attention maps skipped");
      return null;
    }
    if (query.isProbe()) {
      int block = options.block() == 0 ? lastBlock : options.block();
      float[] probe = query.rows(block);
      if (probe == null) {
        notes.add(
            "block "
                + block
                + ": the pooling probe reads only the last block's output; CLS attention maps "
                + "skipped");
        return null;
      }
      return ClsAttention.maps(
          block, probe, probe.length / layout.totalTokens(), layout, options.keptMass());
    }
    int block = options.block() == 0 ? lastBlock : options.block();
    LayerAttentionSummary source =
        summaries.stream()
            .filter(s -> s.block() == block)
            .findFirst()
            .orElse(precomputed.get(block));
    if (source == null || source.clsRow() == null) {
      notes.add("block " + block + ": no CLS attention row; CLS attention maps skipped");
      return null;
    }
    return ClsAttention.maps(block, source.clsRow(), source.heads(), layout, options.keptMass());
  }

  private static RolloutMap rollout(
      RolloutOptions options,
      List<LayerCapture> captures,
      TokenLayout layout,
      Map<Integer, LayerAttentionSummary> precomputed,
      ClsLikeQuery query,
      List<String> notes) {
    if (!options.enabled()) {
      return null;
    }
    if (!query.exists()) {
      notes.add("no CLS token: rollout skipped");
      return null;
    }
    HeadFusion fusion = options.mode() == RolloutMode.PAPER ? HeadFusion.MEAN : options.fusion();
    List<float[]> fused = new ArrayList<>();
    for (LayerCapture capture : captures) {
      if (capture.attention() != null) {
        fused.add(AttentionRollout.fuseHeads(capture.attention(), fusion));
        continue;
      }
      LayerAttentionSummary s = precomputed.get(capture.block());
      if (s != null && s.headMean() != null && fusion == HeadFusion.MEAN) {
        fused.add(s.headMean());
        continue;
      }
      notes.add(
          "block "
              + capture.block()
              + ": no "
              + fusion.name().toLowerCase(Locale.ROOT)
              + "-fused attention; rollout needs every block and was skipped");
      return null;
    }
    if (query.isProbe()) {
      float[] probe = query.rows(query.probeBlock()); // [H, T]
      if (probe == null) {
        notes.add("no pooling-probe attention: rollout skipped");
        return null;
      }
      return AttentionRollout.rolloutFrom(
          AttentionRollout.fuseRows(probe, layout.totalTokens(), fusion), fused, layout, options);
    }
    return AttentionRollout.rollout(fused, layout, options);
  }

  private static PatchPca pca(
      PcaOptions options,
      ForwardResult result,
      List<LayerCapture> captures,
      int lastBlock,
      TokenLayout layout,
      List<String> notes) {
    if (!options.enabled()) {
      return null;
    }
    FloatTensor tokens;
    int block;
    if (options.features() == PcaFeatures.LAST_HIDDEN_STATE) {
      tokens = result.lastHiddenState();
      block = 0;
      if (tokens == null) {
        notes.add("no last hidden state: PCA skipped");
        return null;
      }
    } else {
      block = options.block() == 0 ? lastBlock : options.block();
      tokens =
          captures.stream()
              .filter(c -> c.block() == block)
              .findFirst()
              .map(LayerCapture::hidden)
              .orElse(null);
      if (tokens == null) {
        notes.add("block " + block + " not captured: PCA skipped");
        return null;
      }
    }
    if (layout.patchCount() < 2) {
      notes.add("fewer than two patches: PCA skipped");
      return null;
    }
    return PatchFeaturePca.compute(
        tokens,
        layout,
        options.features(),
        block,
        options.refitOnForeground(),
        options.zeroBackground());
  }

  private static List<LayerSummary> summaries(
      List<LayerNormAnalysis> norms, SinkAnalysis sinks, List<LayerMassiveActivations> massive) {
    Map<Integer, LayerSinkAnalysis> sinkByBlock = new HashMap<>();
    if (sinks != null) {
      sinks.layers().forEach(l -> sinkByBlock.put(l.block(), l));
    }
    Map<Integer, LayerMassiveActivations> massiveByBlock = new HashMap<>();
    massive.forEach(m -> massiveByBlock.put(m.block(), m));
    List<LayerSummary> rows = new ArrayList<>();
    for (LayerNormAnalysis n : norms) {
      LayerSinkAnalysis s = sinkByBlock.get(n.block());
      ArtifactDetection a = n.artifacts();
      PatchNormStats stats = n.patchNorms();
      LayerMassiveActivations m = massiveByBlock.get(n.block());
      rows.add(
          new LayerSummary(
              n.block(),
              stats.min(),
              stats.median(),
              stats.max(),
              stats.maxOverMedian(),
              a.requestedRule(),
              a.appliedRule(),
              a.verdict(),
              a.threshold(),
              a.count(),
              a.fraction(),
              s == null ? Double.NaN : s.sinkMassOnArtifacts(),
              s == null ? Double.NaN : s.clsCaptureOnArtifacts(),
              s == null
                  ? Double.NaN
                  : s.clsCaptureOnRegisters() + s.clsCaptureOnTestTimeRegisters(),
              s == null ? -1 : s.topSinkToken(),
              s == null ? Double.NaN : s.topSinkRatio(),
              m == null ? 0 : m.count()));
    }
    return List.copyOf(rows);
  }
}
