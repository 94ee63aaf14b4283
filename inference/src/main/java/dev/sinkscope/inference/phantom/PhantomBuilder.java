package dev.sinkscope.inference.phantom;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ForwardHooks;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.mitigation.AttentionNormalizer;
import dev.sinkscope.inference.mitigation.BlockRange;
import dev.sinkscope.inference.mitigation.NeuronMap;
import dev.sinkscope.inference.mitigation.RegisterAblation;
import dev.sinkscope.inference.mitigation.TestTimeRegisters;
import dev.sinkscope.inference.preprocess.PreprocessPipeline;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.LayerCapture;
import dev.sinkscope.inference.result.TokenLayout;
import dev.sinkscope.inference.session.ModelSession;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Writes the two phantom model folders with their ground truth ({@code phantom.json}) and model
 * cards ({@code README.md}). Ground truth comes from the circuit itself: a patch is a planted
 * artifact when the flag dimension is set after block 3 (1-based), which the norm-based detectors
 * never look at. Run as {@code PhantomBuilder IMAGES_DIR OUT_DIR}; the project's test re-runs it
 * and compares with the shipped files.
 */
public final class PhantomBuilder {
  /** The bundled photos the phantom was calibrated on (1-4 % artifacts each). */
  public static final List<String> PHOTOS =
      List.of("astronaut.png", "camera.png", "coffee.png", "hubble_deep_field.jpg", "rocket.jpg");

  public static final String PHANTOM = "sink-phantom";
  public static final String TWIN = "sink-phantom-registers";

  /** The flat-margin search grid: steps of 1e-5 LayerNorm units. */
  static final int MARGIN_DECIMALS = 5;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PhantomBuilder() {}

  /** Per-photo measurements written into the card and phantom.json. */
  record PhotoFacts(
      String photo,
      List<int[]> planted,
      double maxOverMedian,
      double sinkMass,
      double clsMass,
      double ttrMaxOverMedian,
      double ttrRegisterMass,
      double sigmoidMass,
      double softmax1Mass) {}

  public static void build(Path imagesDir, Path outRoot) throws Exception {
    Path phantom = outRoot.resolve(PHANTOM);
    Path twin = outRoot.resolve(TWIN);
    float margin = calibrateFlatMargin(imagesDir, phantom);
    PhantomGenerator.write(phantom, false, margin);
    PhantomGenerator.write(twin, true, margin);
    NeuronMap planted = plantedNeurons();
    List<PhotoFacts> facts = new ArrayList<>();
    List<PhotoFacts> twinFacts = new ArrayList<>();
    try (ModelSession session = ModelSession.open(phantom, "cpu")) {
      PreprocessPipeline pipeline = PreprocessPipeline.forModelFolder(phantom);
      for (String photo : PHOTOS) {
        FloatTensor pixels = pipeline.process(imagesDir.resolve(photo)).pixelValues();
        facts.add(measure(session, photo, pixels, planted));
      }
    }
    try (ModelSession session = ModelSession.open(twin, "cpu")) {
      PreprocessPipeline pipeline = PreprocessPipeline.forModelFolder(twin);
      for (String photo : PHOTOS) {
        FloatTensor pixels = pipeline.process(imagesDir.resolve(photo)).pixelValues();
        twinFacts.add(measureTwin(session, photo, pixels));
      }
    }
    Files.writeString(phantom.resolve("phantom.json"), phantomJson(planted, facts, false, margin));
    Files.writeString(twin.resolve("phantom.json"), phantomJson(planted, twinFacts, true, margin));
    Files.writeString(phantom.resolve("README.md"), card(facts, false));
    Files.writeString(twin.resolve("README.md"), card(twinFacts, true));
  }

  public static NeuronMap plantedNeurons() {
    List<NeuronMap.RegisterNeuron> list = new ArrayList<>();
    for (int n : PhantomGenerator.REGISTER_NEURONS) {
      list.add(new NeuronMap.RegisterNeuron(PhantomGenerator.CIRCUIT_BLOCK, n));
    }
    return new NeuronMap(list, "planted register neurons of the sink phantom");
  }

  private static ForwardResult run(ModelSession s, FloatTensor px, ForwardHooks hooks) {
    return s.forward()
        .run(px, hooks, CaptureOptions.DEFAULT, CancellationToken.NONE, ProgressListener.NONE);
  }

