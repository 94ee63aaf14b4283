package dev.sinkscope.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.app.gui.common.UserError;
import dev.sinkscope.app.gui.compare.MetricRow;
import dev.sinkscope.app.gui.main.AppPreferences;
import dev.sinkscope.app.gui.main.MainViewModel;
import dev.sinkscope.app.gui.main.NeuronMapsModel;
import dev.sinkscope.app.gui.mitigations.NeuronMapChoice;
import dev.sinkscope.app.gui.session.CompareTarget;
import dev.sinkscope.app.gui.session.InferenceService;
import dev.sinkscope.app.gui.session.ModelLocation;
import dev.sinkscope.app.gui.session.ViewOutcome;
import dev.sinkscope.app.gui.tasks.LaneTaskExecutor;
import dev.sinkscope.inference.mitigation.AttentionNormalizer;
import dev.sinkscope.inference.mitigation.HeadGate;
import dev.sinkscope.inference.mitigation.NeuronDiscovery;
import dev.sinkscope.inference.mitigation.TestTimeRegisters;
import dev.sinkscope.render.PngExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application presentation model with a real inference service whose worker the test drives.
 */
class MainViewModelTest {
  @TempDir Path tmp;

  private final Fixtures.QueuedExecutor worker = new Fixtures.QueuedExecutor();
  private Preferences node;
  private MainViewModel vm;

  @BeforeEach
  void open() {
    node = Preferences.userRoot().node("dev/sinkscope/test/main-" + System.nanoTime());
    BundledAssets assets =
        new BundledAssets(
            getClass().getClassLoader(), BundledAssetsTest.ROOT, tmp.resolve("cache"));
    vm =
        new MainViewModel(
            listener -> new InferenceService(worker, Runnable::run, Fixtures.cpu(), listener),
            assets,
            new AppPreferences(node),
            new LaneTaskExecutor(worker, Runnable::run, Runnable::run));
    vm.startDefault(Fixtures.DINOV2, Fixtures.coffee());
    worker.runAll();
  }

  @AfterEach
  void close() throws BackingStoreException {
    vm.close();
    worker.runAll();
    node.removeNode();
  }

  private ViewOutcome outcome() {
    return vm.outcomeProperty().get();
  }

  @Test
  void opensTheModelAndPhotoItWasStartedWith() {
    assertEquals("dinov2-hf", vm.modelProperty().get().displayName());
    assertEquals("Sinkscope — dinov2-hf — coffee.png", vm.titleProperty().get());
    assertFalse(vm.busyProperty().get());
    assertNotNull(vm.viewer().renderedProperty().get().legend());
    assertEquals(List.of(Fixtures.DINOV2), vm.recentModels());
    assertEquals(List.of(Fixtures.coffee()), vm.recentImages());
    assertTrue(vm.timingsProperty().get().startsWith("forward "), vm.timingsProperty().get());
  }

  @Test
  void startsOnTheFirstBundledPhotoWhenNoneIsGiven() {
    vm.startDefault(Fixtures.DINOV2, null);
    worker.runAll();

    assertEquals("camera.png", outcome().image().displayName());
  }

  @Test
  void aBrokenModelShowsOneErrorAndKeepsThePreviousModel() throws Exception {
    ViewOutcome before = outcome();

    vm.openModel(Fixtures.brokenModel(tmp));
    worker.runAll();

    UserError error = vm.errorProperty().get();
    assertEquals("Cannot open model", error.title());
    assertTrue(error.message().contains("broken-model"), error.message());
    assertTrue(error.details().contains("ModelLoadException"), "details keep the stack trace");
    assertSame(before, outcome());
    assertEquals("dinov2-hf", vm.modelProperty().get().displayName());

    vm.mitigations().normalizerOnProperty().set(true);
    worker.runAll();

    assertSame(error, vm.errorProperty().get(), "the next change does not retry the broken model");
    assertEquals("dinov2-hf", outcome().model().displayName());
    assertInstanceOf(
        AttentionNormalizer.class, outcome().primary().mitigations().mitigations().get(0));
  }

  @Test
  void aMissingImageIsReportedByName() {
    vm.openImage(tmp.resolve("nope.png"));
    worker.runAll();

    assertTrue(
        vm.errorProperty().get().message().contains("nope.png"),
        vm.errorProperty().get().message());
    assertEquals("coffee.png", outcome().image().displayName());
  }

