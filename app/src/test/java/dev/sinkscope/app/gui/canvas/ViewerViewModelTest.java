package dev.sinkscope.app.gui.canvas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.app.gui.Fixtures;
import dev.sinkscope.app.gui.session.AnalyzedPass;
import dev.sinkscope.app.gui.session.PcaByBlock;
import dev.sinkscope.app.gui.session.ViewOutcome;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.result.LayerCapture;
import dev.sinkscope.inference.result.TokenLayout;
import dev.sinkscope.render.PatchPosition;
import dev.sinkscope.render.Raster;
import java.awt.Rectangle;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The canvas presentation model on a real captured pass, without a JavaFX toolkit. */
class ViewerViewModelTest {
  private ViewerViewModel vm;
  private ViewOutcome outcome;

  @BeforeEach
  void show() {
    outcome = Fixtures.outcome(Fixtures.DINOV2);
    vm = new ViewerViewModel();
    vm.outcomeProperty().set(outcome);
  }

  private AnalyzedPass pass() {
    return outcome.primary();
  }

  private float[] patchNorms(int block) {
    TokenLayout layout = pass().result().layout();
    float[] norms = pass().result().block(block).tokenNorms();
    return Arrays.copyOfRange(
        norms, layout.firstPatchIndex(), layout.firstPatchIndex() + layout.patchCount());
  }

  @Test
  void opensOnTheLastBlockShowingPatchNorms() {
    RenderedView view = vm.renderedProperty().get();

    assertEquals(4, vm.blockProperty().get());
    assertEquals(4, vm.blockCountProperty().get());
    assertArrayEquals(patchNorms(4), view.map().grid().values());
    assertNotNull(view.legend());
    assertEquals("Patch norm · block 4 of 4", view.caption());
  }

  @Test
  void scrubbingShowsEachBlockFromTheCapturedPass() {
    Raster atFour = vm.renderedProperty().get().picture();

    vm.stepBlock(-1);

    assertEquals(3, vm.blockProperty().get());
    assertArrayEquals(patchNorms(3), vm.renderedProperty().get().map().grid().values());
    assertNotEquals(atFour, vm.renderedProperty().get().picture());
    assertTrue(outcome == vm.outcomeProperty().get(), "the same pass, nothing re-run");
  }

  @Test
  void stepsStopAtTheEndsAndPlaybackWraps() {
    vm.stepBlock(5);
    assertEquals(4, vm.blockProperty().get());
    vm.advanceBlockWrapping();
    assertEquals(1, vm.blockProperty().get());
    vm.stepBlock(-1);
    assertEquals(1, vm.blockProperty().get());
  }

  @Test
  void scrubbingRedrawsEachBlockFromTheCapturedPass() {
    // How fast a redraw is belongs to bench ("views", docs/benchmarks.md): a unit test cannot know
    // how
    // busy the machine is. What it can check exactly: every block shown comes from the captured
    // pass.
    for (int i = 0; i < 9; i++) {
      int block = 1 + i % 4;
      vm.blockProperty().set(block);
      assertArrayEquals(
          patchNorms(block), vm.renderedProperty().get().map().grid().values(), "block " + block);
    }
  }

  @Test
  void headChoiceSelectsPerHeadReceivedAttention() {
    vm.quantityProperty().set(Quantity.ATTENTION_RECEIVED);
    float[] mean = vm.renderedProperty().get().map().grid().values().clone();
    vm.headProperty().set(HeadChoice.single(0));
    float[] head0 = vm.renderedProperty().get().map().grid().values().clone();
    vm.headProperty().set(HeadChoice.MAX);
    float[] max = vm.renderedProperty().get().map().grid().values().clone();

    assertFalse(Arrays.equals(mean, head0));
    for (int i = 0; i < mean.length; i++) {
      assertTrue(max[i] >= mean[i] - 1e-6f && max[i] >= head0[i] - 1e-6f, "max over heads at " + i);
    }
  }