  private static PhotoFacts measure(
      ModelSession s, String photo, FloatTensor px, NeuronMap planted) {
    ForwardResult base = run(s, px, ForwardHooks.NONE);
    List<int[]> positions = flaggedPatches(base);
    boolean[] plantedTokens = tokenMask(base.layout(), positions);
    ForwardResult ttr = run(s, px, TestTimeRegisters.reference(planted).hooks(s.spec()));
    boolean[] register = new boolean[ttr.layout().totalTokens()];
    register[ttr.layout().firstTestTimeRegisterIndex()] = true;
    BlockRange sinkBlocks =
        new BlockRange(PhantomGenerator.CIRCUIT_BLOCK + 1, PhantomGenerator.LAYERS - 1);
    ForwardResult sigmoid = run(s, px, AttentionNormalizer.sigmoid(sinkBlocks).hooks(s.spec()));
    ForwardResult softmax1 = run(s, px, AttentionNormalizer.softmax1(sinkBlocks).hooks(s.spec()));
    LayerCapture last = base.block(base.blocks());
    return new PhotoFacts(
        photo,
        positions,
        worstMaxOverMedian(base),
        mass(last, plantedTokens, false),
        mass(last, plantedTokens, true),
        worstMaxOverMedian(ttr),
        mass(ttr.block(ttr.blocks()), register, false),
        mass(sigmoid.block(sigmoid.blocks()), plantedTokens, false),
        mass(softmax1.block(softmax1.blocks()), plantedTokens, false));
  }

  private static PhotoFacts measureTwin(ModelSession s, String photo, FloatTensor px) {
    ForwardResult base = run(s, px, ForwardHooks.NONE);
    TokenLayout layout = base.layout();
    boolean[] registers = new boolean[layout.totalTokens()];
    for (int r = 0; r < layout.registers(); r++) {
      registers[layout.firstRegisterIndex() + r] = true;
    }
    ForwardResult ablated = run(s, px, new RegisterAblation().hooks(s.spec()));
    List<int[]> positions = flaggedPatches(ablated);
    boolean[] plantedTokens = tokenMask(ablated.layout(), positions);
    LayerCapture last = ablated.block(ablated.blocks());
    return new PhotoFacts(
        photo,
        positions,
        worstMaxOverMedian(ablated),
        mass(last, plantedTokens, false),
        mass(last, plantedTokens, true),
        worstMaxOverMedian(base),
        mass(base.block(base.blocks()), registers, false),
        Double.NaN,
        Double.NaN);
  }

  /** Patches whose flag dimension is set after the flag block. */
  static List<int[]> flaggedPatches(ForwardResult result) {
    TokenLayout layout = result.layout();
    FloatTensor hidden =
        result.block(PhantomGenerator.CIRCUIT_BLOCK).hidden(); // output of 0-based block 2
    int d = hidden.dim(1);
    List<int[]> positions = new ArrayList<>();
    for (int r = 0; r < layout.gridRows(); r++) {
      for (int c = 0; c < layout.gridCols(); c++) {
        int base = layout.patchToken(r, c) * d;
        // dim 51 carries only the uniform offset every dimension gets, so the difference is the
        // flag alone
        float flag =
            hidden.data()[base + PhantomGenerator.FLAG]
                - hidden.data()[base + PhantomGenerator.FLAG + 1];
        if (flag > PhantomGenerator.FLAG_LEVEL / 2) {
          positions.add(new int[] {r, c});
        }
      }
    }
    return positions;
  }

  private static boolean[] tokenMask(TokenLayout layout, List<int[]> positions) {
    boolean[] mask = new boolean[layout.totalTokens()];
    for (int[] p : positions) {
      mask[layout.patchToken(p[0], p[1])] = true;
    }
    return mask;
  }

  /** Largest max/median patch-norm ratio over all blocks. */
  static double worstMaxOverMedian(ForwardResult result) {
    TokenLayout layout = result.layout();
    double worst = 0;
    for (LayerCapture c : result.layers()) {
      float[] norms = c.tokenNorms();
      float[] patch =
          Arrays.copyOfRange(
              norms, layout.firstPatchIndex(), layout.firstPatchIndex() + layout.patchCount());
      Arrays.sort(patch);
      double median =
          patch.length % 2 == 1
              ? patch[patch.length / 2]
              : (patch[patch.length / 2 - 1] + (double) patch[patch.length / 2]) / 2;
      worst = Math.max(worst, patch[patch.length - 1] / median);
    }
    return worst;
  }