  @Test
  void testTimeRegistersAddATokenOffTheGrid() {
    vm.neuronMaps().load(Fixtures.TTR_NEURONS);
    assertTrue(vm.mitigations().neuronMapProperty().get().label().startsWith("ttr.json"));

    vm.mitigations().ttrOnProperty().set(true);
    worker.runAll();

    assertInstanceOf(
        TestTimeRegisters.class, outcome().primary().mitigations().mitigations().get(0));
    assertEquals(1, outcome().primary().result().layout().testTimeRegisters());
    assertTrue(
        vm.viewer().renderedProperty().get().chips().stream()
            .anyMatch(c -> c.name().equals("TTR 1")));
  }

  @Test
  void theHeadGateRerunsFromItsFirstBlock() {
    vm.mitigations().gateBlocksProperty().set("2-3");
    vm.mitigations().gateOnProperty().set(true);
    worker.runAll();

    assertInstanceOf(HeadGate.class, outcome().primary().mitigations().mitigations().get(0));
    assertEquals(2, outcome().primary().recomputedFromBlock());
  }

  @Test
  void switchingTrainedRegistersOffDropsThem() {
    vm.openModel(Fixtures.DINOV2_REGISTERS);
    worker.runAll();
    assertTrue(vm.mitigations().registersAvailableProperty().get());

    vm.mitigations().registersOffProperty().set(true);
    worker.runAll();

    assertEquals(0, outcome().primary().result().layout().registers());
  }

  @Test
  void cancellingKeepsTheLastPictureAndMarksItStale() {
    ViewOutcome before = outcome();
    vm.mitigations().normalizerOnProperty().set(true);
    assertTrue(vm.busyProperty().get());

    vm.cancel();
    worker.runAll();

    assertSame(before, outcome());
    assertFalse(vm.busyProperty().get());
    assertTrue(vm.staleProperty().get());

    vm.rerun();
    worker.runAll();
    assertFalse(vm.staleProperty().get());
    assertEquals(1, outcome().primary().mitigations().mitigations().size());
  }

  @Test
  void comparesBeforeAndAfterWithOneScaleAndAMetricsTable() {
    vm.compare().activeProperty().set(true);
    vm.mitigations().normalizerKindProperty().set(AttentionNormalizer.Kind.SIGMOID);
    vm.mitigations().normalizerOnProperty().set(true);
    vm.compare().modeProperty().set(CompareTarget.Kind.BEFORE_AFTER);
    worker.runAll();

    assertEquals(CompareTarget.BEFORE_AFTER, vm.appliedCompareTarget());
    assertSame(
        vm.compare().leftProperty().get().scale(), vm.compare().rightProperty().get().scale());
    assertNotNull(vm.compare().differenceProperty().get());
    assertNotNull(vm.compare().wipedProperty().get());
    // a drag on the wipe moves its divider to the pointer's column
    int width = vm.compare().wipedProperty().get().width();
    vm.compare().wipeAt(width * 0.25);
    assertEquals(0.25, vm.compare().wipeProperty().get(), 1e-9);
    vm.compare().wipeAt(-40);
    assertEquals(0, vm.compare().wipeProperty().get(), 1e-9);
    assertEquals(List.of("before", "after"), List.of(vm.compare().wipeLabels()));
    List<MetricRow> rows = vm.compare().metrics();
    assertEquals("Artifact patches (block 4)", rows.get(0).metric());
    MetricRow ratio = rows.get(1);
    assertEquals(
        outcome().comparison().report().summaries().get(3).maxOverMedian(), ratio.before(), 1e-9);
    assertEquals(
        outcome().primary().report().summaries().get(3).maxOverMedian(), ratio.after(), 1e-9);
    assertEquals(ratio.after() - ratio.before(), ratio.delta(), 1e-12);
    assertEquals(4, vm.compare().leftProfileProperty().get().blocks());
  }

  @Test
  void comparesTwoModelsOnThePhoto() {
    vm.compare().activeProperty().set(true);
    vm.compare().otherModelProperty().set(new ModelLocation.Folder(Fixtures.DINOV2_REGISTERS));
    vm.compare().modeProperty().set(CompareTarget.Kind.OTHER_MODEL);
    worker.runAll();

    assertTrue(vm.compare().rightProperty().get().caption().startsWith("B: dinov2-reg-hf"));
    assertTrue(vm.compare().leftProperty().get().caption().startsWith("A: dinov2-hf"));
  }

