package dev.sinkscope.app.gui.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.app.gui.Fixtures;
import dev.sinkscope.inference.analysis.AnalysisOptions;
import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.Analyzer;
import dev.sinkscope.inference.analysis.PatchPca;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.mitigation.AttentionNormalizer;
import dev.sinkscope.inference.mitigation.BlockRange;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.mitigation.RegisterAblation;
import dev.sinkscope.inference.model.ModelLoadException;
import dev.sinkscope.inference.pipeline.InspectionPipeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inference thread's contract, run deterministically on the test thread. */
class InferenceServiceTest {
  @TempDir Path tmp;

  private final Fixtures.QueuedExecutor worker = new Fixtures.QueuedExecutor();
  private final Fixtures.Recorder recorder = new Fixtures.Recorder();
  private InferenceService service;

  @BeforeEach
  void start() {
    service = new InferenceService(worker, Runnable::run, Fixtures.cpu(), recorder);
  }

  @AfterEach
  void stop() {
    service.close();
    worker.runAll();
  }

  private static ViewRequest request(Path model, MitigationStack stack, CompareTarget compare) {
    return new ViewRequest(
        new ModelLocation.Folder(model),
        new ImageSource.FromFile(Fixtures.coffee()),
        stack,
        AnalysisOptions.defaults(),
        compare);
  }

  private static ViewRequest request(Path model, MitigationStack stack) {
    return request(model, stack, CompareTarget.NONE);
  }

  private static final MitigationStack SOFTMAX1_FROM_BLOCK_2 =
      MitigationStack.of(AttentionNormalizer.softmax1(new BlockRange(2, 3)));

  @Test
  void deliversHostSideResultsOfEveryBlock() {
    service.submit(request(Fixtures.DINOV2, MitigationStack.NONE));
    worker.runAll();

    ViewOutcome outcome = recorder.outcomes.get(0);
    assertEquals(4, outcome.primary().blocks());
    assertEquals(257, outcome.primary().result().layout().totalTokens());
    assertEquals(600, outcome.image().photo().width());
    assertNotNull(outcome.primary().result().block(4).attention(), "attention maps are captured");
    assertEquals(4, outcome.primary().pcaByBlock().all().stream().filter(p -> p != null).count());
    assertNull(outcome.comparison());
  }

  @Test
  void publishesThePictureBeforeThePerBlockPcaWhichFollowsOnTheSameLane() {
    service.submit(request(Fixtures.DINOV2, MitigationStack.NONE));
    worker.runNext(); // the request alone

    assertEquals(1, recorder.outcomes.size(), "the picture does not wait for the PCA");
    AnalyzedPass pass = recorder.outcomes.get(0).primary();
    assertFalse(pass.pcaByBlock().ready());
    assertNull(pass.pcaByBlock().get(0), "block 1 has no PCA before it is computed");
    assertSame(
        InspectionPipeline.lastBlockPcaWithoutFit(pass.result(), pass.report()),
        pass.pcaByBlock().get(3),
        "the last block shows the analysis's PCA at once where it is the same fit");
    assertTrue(recorder.pcaReady.isEmpty());
    assertEquals(1, worker.pending(), "the PCA is queued right after the picture");

    worker.runAll();

    assertEquals(List.of(recorder.outcomes.get(0)), recorder.pcaReady);
    assertTrue(pass.pcaByBlock().ready());
    List<PatchPca> expected =
        InspectionPipeline.pcaByBlock(pass.result(), pass.report(), CancellationToken.NONE);
    List<PatchPca> actual = pass.pcaByBlock().all();
    assertEquals(expected.size(), actual.size());
    for (int b = 0; b < expected.size(); b++) {
      assertNotNull(actual.get(b), "block " + (b + 1));
      assertArrayEquals(expected.get(b).rgb(), actual.get(b).rgb(), "block " + (b + 1));
      assertArrayEquals(
          expected.get(b).foreground(), actual.get(b).foreground(), "block " + (b + 1));
      assertEquals(expected.get(b).block(), actual.get(b).block());
    }
  }

  @Test
  void aNewerRequestSkipsTheOlderPassesPcaAndGetsItsOwn() {
    service.submit(request(Fixtures.DINOV2, MitigationStack.NONE));
    worker.runNext();
    AnalyzedPass older = recorder.outcomes.get(0).primary();
    service.submit(request(Fixtures.DINOV2, SOFTMAX1_FROM_BLOCK_2));
    worker.runAll();

    assertEquals(2, recorder.outcomes.size());
    assertFalse(older.pcaByBlock().ready(), "superseded: its PCA was skipped");
    assertEquals(List.of(recorder.outcomes.get(1)), recorder.pcaReady);
    assertTrue(recorder.outcomes.get(1).primary().pcaByBlock().ready());
  }

  /** The whole report as JSON: every number and note, arrays included. */
  private static String json(AnalysisReport report) throws Exception {
    return new ObjectMapper().writeValueAsString(report);
  }