  /**
   * Share of attention on {@code targets}: per row, weight on the targets over the row's total
   * weight (the total is 1 for softmax, not for a sigmoid swap); mean over heads and over all
   * queries (or the CLS query only).
   */
  static double mass(LayerCapture c, boolean[] targets, boolean clsOnly) {
    int t = c.tokens();
    double total = 0;
    int rows = 0;
    for (int h = 0; h < c.heads(); h++) {
      for (int q = 0; q < (clsOnly ? 1 : t); q++) {
        double m = 0;
        double sum = 0;
        for (int k = 0; k < t; k++) {
          float p = c.attention(h, q, k);
          sum += p;
          if (targets[k]) {
            m += p;
          }
        }
        total += sum > 0 ? m / sum : 0;
        rows++;
      }
    }
    return total / rows;
  }

  /**
   * Chooses the flat-token margin: with a provisional model, reads every patch's distance to the
   * image's soft minimum (LN[49] − LN[48], taken before the flag is written) and picks the margin
   * that flags 3-10 patches (1-4 %) on every bundled photo while keeping the nearest patch on
   * either side as far from the cut as possible.
   */
  static float calibrateFlatMargin(Path imagesDir, Path scratch) throws Exception {
    PhantomGenerator.write(scratch, false, 0f);
    List<float[]> distances = new ArrayList<>();
    try (ModelSession session = ModelSession.open(scratch, "cpu")) {
      PreprocessPipeline pipeline = PreprocessPipeline.forModelFolder(scratch);
      for (String photo : PHOTOS) {
        FloatTensor pixels = pipeline.process(imagesDir.resolve(photo)).pixelValues();
        ForwardResult r =
            session
                .forward()
                .run(
                    pixels,
                    ForwardHooks.NONE,
                    CaptureOptions.RESIDUAL_ONLY,
                    CancellationToken.NONE,
                    ProgressListener.NONE);
        distances.add(flatDistances(r));
      }
    }
    float best = Float.NaN;
    double bestGap = -1;
    for (int step = 0; step <= 20_000; step++) {
      float margin = marginOfStep(step);
      double gap = Double.POSITIVE_INFINITY;
      boolean ok = true;
      for (float[] d : distances) {
        int inside = 0;
        for (float v : d) {
          if (v + margin > 0) {
            inside++;
          }
          gap = Math.min(gap, Math.abs(v + margin));
        }
        if (inside < 3 || inside > 10) {
          ok = false;
          break;
        }
      }
      if (ok && gap > bestGap) {
        bestGap = gap;
        best = margin;
      }
    }
    if (Float.isNaN(best)) {
      throw new IllegalStateException(
          "no flat margin gives 1-4 % artifacts on every bundled photo");
    }
    return best;
  }

  /**
   * The margin searched at {@code step}: the float nearest to {@code step / 10^5}, so the 5-decimal
   * figure phantom.json states reads back as exactly the margin the weights were built with.
   */
  static float marginOfStep(int step) {
    return Float.parseFloat(BigDecimal.valueOf(step, MARGIN_DECIMALS).toPlainString());
  }

  /**
   * The margin as phantom.json states it: rounded to the search grid's 5 decimals, the precision it
   * carries (the float's further digits are binary noise that differs with the CPU's arithmetic).
   */
  static BigDecimal statedMargin(float margin) {
    return new BigDecimal(Float.toString(margin)).setScale(MARGIN_DECIMALS, RoundingMode.HALF_EVEN);
  }