  @Test
  void headStepsCycleThroughMeanMaxAndEveryHead() {
    assertEquals(
        List.of(
            HeadChoice.MEAN,
            HeadChoice.MAX,
            HeadChoice.single(0),
            HeadChoice.single(1),
            HeadChoice.single(2),
            HeadChoice.single(3)),
        vm.headChoices());
    vm.stepHead(1);
    assertEquals(HeadChoice.MAX, vm.headProperty().get());
    vm.stepHead(-2);
    assertEquals(HeadChoice.single(3), vm.headProperty().get());
  }

  @Test
  void hoverReportsNormRankAndSinkRatio() {
    TokenLayout layout = pass().result().layout();
    float[] norms = patchNorms(4);
    int largest = 0;
    for (int i = 1; i < norms.length; i++) {
      largest = norms[i] > norms[largest] ? i : largest;
    }
    PatchPosition patch =
        new PatchPosition(largest / layout.gridCols(), largest % layout.gridCols());

    vm.hoveredPatchProperty().set(patch);
    PatchInfo info = vm.hoverInfoProperty().get();

    assertEquals(norms[largest], info.norm(), 1e-4);
    assertEquals(1, info.normRank());
    assertEquals(256, info.patchCount());
    assertTrue(info.blockSinkRatio() > 0);
    assertTrue(
        info.summary().startsWith("patch (" + patch.row() + ", " + patch.col() + ")"),
        info.summary());
  }

  @Test
  void aClickOnThePhotoFindsThePatchTheModelSaw() {
    Rectangle seen = pass().geometry().visibleOriginalPixels();

    assertEquals(new PatchPosition(0, 0), vm.patchAt(seen.x + 1, seen.y + 1).orElseThrow());
    assertEquals(
        new PatchPosition(15, 15),
        vm.patchAt(seen.x + seen.width - 1, seen.y + seen.height - 1).orElseThrow());
    assertTrue(vm.patchAt(seen.x - 5, seen.y + 5).isEmpty(), "outside the centre crop");
  }

  @Test
  void aSelectedPatchShowsWhatItAttendsToAndWhatAttendsToIt() {
    PatchPosition patch = new PatchPosition(5, 7);
    vm.togglePatchSelection(patch);
    vm.quantityProperty().set(Quantity.ATTENDS_TO);

    TokenLayout layout = pass().result().layout();
    int token = layout.patchToken(5, 7);
    LayerCapture capture = pass().result().block(4);
    float[] expected = new float[layout.patchCount()];
    for (int h = 0; h < capture.heads(); h++) {
      for (int p = 0; p < expected.length; p++) {
        expected[p] += capture.attention(h, token, layout.firstPatchIndex() + p) / capture.heads();
      }
    }
    float[] shown = vm.renderedProperty().get().map().grid().values();
    for (int p = 0; p < expected.length; p++) {
      assertEquals(expected[p], shown[p], 1e-6);
    }
    assertNotNull(vm.attendsToPreviewProperty().get());
    assertNotNull(vm.attendedByPreviewProperty().get());
    assertEquals(token, vm.selectionInfoProperty().get().token());

    vm.togglePatchSelection(patch);
    assertNull(vm.selectedPatchProperty().get(), "a second click clears the selection");
    assertNull(vm.attendsToPreviewProperty().get());
  }

  @Test
  void attentionOfASelectionExplainsItselfWhenNothingIsSelected() {
    vm.quantityProperty().set(Quantity.ATTENDED_BY);

    RenderedView view = vm.renderedProperty().get();
    assertNull(view.map());
    assertNull(view.legend());
    assertEquals("Click a patch to see its attention.", view.note());
  }

  @Test
  void zeroOpacityWithoutMarkersLeavesThePhotoUntouched() {
    vm.showArtifactsProperty().set(false);
    vm.showSinksProperty().set(false);
    vm.opacityProperty().set(0);

    Raster picture = vm.renderedProperty().get().picture();
    Raster photo = outcome.image().photo();
    Rectangle seen = pass().geometry().visibleOriginalPixels();
    for (int y = seen.y; y < seen.y + seen.height; y += 7) {
      for (int x = seen.x; x < seen.x + seen.width; x += 7) {
        assertEquals(photo.get(x, y), picture.get(x, y), "pixel " + x + "," + y);
      }
    }
  }

