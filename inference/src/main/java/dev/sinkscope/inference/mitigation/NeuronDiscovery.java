package dev.sinkscope.inference.mitigation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ForwardHooks;
import dev.sinkscope.inference.engine.PassContext;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.engine.VitForward;
import dev.sinkscope.inference.model.ModelFamily;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.TokenLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Register-neuron discovery exactly as the test-time-registers reference's {@code
 * find_register_neurons} (methods §2.1), with a seeded image sample.
 *
 * <p>Per image: outlier tokens O = tokens (CLS included) whose norm at block {@code detectLayer}
 * exceeds τ; images without outliers are skipped. Score of (layer, neuron) = mean over O of the
 * absolute post-nonlinearity activation, zeroed by the sparsity filter unless the neuron is below
 * 0.5 on at least half of all tokens; averaged over images with outliers, then ranked.
 */
public final class NeuronDiscovery {

  /**
   * Discovery settings.
   *
   * @param detectLayer 0-based block whose output defines outliers; negative counts from the end
   * @param threshold τ, strict
   * @param maxImages images sampled (the reference notebook uses 100)
   * @param sparsityFilter apply the sparsity filter (reference notebook: on)
   * @param highestLayer keep neurons in blocks ≤ this; negative = no limit
   * @param lowestLayer keep neurons in blocks ≥ this
   * @param topK neurons kept
   * @param seed sampling seed (the reference samples unseeded)
   */
  public record Settings(
      int detectLayer,
      double threshold,
      int maxImages,
      boolean sparsityFilter,
      int highestLayer,
      int lowestLayer,
      int topK,
      long seed) {

    /**
     * Published presets: DINOv2 ViT-L/14 and CLIP ViT-B/16 (reference configs); else {@code null}.
     */
    public static Settings presetFor(ModelSpec spec) {
      if (spec.family() == ModelFamily.DINOV2
          && spec.hiddenSize() == 1024
          && spec.numLayers() == 24) {
        return new Settings(-2, 150, 100, true, 17, 0, 50, 0);
      }
      if (spec.family() == ModelFamily.CLIP && spec.hiddenSize() == 768 && spec.numLayers() == 12) {
        return new Settings(-1, 30, 100, true, 5, 0, 10, 0);
      }
      return null;
    }
  }

  /** One ranked neuron. */
  public record ScoredNeuron(int layer, int neuron, double score) {}

  /** The ranking and the map selected from it. */
  public record Result(
      List<ScoredNeuron> ranking, NeuronMap selected, int imagesUsed, int imagesWithOutliers) {}

  private NeuronDiscovery() {}

  /**
   * Runs discovery.
   *
   * @param images supplies the pixel values of image {@code i} (preprocessed as for evaluation)
   * @param imageCount number of available images; {@code min(maxImages, imageCount)} are sampled
   */
  public static Result discover(
      VitForward forward,
      IntFunction<FloatTensor> images,
      int imageCount,
      Settings settings,
      CancellationToken cancel,
      ProgressListener progress) {
    ModelSpec spec = forward.model().spec();
    int layers = spec.numLayers();
    int m = spec.intermediateSize();
    int detect =
        settings.detectLayer() < 0 ? layers + settings.detectLayer() : settings.detectLayer();
    if (detect < 0 || detect >= layers) {
      throw new IllegalArgumentException(
          "detect layer " + settings.detectLayer() + " outside the " + layers + " blocks");
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < imageCount; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(settings.seed()));
    int used = Math.min(settings.maxImages(), imageCount);
    double[] total = new double[layers * m];
    int withOutliers = 0;
    for (int n = 0; n < used; n++) {
      cancel.throwIfCancelled();
      FloatTensor pixels = images.apply(order.get(n));
      // Pass 1: which tokens are outliers at the detection block.
      ForwardResult plain =
          forward.run(
              pixels,
              ForwardHooks.NONE,
              CaptureOptions.RESIDUAL_ONLY,
              cancel,
              ProgressListener.NONE);
      float[] norms = plain.block(detect + 1).tokenNorms();
      List<Integer> outliers = new ArrayList<>();
      for (int t = 0; t < norms.length; t++) {
        if (norms[t] > settings.threshold()) {
          outliers.add(t);
        }
      }
      if (!outliers.isEmpty()) {
        withOutliers++;
        // Pass 2: score every neuron of every block on the device; only [M] per block comes back.
        ScoringHooks scoring = new ScoringHooks(outliers, settings.sparsityFilter(), m, total);
        forward.run(pixels, scoring, CaptureOptions.RESIDUAL_ONLY, cancel, ProgressListener.NONE);
      }
      progress.blocksDone(n + 1, used);
    }
    if (withOutliers == 0) {
      throw new IllegalStateException(
          "no image had a token with norm > "
              + settings.threshold()
              + " at block "
              + detect
              + "; lower the threshold or choose another detection layer");
    }
    List<ScoredNeuron> ranking = new ArrayList<>(layers * m);
    for (int l = 0; l < layers; l++) {
      for (int j = 0; j < m; j++) {
        ranking.add(new ScoredNeuron(l, j, total[l * m + j] / withOutliers));
      }
    }
    ranking.sort(Comparator.comparingDouble(ScoredNeuron::score).reversed());
    List<NeuronMap.RegisterNeuron> selected = new ArrayList<>();
    for (ScoredNeuron s : ranking) {
      if (selected.size() >= settings.topK()) {
        break;
      }
      boolean inRange =
          (settings.highestLayer() < 0 || s.layer() <= settings.highestLayer())
              && s.layer() >= settings.lowestLayer();
      if (inRange) {
        selected.add(new NeuronMap.RegisterNeuron(s.layer(), s.neuron()));
      }
    }
    NeuronMap map =
        new NeuronMap(selected, "discovery on " + used + " images (seed " + settings.seed() + ")");
    return new Result(ranking, map, used, withOutliers);
  }

  /**
   * Reads activations without changing them and adds each block's per-neuron score to {@code
   * total}.
   */
  private static final class ScoringHooks implements ForwardHooks {
    private final List<Integer> outliers;
    private final boolean sparsity;
    private final int m;
    private final double[] total;

    ScoringHooks(List<Integer> outliers, boolean sparsity, int m, double[] total) {
      this.outliers = outliers;
      this.sparsity = sparsity;
      this.m = m;
      this.total = total;
    }

    @Override
    public NDArray mlpActivations(
        int block, NDArray activations, TokenLayout layout, PassContext context) {
      int t = (int) activations.getShape().get(1);
      float[] mask = new float[t];
      for (int i : outliers) {
        mask[i] = 1f;
      }
      NDArray rows = activations.getManager().create(mask, new Shape(1, t, 1)); // [1, T, 1]
      NDArray meanAbs =
          activations.abs().mul(rows).sum(new int[] {1}).div(outliers.size()); // [1, M]
      float[] score = toHost(meanAbs);
      if (sparsity) {
        // Neurons below 0.5 on at least half of the tokens survive.
        NDArray below =
            activations.lt(0.5f).toType(DataType.FLOAT32, false).sum(new int[] {1}); // [1, M]
        float[] count = toHost(below);
        for (int j = 0; j < m; j++) {
          if (count[j] < 0.5 * t) {
            score[j] = 0f;
          }
        }
      }
      for (int j = 0; j < m; j++) {
        total[block * m + j] += score[j];
      }
      return activations;
    }
  }

  private static float[] toHost(NDArray a) {
    NDArray cpu = a.getDevice().isGpu() ? a.toDevice(ai.djl.Device.cpu(), false) : a;
    return cpu.toFloatArray();
  }
}