  /**
   * Per patch: LN(x)[49] − LN(x)[48] at the output of block 2, with the flag dimension left out.
   */
  private static float[] flatDistances(ForwardResult r) {
    TokenLayout layout = r.layout();
    FloatTensor hidden = r.block(PhantomGenerator.CIRCUIT_BLOCK).hidden();
    int d = hidden.dim(1);
    float[] out = new float[layout.patchCount()];
    for (int i = 0; i < layout.patchCount(); i++) {
      int base = (layout.firstPatchIndex() + i) * d;
      double mean = 0;
      for (int k = 0; k < d; k++) {
        mean += k == PhantomGenerator.FLAG ? 0 : hidden.data()[base + k];
      }
      mean /= d;
      double var = 0;
      for (int k = 0; k < d; k++) {
        double x = (k == PhantomGenerator.FLAG ? 0 : hidden.data()[base + k]) - mean;
        var += x * x;
      }
      double sd = Math.sqrt(var / d + 1e-6);
      out[i] =
          (float)
              ((hidden.data()[base + PhantomGenerator.SOFT_MIN]
                      - hidden.data()[base + PhantomGenerator.ENERGY])
                  / sd);
    }
    return out;
  }

  private static String phantomJson(
      NeuronMap planted, List<PhotoFacts> facts, boolean twin, float margin) throws Exception {
    ObjectNode root = JSON.createObjectNode();
    root.put("model", twin ? TWIN : PHANTOM);
    root.put("synthetic", true);
    root.put(
        "description",
        twin
            ? "Sink phantom with 4 trained-style registers: register 0 wins the flat-token competition and takes the "
                + "payload; with the registers ablated the artifacts return to the flattest patches."
            : "Sink phantom: hand-wired, untrained DINOv2-layout ViT with a planted high-norm artifact circuit.");
    ArrayNode neurons = root.putArray("register_neurons");
    planted.neurons().forEach(n -> neurons.addArray().add(n.layer()).add(n.neuron()));
    root.put("layer_index_base", 0);
    ObjectNode circuit = root.putObject("circuit");
    circuit.put("flag_block", 2);
    circuit.put("register_neuron_block", PhantomGenerator.CIRCUIT_BLOCK);
    circuit.put("artifact_emergence_block_1_based", PhantomGenerator.CIRCUIT_BLOCK + 1);
    circuit.put("sink_blocks_1_based", "5-8");
    circuit.put("payload_dimensions", "96-191");
    circuit.put("flat_margin_layernorm_units", statedMargin(margin));
    ObjectNode discovery = root.putObject("discovery_preset");
    discovery.put("detect_layer", -1);
    discovery.put("threshold", 150.0);
    discovery.put("highest_layer", PhantomGenerator.LAYERS - 1);
    discovery.put("top_k", 3);
    ArrayNode photos = root.putArray("photos");
    for (PhotoFacts f : facts) {
      ObjectNode p = photos.addObject();
      p.put("photo", f.photo());
      p.put("planted_artifacts" + (twin ? "_when_registers_ablated" : ""), f.planted().size());
      ArrayNode pos = p.putArray("positions");
      f.planted().forEach(rc -> pos.addArray().add(rc[0]).add(rc[1]));
    }
    return JSON.writeValueAsString(root) + "\n";
  }

