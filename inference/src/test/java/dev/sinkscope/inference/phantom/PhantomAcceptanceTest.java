package dev.sinkscope.inference.phantom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.Analyzer;
import dev.sinkscope.inference.analysis.ArtifactDetection;
import dev.sinkscope.inference.analysis.DetectionOptions;
import dev.sinkscope.inference.analysis.DetectionRule;
import dev.sinkscope.inference.analysis.GridPosition;
import dev.sinkscope.inference.analysis.LayerNormAnalysis;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.mitigation.AttentionNormalizer;
import dev.sinkscope.inference.mitigation.BlockRange;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.mitigation.NeuronDiscovery;
import dev.sinkscope.inference.mitigation.NeuronMap;
import dev.sinkscope.inference.mitigation.RegisterAblation;
import dev.sinkscope.inference.mitigation.TestTimeRegisters;
import dev.sinkscope.inference.preprocess.PreprocessPipeline;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.TokenLayout;
import dev.sinkscope.inference.session.IncrementalRunner;
import dev.sinkscope.inference.session.ModelSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The sink phantom's documented answer holds: detectors, discovery and every mitigation find and
 * fix what was planted.
 */
@Tag("cross-machine")
@Tag("slow")
class PhantomAcceptanceTest {
  private static final Path MODELS = PhantomAssetsTest.ASSETS.resolve("models");
  private static final Path IMAGES = PhantomAssetsTest.ASSETS.resolve("images");

  private static ModelSession phantom;
  private static JsonNode truth;
  private static final Map<String, FloatTensor> PIXELS = new LinkedHashMap<>();

  @BeforeAll
  static void open() throws Exception {
    Path dir = MODELS.resolve(PhantomBuilder.PHANTOM);
    phantom = ModelSession.open(dir, "cpu");
    truth = new ObjectMapper().readTree(dir.resolve("phantom.json").toFile());
    PreprocessPipeline pipeline = PreprocessPipeline.forModelFolder(dir);
    for (String photo : PhantomBuilder.PHOTOS) {
      PIXELS.put(photo, pipeline.process(IMAGES.resolve(photo)).pixelValues());
    }
  }

  @AfterAll
  static void close() throws Exception {
    phantom.close();
  }

  private static ForwardResult run(ModelSession s, FloatTensor px, MitigationStack stack) {
    return s.forward()
        .run(
            px,
            stack.hooks(s.spec()),
            CaptureOptions.DEFAULT,
            CancellationToken.NONE,
            ProgressListener.NONE);
  }

  private static Set<String> planted(String photo) {
    Set<String> set = new HashSet<>();
    for (JsonNode p : truth.get("photos")) {
      if (p.get("photo").asText().equals(photo)) {
        p.get("positions").forEach(rc -> set.add(rc.get(0).asInt() + "," + rc.get(1).asInt()));
      }
    }
    return set;
  }

  private static Set<String> found(ArtifactDetection d) {
    Set<String> set = new HashSet<>();
    for (GridPosition g : d.positions()) {
      set.add(g.row() + "," + g.col());
    }
    return set;
  }

  @Test
  void everyPhotoHasOneToFourPercentPlantedArtifacts() {
    for (String photo : PhantomBuilder.PHOTOS) {
      int n = planted(photo).size();
      assertTrue(n >= 0.01 * 256 && n <= 0.04 * 256, photo + ": " + n + " planted artifacts");
    }
  }