  @Test
  void everyQuantityDrawsSomething() {
    vm.togglePatchSelection(new PatchPosition(3, 3));
    for (Quantity q : Quantity.values()) {
      vm.quantityProperty().set(q);
      RenderedView view = vm.renderedProperty().get();
      assertNotNull(view.map(), q + ": " + view.note());
      assertNotNull(view.legend(), q + " legend (PCA colours: their key)");
    }
  }

  @Test
  void pcaViewSaysItIsComputingUntilThePerBlockPcaArrivesThenShowsIt() {
    AnalyzedPass ready = pass();
    AnalyzedPass pending =
        new AnalyzedPass(
            ready.label(),
            ready.model(),
            ready.mitigations(),
            ready.result(),
            ready.report(),
            ready.geometry(),
            PcaByBlock.pending(ready.result(), ready.report()),
            ready.recomputedFromBlock(),
            ready.forwardMillis(),
            ready.analysisMillis(),
            null,
            null);
    vm.outcomeProperty()
        .set(
            new ViewOutcome(
                outcome.generation(),
                outcome.request(),
                outcome.model(),
                outcome.image(),
                pending,
                null,
                outcome.loadMillis()));
    vm.quantityProperty().set(Quantity.PCA_RGB);
    vm.blockProperty().set(2);

    RenderedView waiting = vm.renderedProperty().get();
    assertNull(waiting.map());
    assertTrue(waiting.note().contains("Computing PCA colours"), waiting.note());

    pending.pcaByBlock().compute(CancellationToken.NONE); // what the inference lane does next
    vm.refresh(); // what the window does when it arrives

    RenderedView shown = vm.renderedProperty().get();
    assertNotNull(shown.map(), shown.note());
    assertArrayEquals(ready.pcaByBlock().get(1).rgb(), shown.map().rgb().rgb(), "the same colours");
  }

  @Test
  void aPassWhoseRestIsPendingSaysComputingWhereItWouldShowSinksThenFillsThemIn() {
    AnalyzedPass ready = pass();
    var stages =
        dev.sinkscope.app.gui.session.StagedAnalysis.pending(
            ready.result(),
            dev.sinkscope.inference.analysis.Analyzer.firstPicture(
                ready.result(), ready.report().options()));
    AnalyzedPass pending =
        new AnalyzedPass(
            ready.label(),
            ready.model(),
            ready.mitigations(),
            ready.result(),
            stages,
            ready.geometry(),
            PcaByBlock.pending(ready.result(), stages),
            ready.recomputedFromBlock(),
            ready.forwardMillis(),
            ready.analysisMillis(),
            null,
            null);
    ViewOutcome shownOutcome =
        new ViewOutcome(
            outcome.generation(),
            outcome.request(),
            outcome.model(),
            outcome.image(),
            pending,
            null,
            outcome.loadMillis());
    vm.outcomeProperty().set(shownOutcome);

    assertTrue(vm.analysisPendingProperty().get());
    assertNotNull(vm.renderedProperty().get().map(), "the patch norm needs only the first part");
    assertEquals(
        ready.report().summaries().get(3).maxOverMedian(),
        vm.blockSummaryProperty().get().maxOverMedian());
    vm.quantityProperty().set(Quantity.ATTENTION_RECEIVED);
    assertNull(vm.renderedProperty().get().map());
    assertTrue(vm.renderedProperty().get().note().contains("Computing sink scores"));
    vm.quantityProperty().set(Quantity.ROLLOUT);
    assertTrue(vm.renderedProperty().get().note().contains("Computing rollout"));
    var lesson = dev.sinkscope.app.gui.lessons.LessonValues.of(shownOutcome, null, null, 4);
    assertEquals(dev.sinkscope.app.gui.lessons.LessonValues.COMPUTING, lesson.get("sinkMass"));
    assertEquals(
        dev.sinkscope.app.gui.lessons.LessonValues.COMPUTING, lesson.get("massiveActivations"));
    assertEquals(
        dev.sinkscope.app.gui.lessons.LessonValues.of(outcome, null, null, 4).get("maxOverMedian"),
        lesson.get("maxOverMedian"));

    stages.complete(); // what the inference lane does next
    vm.analysisArrived(); // what the window does when it arrives

    assertFalse(vm.analysisPendingProperty().get());
    assertNotNull(vm.renderedProperty().get().map(), "the rollout is drawn now");
    assertEquals(ready.report().summaries().get(3), vm.blockSummaryProperty().get());
    assertEquals(
        dev.sinkscope.app.gui.lessons.LessonValues.of(outcome, null, null, 4),
        dev.sinkscope.app.gui.lessons.LessonValues.of(shownOutcome, null, null, 4));
  }