  @Test
  void aFailingModelBSwitchesTheComparisonBack() throws Exception {
    vm.compare().otherModelProperty().set(new ModelLocation.Folder(Fixtures.brokenModel(tmp)));
    vm.compare().modeProperty().set(CompareTarget.Kind.OTHER_MODEL);
    worker.runAll();

    assertTrue(
        vm.errorProperty().get().message().contains("model B broken-model"),
        vm.errorProperty().get().message());
    assertEquals(CompareTarget.Kind.NONE, vm.compare().modeProperty().get());
    assertEquals("dinov2-hf", vm.modelProperty().get().displayName());
  }

  @Test
  void exportsTheViewWithItsProvenance() throws Exception {
    vm.viewer().blockProperty().set(2);
    Path png = tmp.resolve(vm.exports().suggestedFileName("view", "png"));

    vm.exports().view(png);

    Map<String, String> metadata = PngExport.readMetadata(png);
    assertEquals("dinov2-hf", metadata.get("Model"));
    assertEquals("2 of 4", metadata.get("Layer"));
    assertEquals("Patch norm", metadata.get("Quantity"));
    assertEquals("none", metadata.get("Mitigations"));
    assertEquals("coffee.png", metadata.get("Image"));
    assertTrue(
        metadata.get("Normalization").startsWith("viridis, min-max"),
        metadata.get("Normalization"));
    assertEquals("dinov2-hf_coffee_view_block2_patch-norm.png", png.getFileName().toString());
    assertTrue(
        PngExport.read(png).width() > outcome().image().photo().width(), "picture plus colorbar");
    assertTrue(vm.statusProperty().get().startsWith("Exported "));
  }

  @Test
  void exportsTheComparisonAsOnePicture() throws Exception {
    vm.mitigations().normalizerOnProperty().set(true);
    vm.compare().modeProperty().set(CompareTarget.Kind.BEFORE_AFTER);
    worker.runAll();
    Path png = tmp.resolve("comparison.png");

    vm.exports().comparison(png);

    Map<String, String> metadata = PngExport.readMetadata(png);
    assertEquals("before | after", metadata.get("Compared"));
    assertTrue(
        metadata.get("Mitigations").startsWith("attn:kind=softmax1"), metadata.get("Mitigations"));
    assertNull(vm.errorProperty().get());
  }

  @Test
  void exportsMetricsAsJsonAndCsv() throws Exception {
    Path json = tmp.resolve("metrics.json");
    Path csv = tmp.resolve("metrics.csv");
    // as the window wires it: the session controller says how the view reads as a session
    new dev.sinkscope.app.gui.sessionfile.SessionController(vm, () -> null, vm.tasks());

    vm.exports().metrics(json);
    vm.exports().metrics(csv);

    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertEquals(4, root.get("layers").size());
    assertEquals("coffee.png", root.get("input").get("file").asText());
    assertEquals(
        outcome().primary().report().summaries().get(3).patchNormMax(),
        root.get("layers").get(3).get("patchNormMax").asDouble());
    assertEquals("patch-norm", root.get("view").get("quantity").asText());
    List<String> lines = Files.readAllLines(csv);
    assertEquals(5, lines.size());
    assertTrue(lines.get(0).startsWith("pass,block,patch_norm_min"));
    assertTrue(lines.get(1).startsWith("dinov2-hf,1,"));
  }

  @Test
  void aToggleShowsItsPictureBeforeTheRestOfTheAnalysisThenFillsItIn() throws Exception {
    vm.mitigations().normalizerOnProperty().set(true);
    worker.runNext(); // the request alone: its picture

    ViewOutcome o = outcome();
    assertFalse(o.primary().mitigations().isEmpty());
    assertFalse(o.primary().analysisReady());
    assertTrue(vm.viewer().analysisPendingProperty().get());
    assertNotNull(vm.viewer().renderedProperty().get().map(), "the patch norm is drawn");
    var row = vm.viewer().blockSummaryProperty().get();
    assertTrue(Double.isNaN(row.sinkMassOnArtifacts()), "no sink metric yet (shown: computing)");
    vm.viewer().quantityProperty().set(dev.sinkscope.app.gui.canvas.Quantity.ATTENTION_RECEIVED);
    assertNull(vm.viewer().renderedProperty().get().map());
    assertTrue(
        vm.viewer().renderedProperty().get().note().contains("Computing sink scores"),
        vm.viewer().renderedProperty().get().note());

    worker.runAll(); // the rest, after the picture

    assertSame(o, outcome(), "the same outcome, filled in");
    assertTrue(o.primary().analysisReady());
    assertFalse(vm.viewer().analysisPendingProperty().get());
    assertNotNull(vm.viewer().renderedProperty().get().map(), "the sink map is drawn now");
    var whole =
        dev.sinkscope.inference.analysis.Analyzer.analyze(
            o.primary().result(), o.request().analysis());
    assertEquals(
        whole.summaries().get(vm.viewer().blockProperty().get() - 1),
        vm.viewer().blockSummaryProperty().get());
    assertFalse(Double.isNaN(vm.viewer().blockSummaryProperty().get().topSinkRatio()));
  }