  private static ViewRequest wholeAnalysisFirst(ViewRequest r) {
    return new ViewRequest(
        r.model(), r.image(), r.mitigations(), r.analysis(), r.compare(), r.denoising(), true);
  }

  @Test
  void publishesThePictureWithTheNormAnalysisAndTheRestRightAfterIt() throws Exception {
    ViewRequest request = request(Fixtures.DINOV2, MitigationStack.NONE);
    service.submit(request);
    worker.runNext(); // the request alone

    assertEquals(1, recorder.outcomes.size(), "the picture does not wait for the rest");
    AnalyzedPass pass = recorder.outcomes.get(0).primary();
    AnalysisReport oneShot = Analyzer.analyze(pass.result(), request.analysis());
    assertFalse(pass.analysisReady());
    AnalysisReport first = pass.report();
    assertEquals(
        new ObjectMapper().writeValueAsString(oneShot.norms()),
        new ObjectMapper().writeValueAsString(first.norms()),
        "norms and artifacts are the whole analysis's");
    assertEquals(oneShot.emergence().block(), first.emergence().block());
    assertNull(first.sinks(), "no sink score before it is computed");
    assertTrue(first.massiveActivations().isEmpty());
    assertNull(first.rollout());
    assertTrue(recorder.analysisReady.isEmpty());
    assertEquals(1, worker.pending(), "the rest is queued right after the picture");

    worker.runAll();

    assertEquals(List.of(recorder.outcomes.get(0)), recorder.analysisReady);
    assertTrue(pass.analysisReady());
    assertEquals(json(oneShot), json(pass.report()), "the rest equals a one-shot analysis");
    assertNotNull(pass.report().sinks());
    assertEquals(List.of(recorder.outcomes.get(0)), recorder.pcaReady, "then the PCA");
    assertTrue(pass.pcaByBlock().ready());
  }

  @Test
  void aViewThatNeedsTheWholeAnalysisGetsItBeforeItsPicture() throws Exception {
    ViewRequest request = wholeAnalysisFirst(request(Fixtures.DINOV2, MitigationStack.NONE));
    service.submit(request);
    worker.runNext();

    AnalyzedPass pass = recorder.outcomes.get(0).primary();
    assertTrue(pass.analysisReady());
    assertEquals(json(Analyzer.analyze(pass.result(), request.analysis())), json(pass.report()));
    assertFalse(pass.pcaByBlock().ready(), "the per-block PCA still follows the picture");
    assertNotNull(pass.pcaByBlock().get(3), "the last block's PCA is the analysis's");
    worker.runAll();
    assertTrue(recorder.analysisReady.isEmpty(), "nothing was left to fill in");
    assertEquals(List.of(recorder.outcomes.get(0)), recorder.pcaReady);
  }

  @Test
  void aNewerRequestCancelsTheOlderPassesPendingAnalysis() {
    service.submit(request(Fixtures.DINOV2, MitigationStack.NONE));
    worker.runNext();
    AnalyzedPass older = recorder.outcomes.get(0).primary();
    service.submit(request(Fixtures.DINOV2, SOFTMAX1_FROM_BLOCK_2));
    worker.runAll();

    assertFalse(older.analysisReady(), "superseded: the rest of its analysis was skipped");
    assertEquals(List.of(recorder.outcomes.get(1)), recorder.analysisReady);
    assertTrue(recorder.outcomes.get(1).primary().analysisReady());
  }

  @Test
  void aComparisonPassGetsTheRestOfItsAnalysisToo() throws Exception {
    service.submit(request(Fixtures.DINOV2, SOFTMAX1_FROM_BLOCK_2, CompareTarget.BEFORE_AFTER));
    worker.runNext();
    ViewOutcome outcome = recorder.outcomes.get(0);
    assertFalse(outcome.comparison().analysisReady());
    worker.runAll();
    assertTrue(outcome.primary().analysisReady());
    assertTrue(outcome.comparison().analysisReady());
    assertEquals(
        json(Analyzer.analyze(outcome.comparison().result(), AnalysisOptions.defaults())),
        json(outcome.comparison().report()));
  }

  @Test
  void runsOnlyTheNewestOfQueuedRequests() {
    service.submit(request(Fixtures.DINOV2, MitigationStack.NONE));
    long newest = service.submit(request(Fixtures.DINOV2, SOFTMAX1_FROM_BLOCK_2));
    worker.runAll();

    assertEquals(1, recorder.outcomes.size());
    assertEquals(newest, recorder.outcomes.get(0).generation());
    assertEquals(SOFTMAX1_FROM_BLOCK_2, recorder.outcomes.get(0).primary().mitigations());
  }

