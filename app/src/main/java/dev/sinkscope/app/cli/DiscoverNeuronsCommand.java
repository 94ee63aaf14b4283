package dev.sinkscope.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.mitigation.NeuronDiscovery;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.pipeline.InspectionPipeline;
import dev.sinkscope.inference.preprocess.ImageLoadException;
import dev.sinkscope.inference.preprocess.PreprocessPipeline;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.session.ModelSession;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code discover-neurons}: register-neuron discovery (test-time registers, methods §2.1) over a
 * folder of photos.
 */
@Command(
    name = "discover-neurons",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Find the MLP neurons that write high-norm artifact tokens (Jiang et al. 2025, "
          + "find_register_neurons, seeded) and write them as a ttr.json neuron map for --mitigation ttr.",
      "Defaults come from the model folder's phantom.json discovery_preset, else the published preset "
          + "(DINOv2 ViT-L/14, CLIP ViT-B/16); other models need --detect-layer, --threshold and --top-k."
    })
final class DiscoverNeuronsCommand implements Callable<Integer> {
  static final int RANKING_KEPT = 50;

  @ParentCommand SinkscopeCommand root;
  @Spec CommandSpec spec;

  @Mixin ModelOption modelOption;

  @Mixin ImagesOption imagesOption;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "MAP.json",
      description = "Neuron map to write.")
  Path out;

  @Option(
      names = "--detect-layer",
      paramLabel = "N",
      description =
          "0-based block whose output defines outlier tokens; negative counts from the end (-1 = last).")
  Integer detectLayer;

  @Option(
      names = "--threshold",
      paramLabel = "T",
      description = "Outlier norm threshold (strict >).")
  Double threshold;

  @Option(names = "--top-k", paramLabel = "K", description = "Neurons to keep.")
  Integer topK;

  @Option(
      names = "--highest-layer",
      paramLabel = "H",
      description = "Keep neurons in 0-based blocks <= H (-1: no limit).")
  Integer highestLayer;

  @Option(
      names = "--lowest-layer",
      paramLabel = "L",
      description = "Keep neurons in 0-based blocks >= L. Default 0.")
  Integer lowestLayer;

  @Option(
      names = "--max-images",
      paramLabel = "N",
      description = "Images sampled (without replacement). Default 100.")
  Integer maxImages;

  @Option(names = "--seed", paramLabel = "S", description = "Sampling seed. Default 0.")
  Long seed;

  @Option(
      names = "--no-sparsity-filter",
      description = "Score every neuron (the reference notebook filters).")
  boolean noSparsityFilter;

  @Mixin CommonOptions common;

  /** Settings and where their defaults came from. */
  record Chosen(NeuronDiscovery.Settings settings, String source) {}

  @Override
  public Integer call() throws Exception {
    common.apply();
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ModelResolver.Resolved resolved =
        new ModelResolver(root.context(), err).resolve(modelOption.model);
    List<Path> files = ImageFolder.list(imagesOption.images, root.context());
    PreprocessPipeline pipeline = PreprocessPipeline.forModelFolder(resolved.folder());
    try (InspectionPipeline inspection =
        InspectionPipeline.over(ModelSession.open(resolved.folder(), common.device), pipeline)) {
      ModelSession session = inspection.session();
      Chosen chosen = settings(resolved.folder(), session.spec());
      NeuronDiscovery.Settings s = chosen.settings();
      int used = Math.min(s.maxImages(), files.size());
      err.println(
          "discover-neurons: "
              + used
              + " of "
              + files.size()
              + " images, settings from "
              + chosen.source());
      err.flush();
      NeuronDiscovery.Result result =
          NeuronDiscovery.discover(
              session.forward(),
              i -> preprocess(pipeline, files.get(i)),
              files.size(),
              s,
              CancellationToken.NONE,
              (done, total) -> {
                err.println("discover-neurons: image " + done + " of " + total);
                err.flush();
              });

      List<Map<String, Object>> ranking = new ArrayList<>();
      for (NeuronDiscovery.ScoredNeuron n :
          result.ranking().subList(0, Math.min(RANKING_KEPT, result.ranking().size()))) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("layer", n.layer());
        entry.put("neuron", n.neuron());
        entry.put("score", n.score());
        ranking.add(entry);
      }
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("model", resolved.displayName());
      extra.put("settings", settingsJson(s));
      extra.put("settings_source", chosen.source());
      extra.put("images_available", files.size());
      extra.put("images_used", result.imagesUsed());
      extra.put("images_with_outliers", result.imagesWithOutliers());
      extra.put("top_ranking", ranking);
      result.selected().write(out, extra);

      stdout.println("rank  layer  neuron      score");
      for (int i = 0; i < Math.min(Math.max(10, s.topK()), result.ranking().size()); i++) {
        NeuronDiscovery.ScoredNeuron n = result.ranking().get(i);
        stdout.printf(
            Locale.ROOT, "%4d  %5d  %6d  %9.4f%n", i + 1, n.layer(), n.neuron(), n.score());
      }
      stdout.println(
          "selected: "
              + result.selected().neurons().size()
              + " neurons (layer <= "
              + (s.highestLayer() < 0 ? "any" : s.highestLayer())
              + ", top "
              + s.topK()
              + ") from "
              + result.imagesWithOutliers()
              + " of "
              + result.imagesUsed()
              + " images with outliers");
      stdout.println("map:    " + out);
      stdout.flush();
    }
    return 0;
  }

  /** Defaults from phantom.json or the published preset, overridden by the options given. */
  Chosen settings(Path folder, ModelSpec spec) throws IOException {
    NeuronDiscovery.Settings base = null;
    String source;
    Path phantom = folder.resolve("phantom.json");
    JsonNode preset =
        Files.isRegularFile(phantom)
            ? new ObjectMapper().readTree(phantom.toFile()).path("discovery_preset")
            : null;
    if (preset != null && preset.isObject()) {
      base =
          new NeuronDiscovery.Settings(
              preset.path("detect_layer").asInt(),
              preset.path("threshold").asDouble(),
              preset.path("max_images").asInt(100),
              true,
              preset.path("highest_layer").asInt(-1),
              0,
              preset.path("top_k").asInt(),
              preset.path("seed").asLong(0));
      source = "phantom.json discovery_preset";
    } else {
      base = NeuronDiscovery.Settings.presetFor(spec);
      source = base == null ? "the command line" : "the published preset for " + spec.summary();
    }
    if (base == null) {
      List<String> missing = new ArrayList<>();
      if (detectLayer == null) {
        missing.add("--detect-layer");
      }
      if (threshold == null) {
        missing.add("--threshold");
      }
      if (topK == null) {
        missing.add("--top-k");
      }
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException(
            "no discovery preset for "
                + spec.summary()
                + "; give "
                + String.join(", ", missing)
                + " (the reference uses detect layer -1 or -2 and a threshold in the "
                + "valley of the norm histogram, see 'sinkscope analyze')");
      }
      base = new NeuronDiscovery.Settings(detectLayer, threshold, 100, true, -1, 0, topK, 0);
    } else if (detectLayer != null || threshold != null || topK != null || highestLayer != null) {
      source += ", with options from the command line";
    }
    NeuronDiscovery.Settings s =
        new NeuronDiscovery.Settings(
            detectLayer != null ? detectLayer : base.detectLayer(),
            threshold != null ? threshold : base.threshold(),
            maxImages != null ? maxImages : base.maxImages(),
            !noSparsityFilter && base.sparsityFilter(),
            highestLayer != null ? highestLayer : base.highestLayer(),
            lowestLayer != null ? lowestLayer : base.lowestLayer(),
            topK != null ? topK : base.topK(),
            seed != null ? seed : base.seed());
    if (s.topK() < 1 || s.maxImages() < 1 || !(s.threshold() > 0)) {
      throw new IllegalArgumentException(
          "--top-k and --max-images must be at least 1 and --threshold positive");
    }
    return new Chosen(s, source);
  }

  static Map<String, Object> settingsJson(NeuronDiscovery.Settings s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("detect_layer", s.detectLayer());
    m.put("threshold", s.threshold());
    m.put("max_images", s.maxImages());
    m.put("sparsity_filter", s.sparsityFilter());
    m.put("highest_layer", s.highestLayer());
    m.put("lowest_layer", s.lowestLayer());
    m.put("top_k", s.topK());
    m.put("seed", s.seed());
    return m;
  }

  private static FloatTensor preprocess(PreprocessPipeline pipeline, Path file) {
    try {
      return pipeline.process(file).pixelValues();
    } catch (ImageLoadException e) {
      throw new IllegalArgumentException(
          e.getMessage() + " (remove it from the folder or convert it)", e);
    }
  }
}
