package dev.sinkscope.app.gui.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.app.gui.Fixtures;
import dev.sinkscope.app.gui.canvas.HeadChoice;
import dev.sinkscope.app.gui.canvas.LayerMap;
import dev.sinkscope.app.gui.canvas.LayerMaps;
import dev.sinkscope.app.gui.canvas.Quantity;
import dev.sinkscope.app.gui.canvas.ViewerViewModel;
import dev.sinkscope.app.gui.compare.CompareViewModel;
import dev.sinkscope.app.gui.compare.MetricRow;
import dev.sinkscope.inference.analysis.AnalysisOptions;
import dev.sinkscope.inference.mitigation.MitigationStack;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shift/flip denoising through the inference thread on the bundled sink phantom and coffee.png,
 * whose planted artifacts {@code phantom.json} lists: only the last block's final features change,
 * most on the artifacts, cancellable between views, and the comparison shows both sides' final
 * features.
 */
@Tag("cross-machine")
@Tag("slow")
class ShiftFlipDenoisingTest {
  private static final Denoising SIX_VIEWS = Denoising.of(6, 3);

  @TempDir Path tmp;

  private BundledAssets assets;
  private final Fixtures.QueuedExecutor worker = new Fixtures.QueuedExecutor();
  private final Fixtures.Recorder recorder = new Fixtures.Recorder();

  @BeforeEach
  void assets() {
    assets = PhantomTruth.assets(tmp);
  }

  private ViewRequest request(CompareTarget compare, Denoising denoising) {
    return new ViewRequest(
        new ModelLocation.Bundled(BundledAssets.PHANTOM, assets),
        new ImageSource.Bundled("coffee.png", assets),
        MitigationStack.NONE,
        AnalysisOptions.defaults(),
        compare,
        denoising);
  }

  @Test
  void averagesTheFinalFeaturesAndChangesTheArtifactsMost() throws Exception {
    ViewOutcome plain = Fixtures.compute(request(CompareTarget.NONE, Denoising.OFF));
    ViewOutcome denoised = Fixtures.compute(request(CompareTarget.NONE, SIX_VIEWS));

    AnalyzedPass pass = denoised.primary();
    assertTrue(pass.denoised());
    assertEquals(6, pass.finalFeatures().views());
    assertNull(
        plain.primary().finalFeatures(), "off: the last block shows the block output as before");
    boolean[] artifact = PhantomTruth.coffeeArtifacts(assets, 16, 16);
    float[] change = pass.finalFeatures().change();
    double onArtifacts = PhantomTruth.mean(change, artifact, true);
    double elsewhere = PhantomTruth.mean(change, artifact, false);
    // the CLI's denoise test sees the same effect on rocket.jpg
    assertTrue(
        onArtifacts > 3 * elsewhere,
        "change on artifacts " + onArtifacts + " vs elsewhere " + elsewhere);

    // The canvas map at the last block: averaging disagreeing views shrinks the artifacts' final
    // norm.
    LayerMap map = LayerMaps.map(pass, Quantity.PATCH_NORM, 8, HeadChoice.MEAN, -1);
    double normOn = PhantomTruth.mean(map.grid().values(), artifact, true);
    double normOff = PhantomTruth.mean(map.grid().values(), artifact, false);
    assertTrue(
        normOn < 0.9 * normOff, "denoised final norm on artifacts " + normOn + " vs " + normOff);
    assertNotNull(LayerMaps.map(pass, Quantity.PCA_RGB, 8, HeadChoice.MEAN, -1).rgb());

    // Everything else is the single pass: same tensors, same maps at earlier blocks.
    // Exact on purpose: both sides come from this machine's engine with the same settings (ADR
    // 0019).
    assertArrayEquals(
        plain.primary().result().block(8).attention().data(),
        pass.result().block(8).attention().data());
    assertArrayEquals(
        LayerMaps.map(plain.primary(), Quantity.PATCH_NORM, 7, HeadChoice.MEAN, -1).grid().values(),
        LayerMaps.map(pass, Quantity.PATCH_NORM, 7, HeadChoice.MEAN, -1).grid().values());
  }