  @Test
  void everyDetectorFindsThePlantedTokensWithPrecisionAndRecallAtLeastNinetyPercent() {
    double tau = truth.get("discovery_preset").get("threshold").asDouble();
    for (String photo : PhantomBuilder.PHOTOS) {
      ForwardResult result = run(phantom, PIXELS.get(photo), MitigationStack.NONE);
      Set<String> expected = planted(photo);
      for (DetectionRule rule : DetectionRule.values()) {
        DetectionOptions options =
            DetectionOptions.defaults().withRule(rule).withAbsoluteThreshold(tau);
        AnalysisReport report = Analyzer.analyze(result, options);
        // every block from emergence on (1-based block 4) must show the planted artifacts
        for (LayerNormAnalysis layer : report.norms()) {
          if (layer.block() < 4) {
            continue;
          }
          Set<String> got = found(layer.artifacts());
          Set<String> hit = new HashSet<>(got);
          hit.retainAll(expected);
          double precision = got.isEmpty() ? 0 : (double) hit.size() / got.size();
          double recall = (double) hit.size() / expected.size();
          String where =
              photo
                  + " rule "
                  + rule
                  + " block "
                  + layer.block()
                  + ": found "
                  + got
                  + " planted "
                  + expected;
          assertTrue(precision >= 0.9, where);
          assertTrue(recall >= 0.9, where);
        }
      }
    }
  }

  @Test
  void neuronDiscoveryRanksThePlantedNeuronsFirst() {
    JsonNode preset = truth.get("discovery_preset");
    NeuronDiscovery.Settings settings =
        new NeuronDiscovery.Settings(
            preset.get("detect_layer").asInt(),
            preset.get("threshold").asDouble(),
            100,
            true,
            preset.get("highest_layer").asInt(),
            0,
            preset.get("top_k").asInt(),
            7);
    List<FloatTensor> images = new ArrayList<>(PIXELS.values());
    NeuronDiscovery.Result result =
        NeuronDiscovery.discover(
            phantom.forward(),
            images::get,
            images.size(),
            settings,
            CancellationToken.NONE,
            ProgressListener.NONE);
    assertEquals(images.size(), result.imagesWithOutliers());
    Set<NeuronMap.RegisterNeuron> expected =
        new HashSet<>(PhantomBuilder.plantedNeurons().neurons());
    assertEquals(expected, new HashSet<>(result.selected().neurons()));
    assertTrue(
        result.ranking().get(2).score() > 4 * result.ranking().get(3).score(),
        "planted neurons stand out: " + result.ranking().subList(0, 5));
  }

  @Test
  void testTimeRegistersRemoveTheArtifactsAndMoveTheSinkOntoTheRegister() {
    MitigationStack ttr =
        MitigationStack.of(TestTimeRegisters.reference(PhantomBuilder.plantedNeurons()));
    for (String photo : PhantomBuilder.PHOTOS) {
      ForwardResult base = run(phantom, PIXELS.get(photo), MitigationStack.NONE);
      ForwardResult fixed = run(phantom, PIXELS.get(photo), ttr);
      assertTrue(
          PhantomBuilder.worstMaxOverMedian(fixed) < 2,
          photo + ": max/median with TTR " + PhantomBuilder.worstMaxOverMedian(fixed));
      assertTrue(PhantomBuilder.worstMaxOverMedian(base) > 4, photo + ": baseline has artifacts");
      TokenLayout layout = fixed.layout();
      boolean[] register = new boolean[layout.totalTokens()];
      register[layout.firstTestTimeRegisterIndex()] = true;
      boolean[] baseRegisterless = new boolean[base.layout().totalTokens()];
      for (String rc : planted(photo)) {
        String[] p = rc.split(",");
        baseRegisterless[base.layout().patchToken(Integer.parseInt(p[0]), Integer.parseInt(p[1]))] =
            true;
      }
      double before = PhantomBuilder.mass(base.block(base.blocks()), baseRegisterless, false);
      double onRegister = PhantomBuilder.mass(fixed.block(fixed.blocks()), register, false);
      assertTrue(before > 0.5, photo + ": sink mass on artifacts " + before);
      assertTrue(onRegister > 0.5, photo + ": sink mass on the register " + onRegister);
    }
  }