  @Test
  void aViewThatNeedsSinkScoresGetsThemBeforeItsPicture() {
    vm.viewer().quantityProperty().set(dev.sinkscope.app.gui.canvas.Quantity.ROLLOUT);
    vm.mitigations().normalizerOnProperty().set(true);
    worker.runNext();

    assertTrue(outcome().primary().analysisReady());
    assertFalse(vm.viewer().analysisPendingProperty().get());
    assertNotNull(vm.viewer().renderedProperty().get().map(), "the rollout is in the picture");
  }

  @Test
  void metricsExportedWhileTheRestIsPendingAreTheWholeAnalysis() throws Exception {
    new dev.sinkscope.app.gui.sessionfile.SessionController(vm, () -> null, vm.tasks());
    vm.mitigations().normalizerOnProperty().set(true);
    worker.runNext();
    assertFalse(outcome().primary().analysisReady());
    Path early = tmp.resolve("early.json");
    Path earlyCsv = tmp.resolve("early.csv");

    vm.exports().metrics(early); // completes the analysis off the UI thread first
    vm.exports().metrics(earlyCsv);
    assertTrue(outcome().primary().analysisReady());
    assertTrue(vm.viewer().analysisPendingProperty().get(), "the window hears it from the lane");
    worker.runAll();
    assertFalse(vm.viewer().analysisPendingProperty().get(), "filled in");
    Path late = tmp.resolve("late.json");
    Path lateCsv = tmp.resolve("late.csv");
    vm.exports().metrics(late);
    vm.exports().metrics(lateCsv);
    worker.runAll();

    JsonNode a = new ObjectMapper().readTree(early.toFile());
    JsonNode b = new ObjectMapper().readTree(late.toFile());
    assertEquals(b, a, "the same file as once everything has arrived");
    assertTrue(a.get("layers").get(3).get("topSinkRatio").isNumber(), a.toString());
    assertEquals(Files.readAllLines(lateCsv), Files.readAllLines(earlyCsv));
  }

  @Test
  void theDetectionRuleReanalysesWithoutRunningTheModel() {
    var result = outcome().primary().result();

    vm.artifactRule()
        .detectionRuleProperty()
        .set(dev.sinkscope.inference.analysis.DetectionRule.MEDIAN_RATIO);
    worker.runAll();

    assertSame(result, outcome().primary().result());
    assertEquals(
        dev.sinkscope.inference.analysis.DetectionRule.MEDIAN_RATIO,
        outcome().primary().report().options().detection().rule());
  }

  @Test
  void ruleANotesShowOnlyWhileRuleAIsChosenAndItsTauApplies() {
    vm.artifactRule()
        .detectionRuleProperty()
        .set(dev.sinkscope.inference.analysis.DetectionRule.ABSOLUTE);
    worker.runAll();
    var ruleA = outcome().primary().report();
    assertTrue(
        dev.sinkscope.app.gui.canvas.ViewerViewModel.notesFor(ruleA).stream()
            .anyMatch(n -> n.startsWith("rule A")),
        ruleA.notes().toString());

    vm.artifactRule().absoluteThresholdProperty().set(5.0);
    worker.runAll();
    assertEquals(5.0, outcome().primary().report().options().detection().absoluteThreshold());

    vm.artifactRule()
        .detectionRuleProperty()
        .set(dev.sinkscope.inference.analysis.DetectionRule.BIMODAL_SPLIT);
    vm.artifactRule().absoluteThresholdProperty().set(Double.NaN);
    worker.runAll();
    var ruleD = outcome().primary().report();
    assertTrue(
        ruleD.notes().stream().anyMatch(n -> n.startsWith("rule A")),
        "the analysis still notes it");
    assertTrue(
        dev.sinkscope.app.gui.canvas.ViewerViewModel.notesFor(ruleD).stream()
            .noneMatch(n -> n.startsWith("rule A")),
        "but the inspector does not show it under rule D");
  }