  @Test
  void reportsEveryViewAsProgressAndStopsBetweenViewsWhenSuperseded() {
    List<String> phases = new ArrayList<>();
    InferenceService[] holder = new InferenceService[1];
    Fixtures.Recorder interrupting =
        new Fixtures.Recorder() {
          boolean superseded;

          @Override
          public void progress(InferenceService.Progress p) {
            phases.add(p.generation() + " " + p.phase());
            if (!superseded && p.phase().equals("Shift/flip denoising: view 2 of 6")) {
              superseded = true;
              holder[0].submit(request(CompareTarget.NONE, Denoising.OFF));
            }
          }
        };
    InferenceService service =
        new InferenceService(worker, Runnable::run, Fixtures.cpu(), interrupting);
    try {
      holder[0] = service;
      long first = service.submit(request(CompareTarget.NONE, SIX_VIEWS));
      worker.runAll();

      assertEquals(1, interrupting.outcomes.size(), "only the newest request reports");
      assertFalse(interrupting.outcomes.get(0).primary().denoised());
      assertTrue(phases.contains(first + " Shift/flip denoising: view 1 of 6"), phases.toString());
      assertTrue(
          phases.stream().noneMatch(p -> p.startsWith(first + " ") && p.contains("view 3 of 6")),
          "the superseded average stopped after view 2: " + phases);
    } finally {
      service.close();
      worker.runAll(); // closes the model on the (test) worker
    }
  }

  @Test
  void aRepeatedRequestReusesTheAverage() {
    InferenceService service =
        new InferenceService(worker, Runnable::run, Fixtures.cpu(), recorder);
    try {
      service.submit(request(CompareTarget.NONE, SIX_VIEWS));
      worker.runAll();
      recorder.progress.clear();
      service.submit(request(CompareTarget.NONE, SIX_VIEWS));
      worker.runAll();

      assertSame(
          recorder.outcomes.get(0).primary().finalFeatures(),
          recorder.outcomes.get(1).primary().finalFeatures());
      assertTrue(
          recorder.progress.stream().noneMatch(p -> p.phase().startsWith("Shift/flip")),
          recorder.progress.toString());
    } finally {
      service.close();
      worker.runAll();
    }
  }

  @Test
  void theComparisonShowsTheSinglePassFinalFeaturesBesideTheAverage() throws Exception {
    ViewOutcome outcome = Fixtures.compute(request(CompareTarget.BEFORE_AFTER, SIX_VIEWS));

    AnalyzedPass before = outcome.comparison();
    AnalyzedPass after = outcome.primary();
    assertEquals(1, before.finalFeatures().views());
    assertArrayEquals(
        before.result().lastHiddenState().rowNorms(), before.finalFeatures().tokenNorms());
    List<MetricRow> rows = CompareViewModel.finalFeatureRows(before, after);
    MetricRow contrast = rows.get(1);
    assertEquals("Final features: norm on artifacts / elsewhere", contrast.metric());
    assertTrue(contrast.after() < contrast.before() - 0.1, contrast.toString());

    ViewerViewModel viewer = new ViewerViewModel();
    CompareViewModel compare = new CompareViewModel(viewer);
    compare.modeProperty().set(CompareTarget.Kind.BEFORE_AFTER);
    viewer.outcomeProperty().set(outcome);
    compare.refresh();
    assertTrue(compare.metrics().stream().anyMatch(r -> r.metric().startsWith("Final features")));
    assertTrue(
        compare.rightProperty().get().caption().contains("shift/flip average of 6 views"),
        compare.rightProperty().get().caption());
    assertTrue(
        compare.leftProperty().get().caption().contains("single pass"),
        compare.leftProperty().get().caption());
    assertTrue(
        viewer.renderedProperty().get().note().startsWith("Final features averaged over 6"),
        viewer.renderedProperty().get().note());

    Path json = tmp.resolve("metrics.json");
    dev.sinkscope.app.gui.export.Exporter.writeMetricsJson(outcome, null, after.blocks(), json);
    com.fasterxml.jackson.databind.JsonNode metrics =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
    // report's metrics.json layout: the shown pass, its before/after comparison, and what
    // denoising made of the final features
    com.fasterxml.jackson.databind.JsonNode features = metrics.get("finalFeatures");
    assertEquals(6, features.get("views").asInt());
    assertEquals(
        "denoise:views=6,seed=" + features.get("seed").asLong(), features.get("spec").asText());
    assertEquals(256, features.get("changeFromSinglePass").size());
    assertEquals(256, features.get("patchNorms").size());
    assertEquals(
        after.finalFeatures().tokenNorms()[after.result().layout().firstPatchIndex()],
        features.get("patchNorms").get(0).floatValue());
    // The "after" pass names what made it "after", though no mitigation in the stack is on.
    assertEquals("[]", metrics.get("mitigations").toString());
    assertEquals(after.blocks(), metrics.get("comparison").size());
    // No number is written as a string: non-finite values are null.
    assertFalse(
        java.nio.file.Files.readString(json).contains("\"NaN\""), "no \"NaN\" strings in the JSON");

    viewer.quantityProperty().set(Quantity.ATTENTION_RECEIVED);
    assertTrue(
        viewer.renderedProperty().get().note().contains("this map is the single unshifted pass"),
        viewer.renderedProperty().get().note());
  }
}