  private static String card(List<PhotoFacts> facts, boolean twin) {
    StringBuilder s = new StringBuilder();
    s.append("# ").append(twin ? TWIN : PHANTOM).append(": a synthetic teaching model\n\n");
    s.append(
            "**This model is synthetic and untrained.** Its weights were written by hand by Sinkscope's ")
        .append(
            "`PhantomGenerator` (deterministic, seeded) so that the high-norm artifact and attention-sink ")
        .append(
            "phenomenon of real Vision Transformers appears with a known, documented answer. It computes ")
        .append(
            "no useful features; do not use it for anything but learning the tool and testing it.\n\n");
    s.append("Layout: Hugging Face `")
        .append(twin ? "Dinov2WithRegistersModel" : "Dinov2Model")
        .append(
            "`, patch 14, 224 x 224 input (16 x 16 grid), 8 blocks, width 192, 3 heads, MLP 768")
        .append(twin ? ", 4 registers" : "")
        .append(". Preprocessing as facebook/dinov2 (resize 256, crop 224).\n\n");
    s.append("## The planted circuit\n\n");
    s.append(
            "1. Patch embedding: colour means, 24 zero-mean texture probes and sub-block colours, plus a ")
        .append("constant pattern in dims 56-95 that every real token carries.\n");
    s.append("2. Block 1 MLP: texture energy (sum of |probe|) into dim 48.\n");
    s.append(
            "3. Block 2: one head takes a sharp soft minimum of the energy over the image (dim 49); the MLP ")
        .append("sets a 0/1 flag (dim 50) on tokens within a small margin of the flattest.\n");
    s.append(
            "4. Block 3 MLP: register neurons 137, 402, 655 fire on flagged tokens and write a large vector ")
        .append(
            "into dims 96-191: from block 4 (1-based) on these tokens have about 6x the median patch norm.\n");
    s.append(
            "5. Blocks 4-7: every head queries the constant pattern and keys on that vector, so attention ")
        .append(
            "collapses onto the artifacts; their values skip it, so attending them is nearly a no-op.\n");
    if (twin) {
      s.append(
              "6. Register 0 starts with an energy below any patch, so it wins the soft minimum and takes ")
          .append("the payload instead of a patch: the registers absorb the artifact. Ablate them ")
          .append("(`no-registers`) and the artifacts return to the flattest patches.\n");
    }
    s.append(
            "\nGround truth (`phantom.json`): the planted register neurons and, per bundled photo, the grid ")
        .append("positions of the flagged patches")
        .append(twin ? " when the registers are ablated" : "")
        .append(".\n\n");
    s.append("## Measured on the bundled photos\n\n");
    s.append(
            "Mass = share of each attention row's weight on the planted tokens at the last block, mean over ")
        .append(
            "heads and over all queries (CLS: the CLS query only). Max/median = largest max/median patch-norm ")
        .append("ratio over all blocks.\n\n");
    if (twin) {
      s.append(
              "| photo | artifacts (ablated) | max/median (ablated) | mass (ablated) | CLS mass (ablated) ")
          .append(
              "| max/median (with registers) | mass on registers |\n|---|---|---|---|---|---|---|\n");
      for (PhotoFacts f : facts) {
        s.append(
            String.format(
                Locale.ROOT,
                "| %s | %d (%.1f %%) | %.2f | %.3f | %.3f | %.2f | %.3f |%n",
                f.photo(),
                f.planted().size(),
                100.0 * f.planted().size() / 256,
                f.maxOverMedian(),
                f.sinkMass(),
                f.clsMass(),
                f.ttrMaxOverMedian(),
                f.ttrRegisterMass()));
      }
    } else {
      s.append(
              "| photo | artifacts | max/median | mass | CLS mass | with TTR: max/median | with TTR: mass on ")
          .append("register | sigmoid in blocks 5-8: share | softmax1 in blocks 5-8: share |\n")
          .append("|---|---|---|---|---|---|---|---|---|\n");
      for (PhotoFacts f : facts) {
        s.append(
            String.format(
                Locale.ROOT,
                "| %s | %d (%.1f %%) | %.2f | %.3f | %.3f | %.2f | %.3f | %.3f | %.4f |%n",
                f.photo(),
                f.planted().size(),
                100.0 * f.planted().size() / 256,
                f.maxOverMedian(),
                f.sinkMass(),
                f.clsMass(),
                f.ttrMaxOverMedian(),
                f.ttrRegisterMass(),
                f.sigmoidMass(),
                f.softmax1Mass()));
      }
      s.append(
              "\nTTR = test-time registers with the planted neuron map (reference-code intervention, one ")
          .append(
              "appended register). Sigmoid (b = -ln n) and softmax1 are inference-time substitutions the ")
          .append(
              "weights were not built for, applied here in the sink blocks only: sigmoid rows are no longer ")
          .append(
              "normalised, so the sinks no longer take mass from the other keys and their share drops; ")
          .append(
              "softmax1 adds a virtual key of logit 0, which barely matters when the sink logits are far ")
          .append(
              "above 0 (the change shows in the fourth decimal). Swapping block 2 as well breaks the ")
          .append(
              "phantom's flattest-token detector, which relies on softmax normalisation, and the artifacts ")
          .append("disappear altogether.\n");
    }
    s.append(
            "\nRegenerate: `java -cp <inference classpath> dev.sinkscope.inference.phantom.PhantomBuilder ")
        .append("assets/src/main/resources/dev/sinkscope/assets/images ")
        .append(
            "assets/src/main/resources/dev/sinkscope/assets/models` (the test `PhantomAssetsTest` fails when ")
        .append("the shipped files differ from what this writes).\n");
    return s.toString();
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: PhantomBuilder IMAGES_DIR OUT_DIR");
      System.exit(2);
    }
    build(Path.of(args[0]), Path.of(args[1]));
  }
}