  @Test
  void switchingTestTimeRegistersOffIsBitIdenticalToTheBaseline() {
    FloatTensor px = PIXELS.get("coffee.png");
    IncrementalRunner runner = new IncrementalRunner(phantom);
    ForwardResult base =
        runner.run(
            px,
            MitigationStack.NONE,
            CaptureOptions.DEFAULT,
            CancellationToken.NONE,
            ProgressListener.NONE);
    runner.run(
        px,
        MitigationStack.of(TestTimeRegisters.reference(PhantomBuilder.plantedNeurons())),
        CaptureOptions.DEFAULT,
        CancellationToken.NONE,
        ProgressListener.NONE);
    ForwardResult off =
        runner.run(
            px,
            MitigationStack.NONE,
            CaptureOptions.DEFAULT,
            CancellationToken.NONE,
            ProgressListener.NONE);
    assertSame(base, off);
    ForwardResult fresh = run(phantom, px, MitigationStack.NONE);
    assertEquals(base.lastHiddenState(), fresh.lastHiddenState());
    for (int b = 1; b <= base.blocks(); b++) {
      assertEquals(base.block(b).hidden(), fresh.block(b).hidden(), "block " + b);
      assertEquals(base.block(b).attention(), fresh.block(b).attention(), "block " + b);
    }
  }

  @Test
  void theTwinHidesTheArtifactsInARegisterAndAblationBringsThemBack() throws Exception {
    Path dir = MODELS.resolve(PhantomBuilder.TWIN);
    try (ModelSession twin = ModelSession.open(dir, "cpu")) {
      for (String photo : PhantomBuilder.PHOTOS) {
        FloatTensor px = PIXELS.get(photo);
        ForwardResult withRegisters = run(twin, px, MitigationStack.NONE);
        assertTrue(
            PhantomBuilder.worstMaxOverMedian(withRegisters) < 2,
            photo + ": patches clean with registers");
        float[] norms = withRegisters.block(withRegisters.blocks()).tokenNorms();
        float register0 = norms[withRegisters.layout().firstRegisterIndex()];
        assertTrue(
            register0 > 4 * norms[withRegisters.layout().firstPatchIndex()],
            photo + ": register 0 high-norm");

        ForwardResult ablated = run(twin, px, MitigationStack.of(new RegisterAblation()));
        ArtifactDetection detection =
            Analyzer.analyze(
                    ablated, DetectionOptions.defaults().withRule(DetectionRule.MEDIAN_RATIO))
                .norms()
                .get(ablated.blocks() - 1)
                .artifacts();
        assertEquals(planted(photo), found(detection), photo + ": artifacts back in the patches");
      }
    }
  }

  @Test
  void attentionNormaliserSwapsChangeTheSinkMass() {
    FloatTensor px = PIXELS.get("rocket.jpg");
    ForwardResult base = run(phantom, px, MitigationStack.NONE);
    boolean[] artifacts = new boolean[base.layout().totalTokens()];
    for (String rc : planted("rocket.jpg")) {
      String[] p = rc.split(",");
      artifacts[base.layout().patchToken(Integer.parseInt(p[0]), Integer.parseInt(p[1]))] = true;
    }
    double baseMass = PhantomBuilder.mass(base.block(base.blocks()), artifacts, false);
    BlockRange sinkBlocks = new BlockRange(4, 7);
    double sigmoid =
        PhantomBuilder.mass(
            run(phantom, px, MitigationStack.of(AttentionNormalizer.sigmoid(sinkBlocks)))
                .block(base.blocks()),
            artifacts,
            false);
    double softmax1 =
        PhantomBuilder.mass(
            run(phantom, px, MitigationStack.of(AttentionNormalizer.softmax1(sinkBlocks)))
                .block(base.blocks()),
            artifacts,
            false);
    double everywhere =
        PhantomBuilder.mass(
            run(phantom, px, MitigationStack.of(AttentionNormalizer.sigmoid(BlockRange.ALL)))
                .block(base.blocks()),
            artifacts,
            false);
    assertTrue(sigmoid < baseMass - 0.05, "sigmoid share " + sigmoid + " vs softmax " + baseMass);
    assertTrue(
        everywhere < baseMass / 4,
        "sigmoid in every block breaks the flat-token detector: " + everywhere);
    assertNotEquals(
        baseMass,
        softmax1,
        "softmax1 changes the mass (slightly: logits to the sinks are well above 0)");
    assertTrue(softmax1 <= baseMass, "softmax1 can only remove mass");
  }
}