  @Test
  void aModelWithoutPreprocessorConfigSaysWhichPreprocessingItGets() throws Exception {
    Path folder = Files.createDirectories(tmp.resolve("no-preprocessor"));
    Files.copy(Fixtures.DINOV2.resolve("config.json"), folder.resolve("config.json"));
    Files.copy(Fixtures.DINOV2.resolve("model.safetensors"), folder.resolve("model.safetensors"));
    assertTrue(
        vm.modelProperty().get().warnings().stream().noneMatch(w -> w.startsWith("Preprocessing:")),
        "a folder with preprocessor_config.json gets no note");

    vm.openModel(folder);
    worker.runAll();

    String note =
        vm.modelProperty().get().warnings().stream()
            .filter(w -> w.startsWith("Preprocessing:"))
            .findFirst()
            .orElseThrow(() -> new AssertionError(vm.modelProperty().get().warnings().toString()));
    assertTrue(note.contains("no preprocessor_config.json in no-preprocessor"), note);
  }

  @Test
  void thePhantomOffersItsPlantedCircuit() {
    NeuronMapChoice planted = NeuronMapsModel.plantedCircuit(tmp);

    assertEquals(3, planted.map().neurons().size());
    assertTrue(planted.map().neurons().stream().allMatch(n -> n.layer() == 3));
  }

  @Test
  void discoversRegisterNeuronsFromAFolderOfPhotos() throws Exception {
    Path photos = Files.createDirectories(tmp.resolve("photos"));
    Files.copy(Fixtures.coffee(), photos.resolve("a.png"));
    Files.copy(Fixtures.coffee(), photos.resolve("b.png"));
    Files.writeString(photos.resolve("notes.txt"), "not a photo");

    vm.neuronMaps().discover(photos, new NeuronDiscovery.Settings(-1, 1.0, 10, false, -1, 0, 5, 0));
    assertTrue(vm.discoveringProperty().get());
    worker.runAll();

    assertFalse(vm.discoveringProperty().get());
    NeuronMapChoice found = vm.mitigations().neuronMapProperty().get();
    assertTrue(
        found.label().startsWith("discovered on photos (5 neurons, 2 of 2 images"), found.label());
    assertEquals(5, found.map().neurons().size());
  }

  @Test
  void theDiscoveryMessageFitsTheSwitchAndGoesWithTheModel() throws Exception {
    Path photos = Files.createDirectories(tmp.resolve("photos"));
    Files.copy(Fixtures.coffee(), photos.resolve("a.png"));
    NeuronDiscovery.Settings settings =
        new NeuronDiscovery.Settings(-1, 1.0, 10, false, -1, 0, 5, 0);

    vm.neuronMaps().discover(photos, settings);
    worker.runAll();
    assertEquals(
        "Register neurons found (5); switch test-time registers on to use them.",
        vm.statusProperty().get());
    vm.mitigations().ttrOnProperty().set(true);
    worker.runAll();
    assertEquals("", vm.statusProperty().get(), "the suggestion is done once the switch is on");

    vm.neuronMaps().discover(photos, settings);
    worker.runAll();
    assertEquals(
        "Register neurons found (5); test-time registers now use them.", vm.statusProperty().get());
    vm.openModel(Fixtures.DINOV2_REGISTERS);
    worker.runAll();
    assertEquals("", vm.statusProperty().get(), "a message about one model does not outlive it");
  }

  @Test
  void aCancelledDiscoveryLeavesTheMapsAsTheyWere() throws Exception {
    Path photos = Files.createDirectories(tmp.resolve("photos"));
    Files.copy(Fixtures.coffee(), photos.resolve("a.png"));
    NeuronMapChoice before = vm.mitigations().neuronMapProperty().get();

    vm.neuronMaps().discover(photos, new NeuronDiscovery.Settings(-1, 1.0, 10, false, -1, 0, 5, 0));
    vm.cancel();
    worker.runAll();

    assertSame(before, vm.mitigations().neuronMapProperty().get());
    assertEquals("Neuron discovery cancelled.", vm.statusProperty().get());
    assertNull(vm.errorProperty().get());
  }
}