  @Test
  void cancelsARunningRequestBetweenBlocksWhenSuperseded() {
    List<String> phases = new ArrayList<>();
    Fixtures.Recorder interrupting =
        new Fixtures.Recorder() {
          boolean superseded;

          @Override
          public void progress(InferenceService.Progress p) {
            phases.add(p.generation() + " " + p.phase());
            if (!superseded && p.phase().contains("block 1 of 4")) {
              superseded = true;
              service.submit(request(Fixtures.DINOV2, SOFTMAX1_FROM_BLOCK_2));
            }
          }
        };
    service.close();
    service = new InferenceService(worker, Runnable::run, Fixtures.cpu(), interrupting);
    long first = service.submit(request(Fixtures.DINOV2, MitigationStack.NONE));
    worker.runAll();

    assertEquals(1, interrupting.outcomes.size());
    assertEquals(SOFTMAX1_FROM_BLOCK_2, interrupting.outcomes.get(0).primary().mitigations());
    assertTrue(
        phases.stream().noneMatch(p -> p.startsWith(first + " ") && p.contains("block 2 of 4")),
        "the superseded pass stopped after block 1: " + phases);
  }

  @Test
  void recomputesOnlyFromTheFirstBlockAMitigationChanges() {
    service.submit(request(Fixtures.DINOV2, MitigationStack.NONE));
    worker.runAll();
    service.submit(request(Fixtures.DINOV2, SOFTMAX1_FROM_BLOCK_2));
    worker.runAll();
    service.submit(request(Fixtures.DINOV2, MitigationStack.NONE));
    worker.runAll();

    assertEquals(0, recorder.outcomes.get(0).primary().recomputedFromBlock());
    assertEquals(2, recorder.outcomes.get(1).primary().recomputedFromBlock());
    assertEquals(
        4,
        recorder.outcomes.get(2).primary().recomputedFromBlock(),
        "all off returns the cached baseline");
    assertSame(
        recorder.outcomes.get(0).primary().result(), recorder.outcomes.get(2).primary().result());
  }

  @Test
  void reportsABrokenModelAndKeepsThePreviousOneLoaded() throws Exception {
    service.submit(request(Fixtures.DINOV2, MitigationStack.NONE));
    worker.runAll();
    service.submit(request(Fixtures.brokenModel(tmp), MitigationStack.NONE));
    worker.runAll();
    service.submit(request(Fixtures.DINOV2, SOFTMAX1_FROM_BLOCK_2));
    worker.runAll();

    assertInstanceOf(ModelLoadException.class, recorder.failures.get(0));
    assertTrue(
        recorder.failures.get(0).getMessage().contains("broken-model"),
        recorder.failures.get(0).getMessage());
    assertEquals(2, recorder.outcomes.size());
    assertSame(
        recorder.outcomes.get(0).model(), recorder.outcomes.get(1).model(), "not loaded again");
    assertEquals(2, recorder.outcomes.get(1).primary().recomputedFromBlock());
  }

  @Test
  void comparesBeforeAndAfterTheMitigations() {
    service.submit(request(Fixtures.DINOV2, SOFTMAX1_FROM_BLOCK_2, CompareTarget.BEFORE_AFTER));
    worker.runAll();

    ViewOutcome outcome = recorder.outcomes.get(0);
    assertEquals(MitigationStack.NONE, outcome.comparison().mitigations());
    assertEquals("before", outcome.comparison().label());
    assertEquals("after", outcome.primary().label());
    assertEquals(
        2, outcome.primary().recomputedFromBlock(), "the mitigated pass resumes from the baseline");
  }

  @Test
  void comparesAgainstASecondModelOnTheSamePhoto() {
    service.submit(
        request(
            Fixtures.DINOV2,
            MitigationStack.NONE,
            CompareTarget.otherModel(new ModelLocation.Folder(Fixtures.DINOV2_REGISTERS))));
    worker.runAll();

    ViewOutcome outcome = recorder.outcomes.get(0);
    assertEquals(0, outcome.primary().result().layout().registers());
    assertEquals(4, outcome.comparison().result().layout().registers());
    assertTrue(
        outcome.comparison().label().startsWith("B: dinov2-reg-hf"), outcome.comparison().label());
  }

  @Test
  void dropsTrainedRegistersWhenAsked() {
    service.submit(request(Fixtures.DINOV2_REGISTERS, MitigationStack.of(new RegisterAblation())));
    worker.runAll();

    assertEquals(0, recorder.outcomes.get(0).primary().result().layout().registers());
  }

  @Test
  void reportsProgressPerBlockOfTheNewestRequest() {
    service.submit(request(Fixtures.DINOV2, MitigationStack.NONE));
    worker.runAll();

    assertTrue(
        recorder.progress.stream()
            .anyMatch(p -> p.phase().equals("dinov2-hf: block 4 of 4") && p.fraction() == 1.0),
        recorder.progress.toString());
  }

  @Test
  void acceptsNoWorkAfterClosing() {
    service.close();
    service.submit(request(Fixtures.DINOV2, MitigationStack.NONE));
    worker.runAll();

    assertEquals(List.of(), recorder.outcomes);
  }
}