  @Test
  void pcaColoursSpreadEachComponentOverItsPercentilesAndTheKeySaysSo() {
    vm.quantityProperty().set(Quantity.PCA_RGB);
    vm.blockProperty().set(3);
    RenderedView view = vm.renderedProperty().get();
    var pca = pass().pcaByBlock().get(2);
    int[] artifacts = dev.sinkscope.app.report.PcaColours.artifacts(pass().report(), 3);
    var stretch = dev.sinkscope.app.report.PcaColours.stretch(pca, artifacts);
    // over the patches the percentiles count: not artifacts, not a zeroed background
    java.util.Set<Integer> artifactSet = new java.util.HashSet<>();
    for (int a : artifacts) {
      artifactSet.add(a);
    }
    List<Integer> counted = new java.util.ArrayList<>();
    for (int p = 0; p < pca.gridRows() * pca.gridCols(); p++) {
      if (!artifactSet.contains(p) && (!pca.backgroundZeroed() || pca.foreground()[p])) {
        counted.add(p);
      }
    }
    int n = counted.size();
    for (int c = 0; c < 3; c++) {
      float[] shown = new float[n];
      float[] minMax = new float[n];
      for (int i = 0; i < n; i++) {
        shown[i] = stretch.grid().rgb()[3 * counted.get(i) + c];
        minMax[i] = pca.rgb()[3 * counted.get(i) + c];
      }
      java.util.Arrays.sort(shown);
      java.util.Arrays.sort(minMax);
      // the middle 90 % of the patches spans more of the colour range than under min-max
      float spread = shown[n * 95 / 100] - shown[n * 5 / 100];
      float before = minMax[n * 95 / 100] - minMax[n * 5 / 100];
      assertTrue(spread >= before, "PC" + (c + 1) + ": " + spread + " vs " + before);
      // and these patches alone span the whole colour range, black to full
      assertEquals(0f, shown[0], 1e-6f, "PC" + (c + 1));
      assertEquals(1f, shown[n - 1], 1e-6f, "PC" + (c + 1));
    }
    var key = view.legend();
    assertNotNull(key, "PCA colours have a key");
    var notes = dev.sinkscope.app.report.PcaColours.notes(pca, stretch, artifacts);
    assertTrue(notes.get(0).contains("block 3's output"), notes.get(0));
    assertTrue(notes.get(1).contains("1st–99th percentile"), notes.get(1));
    assertTrue(
        dev.sinkscope.app.report.PcaColours.channels(pca).get(0).startsWith("R = PC1, "),
        dev.sinkscope.app.report.PcaColours.channels(pca).toString());
    int red =
        key.raster().get(key.bar().x + key.bar().width - 1, key.bar().y + key.bar().height / 6);
    assertTrue(
        ((red >> 16) & 0xFF) > 240 && (red & 0xFFFF) == 0,
        "the key's first row ends in pure red: " + Integer.toHexString(red));
  }

  @Test
  void aSharedScaleSpansEveryBlock() {
    vm.scaleAcrossBlocksProperty().set(true);
    double hi = 0;
    for (int b = 1; b <= 4; b++) {
      for (float v : patchNorms(b)) {
        hi = Math.max(hi, v);
      }
    }
    vm.blockProperty().set(1);

    assertEquals(hi, vm.renderedProperty().get().scale().hi(), 1e-4);
  }

  @Test
  void registersAppearBesideThePhotoInTheSameColours() {
    ViewerViewModel withRegisters = new ViewerViewModel();
    withRegisters.outcomeProperty().set(Fixtures.outcome(Fixtures.DINOV2_REGISTERS));

    List<String> names =
        withRegisters.renderedProperty().get().chips().stream().map(TokenChip::name).toList();

    assertEquals(List.of("CLS", "reg 1", "reg 2", "reg 3", "reg 4"), names);
  }
}
