package dev.sinkscope.app.gui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.app.gui.canvas.HeadChoice;
import dev.sinkscope.app.gui.canvas.NormalizationChoice;
import dev.sinkscope.app.gui.canvas.Quantity;
import dev.sinkscope.app.gui.common.UserError;
import dev.sinkscope.app.gui.main.AppPreferences;
import dev.sinkscope.app.gui.main.MainViewModel;
import dev.sinkscope.app.gui.mitigations.NeuronMapChoice;
import dev.sinkscope.app.gui.session.CompareTarget;
import dev.sinkscope.app.gui.session.InferenceService;
import dev.sinkscope.app.gui.session.ModelLocation;
import dev.sinkscope.app.gui.sessionfile.SessionCodec;
import dev.sinkscope.app.gui.sessionfile.SessionController;
import dev.sinkscope.app.gui.tasks.LaneTaskExecutor;
import dev.sinkscope.inference.hub.HubSettings;
import dev.sinkscope.inference.mitigation.AttentionNormalizer;
import dev.sinkscope.inference.mitigation.HeadGate;
import dev.sinkscope.inference.mitigation.TestTimeRegisters;
import dev.sinkscope.inference.report.SelectedPatch;
import dev.sinkscope.inference.report.SessionFile;
import dev.sinkscope.inference.report.WeightsFingerprint;
import dev.sinkscope.render.PatchPosition;
import dev.sinkscope.render.PngExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saving and opening sessions through the presentation models, with the inference worker driven by
 * the test.
 */
@Tag("cross-machine")
@Tag("slow")
class SessionControllerTest {
  @TempDir Path tmp;

  private final Fixtures.QueuedExecutor worker = new Fixtures.QueuedExecutor();
  private Preferences node;
  private MainViewModel vm;
  private SessionController sessions;
  private Path model;

  @BeforeEach
  void open() throws Exception {
    node = Preferences.userRoot().node("dev/sinkscope/test/sessions-" + System.nanoTime());
    BundledAssets assets =
        new BundledAssets(
            getClass().getClassLoader(), BundledAssetsTest.ROOT, tmp.resolve("cache"));
    vm =
        new MainViewModel(
            listener -> new InferenceService(worker, Runnable::run, Fixtures.cpu(), listener),
            assets,
            new AppPreferences(node),
            new LaneTaskExecutor(worker, Runnable::run, Runnable::run));
    HubSettings hub =
        HubSettings.from(
            Map.of("HF_HUB_CACHE", tmp.resolve("hf").toString(), "HF_HUB_OFFLINE", "1"),
            Map.of("user.home", tmp.toString()));
    sessions = new SessionController(vm, () -> hub, vm.tasks());
    // A copy of the model, so a test can change its weights.
    model = Files.createDirectories(tmp.resolve("models").resolve("tiny-dinov2"));
    for (String f : new String[] {"config.json", "preprocessor_config.json", "model.safetensors"}) {
      Files.copy(Fixtures.DINOV2.resolve(f), model.resolve(f));
    }
    vm.startDefault(model, Fixtures.coffee());
    worker.runAll();
  }

  @AfterEach
  void close() throws BackingStoreException {
    vm.close();
    worker.runAll();
    node.removeNode();
  }

  /** Sets a view and mitigations that differ from every default. */
  private void lookAtSomethingParticular() {
    vm.viewer().quantityProperty().set(Quantity.ATTENTION_RECEIVED);
    vm.viewer().blockProperty().set(2);
    vm.viewer().headProperty().set(HeadChoice.single(1));
    vm.viewer().colormapProperty().set("magma");
    vm.viewer().normalizationProperty().set(NormalizationChoice.LOG);
    vm.mitigations().normalizerKindProperty().set(AttentionNormalizer.Kind.VIRTUAL_SINK);
    vm.mitigations().normalizerParameterProperty().set("0.5");
    vm.mitigations().normalizerBlocksProperty().set("1-2");
    vm.mitigations().normalizerOnProperty().set(true);
    vm.mitigations().gateValueProperty().set(0.25);
    vm.mitigations().gateHeadsProperty().set("0;2");
    vm.mitigations().gateOnProperty().set(true);
    vm.compare().modeProperty().set(CompareTarget.Kind.BEFORE_AFTER);
    worker.runAll();
  }

  /** Back to the defaults and another photo, so opening has something to restore. */
  private void lookAtSomethingElse() {
    vm.mitigations().allOff();
    vm.compare().modeProperty().set(CompareTarget.Kind.NONE);
    vm.openBundledPhoto(vm.assets().photos().get(0));
    worker.runAll();
    vm.viewer().quantityProperty().set(Quantity.PATCH_NORM);
    vm.viewer().headProperty().set(HeadChoice.MEAN);
    vm.viewer().colormapProperty().set("viridis");
    vm.viewer().normalizationProperty().set(NormalizationChoice.MIN_MAX);
  }

  @Test
  void savesWhatIsShownInTheCommandLinesFormat() throws Exception {
    lookAtSomethingParticular();
    Path file = tmp.resolve("work").resolve("look.json");

    sessions.save(file);

    assertTrue(vm.statusProperty().get().startsWith("Saved session to"), vm.statusProperty().get());
    JsonNode json = new ObjectMapper().readTree(file.toFile());
    assertEquals("sinkscope-session", json.get("format").asText());
    assertEquals("folder", json.at("/model/source").asText());
    assertEquals(model.toAbsolutePath().normalize().toString(), json.at("/model/path").asText());
    assertEquals(64, json.at("/model/weights/sha256").asText().length());
    assertEquals(
        Fixtures.coffee().toAbsolutePath().normalize().toString(), json.at("/image/path").asText());
    assertEquals(2, json.at("/view/layer").asInt());
    assertEquals("1", json.at("/view/head").asText());
    assertEquals("attention-received", json.at("/view/quantity").asText());
    assertEquals("magma", json.at("/view/colormap").asText());
    assertEquals("log", json.at("/view/normalization").asText());
    assertEquals("attn:kind=virtual-sink,beta=0.5,layers=1-2", json.at("/mitigations/0").asText());
    assertEquals("gate:value=0.25,layers=all,heads=0;2", json.at("/mitigations/1").asText());
    assertEquals("before-after", json.get("compare").asText());
    SessionFile.read(file);
  }

  @Test
  void openingASavedSessionRestoresViewMitigationsAndComparison() throws Exception {
    lookAtSomethingParticular();
    var shown = vm.outcomeProperty().get().primary().mitigations();
    Path file = tmp.resolve("look.json");
    sessions.save(file);
    lookAtSomethingElse();
    assertTrue(vm.outcomeProperty().get().primary().mitigations().isEmpty());

    sessions.open(file);
    worker.runAll();

    assertNotNull(sessions.openedProperty().get(), vm.statusProperty().get());
    assertEquals(file, sessions.openedProperty().get().file());
    assertTrue(sessions.openedProperty().get().notes().isEmpty());
    assertEquals("coffee.png", vm.outcomeProperty().get().image().displayName());
    assertEquals(Quantity.ATTENTION_RECEIVED, vm.viewer().quantityProperty().get());
    assertEquals(2, vm.viewer().blockProperty().get());
    assertEquals(HeadChoice.single(1), vm.viewer().headProperty().get());
    assertEquals("magma", vm.viewer().colormapProperty().get());
    assertEquals(NormalizationChoice.LOG, vm.viewer().normalizationProperty().get());
    assertEquals(shown, vm.outcomeProperty().get().primary().mitigations());
    assertEquals(CompareTarget.BEFORE_AFTER, vm.appliedCompareTarget());
    assertTrue(
        vm.statusProperty().get().startsWith("Opened session look.json"),
        vm.statusProperty().get());
  }

  @Test
  void savingWithDenoisingSaysAllThatTheSessionLeavesOut() throws Exception {
    vm.mitigations().denoiseViewsProperty().set(2);
    vm.mitigations().denoiseOnProperty().set(true);
    vm.compare().modeProperty().set(CompareTarget.Kind.BEFORE_AFTER);
    worker.runAll();
    assertTrue(vm.outcomeProperty().get().primary().denoised());

    Path file = tmp.resolve("denoised.json");
    sessions.save(file);

    String status = vm.statusProperty().get();
    assertTrue(status.startsWith("Saved session to "), status);
    assertTrue(
        status.contains("Left out of the session: shift/flip denoising (2 views, seed "), status);
    assertTrue(status.contains("and the before/after comparison it made"), status);
    assertTrue(
        Files.readString(file).contains("\"compare\""), "the file itself is unchanged in layout");
  }

  @Test
  void aReopenedSessionCallsABundledPhotoByItsOwnName() throws Exception {
    vm.openBundledPhoto("camera.png");
    worker.runAll();
    Path file = tmp.resolve("session2.json");
    sessions.save(file);
    assertTrue(
        Files.exists(tmp.resolve("session2-camera.png")), "the session keeps a copy of the photo");
    vm.openImage(Fixtures.coffee());
    worker.runAll();

    sessions.open(file);
    worker.runAll();

    assertNotNull(sessions.openedProperty().get(), vm.statusProperty().get());
    assertEquals("camera.png", vm.outcomeProperty().get().image().displayName());
  }

  @Test
  void testTimeRegistersKeepTheirNeuronMapInAFileBesideTheSession() throws Exception {
    vm.mitigations().addNeuronMap(new NeuronMapChoice("ttr.json", Fixtures.ttrNeurons()));
    vm.mitigations().ttrRegistersProperty().set(2);
    vm.mitigations().ttrOnProperty().set(true);
    worker.runAll();
    Path file = tmp.resolve("ttr.json");
    sessions.save(file);
    assertTrue(Files.isRegularFile(tmp.resolve("ttr-neurons.json")));
    assertEquals(
        "ttr-neurons.json", new ObjectMapper().readTree(file.toFile()).get("neurons").asText());
    vm.mitigations().allOff();
    worker.runAll();

    sessions.open(file);
    worker.runAll();

    TestTimeRegisters ttr =
        (TestTimeRegisters) vm.outcomeProperty().get().primary().mitigations().mitigations().get(0);
    assertEquals(2, ttr.registers());
    assertEquals(Fixtures.ttrNeurons().neurons(), ttr.neurons().neurons());
    assertTrue(
        vm.mitigations().neuronMapProperty().get().label().startsWith("session: ttr-neurons.json"));
  }

  @Test
  void changedWeightsAreRefusedWithAMessageNamingTheModel() throws Exception {
    Path file = tmp.resolve("s.json");
    sessions.save(file);
    try (var out =
        Files.newByteChannel(model.resolve("model.safetensors"), StandardOpenOption.WRITE)) {
      out.position(Files.size(model.resolve("model.safetensors")) - 4);
      out.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
    }

    sessions.open(file);
    worker.runAll();

    UserError error = vm.errorProperty().get();
    assertNotNull(error);
    assertEquals("The session does not match its model", error.title());
    assertTrue(
        error.message().contains("s.json")
            && error.message().contains(model.toString())
            && error.message().contains("sha256"),
        error.message());
    assertNull(sessions.openedProperty().get());
  }

  @Test
  void aMissingPhotoOrModelFolderIsNamed() throws Exception {
    Path photo = Files.copy(Fixtures.coffee(), tmp.resolve("photo.png"));
    vm.openImage(photo);
    worker.runAll();
    Path file = tmp.resolve("s.json");
    sessions.save(file);
    Files.delete(photo);

    sessions.open(file);
    worker.runAll();

    assertEquals("The session's photo is missing or changed", vm.errorProperty().get().title());
    assertTrue(
        vm.errorProperty().get().message().contains(photo.toString()),
        vm.errorProperty().get().message());
  }

  @Test
  void aPatchQuantityWithoutASelectedPatchIsNotSaved() {
    vm.viewer().quantityProperty().set(Quantity.ATTENDED_BY);
    vm.viewer().selectedPatchProperty().set(null);
    Path file = tmp.resolve("row.json");

    sessions.save(file);

    assertEquals("Cannot save this view as a session", vm.errorProperty().get().title());
    assertTrue(
        vm.errorProperty().get().message().contains("no patch is selected"),
        vm.errorProperty().get().message());
    assertTrue(Files.notExists(file));
  }

  private int[] exportedPixels(Path png) throws Exception {
    vm.exports().view(png);
    assertEquals("Exported " + png, vm.statusProperty().get());
    return PngExport.read(png).argb();
  }

  @Test
  void everyQuantitySavesAndReopensToThePixelIdenticalExport() throws Exception {
    for (Quantity q : Quantity.values()) {
      vm.viewer().quantityProperty().set(q);
      vm.viewer().blockProperty().set(2);
      vm.viewer().headProperty().set(HeadChoice.single(1));
      vm.viewer().colormapProperty().set("magma");
      vm.viewer().selectedPatchProperty().set(new PatchPosition(3, 5));
      int[] before = exportedPixels(tmp.resolve(q + "-before.png"));
      Path file = tmp.resolve("work").resolve(q + ".json");
      sessions.save(file);
      assertTrue(
          vm.statusProperty().get().startsWith("Saved session"),
          q + ": " + vm.statusProperty().get());
      SessionFile saved = SessionFile.read(file);
      assertEquals(SessionCodec.quantity(q), saved.view().quantity());
      assertEquals(new SelectedPatch(3, 5), saved.view().patch());
      assertEquals(2, saved.schemaVersion(), "the selected patch needs schema version 2");

      lookAtSomethingElse();
      vm.viewer().selectedPatchProperty().set(null);
      vm.viewer().blockProperty().set(1);
      assertFalse(
          Arrays.equals(before, exportedPixels(tmp.resolve(q + "-else.png"))),
          q + ": the change shows");
      sessions.open(file);
      worker.runAll();

      assertNotNull(sessions.openedProperty().get(), q + ": " + vm.statusProperty().get());
      assertEquals(q, vm.viewer().quantityProperty().get());
      assertEquals(new PatchPosition(3, 5), vm.viewer().selectedPatchProperty().get());
      // Exact on purpose: both sides come from this machine's engine with the same settings (ADR
      // 0019).
      assertArrayEquals(
          before, exportedPixels(tmp.resolve(q + "-after.png")), q + ": the same picture");
    }
  }

  @Test
  void aComparisonWithModelBIsSavedWithItsWeightsAndRestored() throws Exception {
    Path modelB = Files.createDirectories(tmp.resolve("models").resolve("tiny-dinov2-reg"));
    for (String f : new String[] {"config.json", "preprocessor_config.json", "model.safetensors"}) {
      Files.copy(Fixtures.DINOV2_REGISTERS.resolve(f), modelB.resolve(f));
    }
    vm.compare().otherModelProperty().set(new ModelLocation.Folder(modelB));
    vm.compare().modeProperty().set(CompareTarget.Kind.OTHER_MODEL);
    worker.runAll();
    assertEquals(
        CompareTarget.otherModel(new ModelLocation.Folder(modelB)), vm.appliedCompareTarget());
    Path file = tmp.resolve("ab.json");

    sessions.save(file);

    JsonNode json = new ObjectMapper().readTree(file.toFile());
    assertEquals("other-model", json.get("compare").asText());
    assertEquals(
        "models/tiny-dinov2-reg",
        json.at("/modelB/path").asText(),
        "relative to the session's folder");
    assertEquals(
        WeightsFingerprint.of(modelB).sha256(), json.at("/modelB/weights/sha256").asText());
    assertEquals(2, json.get("schemaVersion").asInt());

    vm.compare().modeProperty().set(CompareTarget.Kind.NONE);
    vm.compare().otherModelProperty().set(null);
    worker.runAll();
    assertEquals(CompareTarget.NONE, vm.appliedCompareTarget());
    sessions.open(file);
    worker.runAll();

    assertNotNull(sessions.openedProperty().get(), vm.statusProperty().get());
    assertEquals(
        CompareTarget.otherModel(new ModelLocation.Folder(modelB)), vm.appliedCompareTarget());
    assertEquals("B: tiny-dinov2-reg", vm.outcomeProperty().get().comparison().label());

    byte[] weights = Files.readAllBytes(modelB.resolve("model.safetensors"));
    weights[weights.length - 1] ^= 1;
    Files.write(modelB.resolve("model.safetensors"), weights);
    sessions.open(file);
    worker.runAll();
    assertEquals("The session does not match its model", vm.errorProperty().get().title());
    assertTrue(
        vm.errorProperty().get().message().contains(modelB.toString()),
        vm.errorProperty().get().message());
  }

  @Test
  void exportReportWritesTheCommandLinesFolderOffTheUiThread() throws Exception {
    vm.viewer().quantityProperty().set(Quantity.ROLLOUT);
    vm.mitigations().gateOnProperty().set(true);
    vm.compare().modeProperty().set(CompareTarget.Kind.BEFORE_AFTER);
    worker.runAll();
    Path folder = tmp.resolve("report");

    sessions.exportReport(folder);
    assertTrue(Files.notExists(folder), "nothing happens until the inference thread runs it");
    assertTrue(vm.statusProperty().get().startsWith("Exporting report"), vm.statusProperty().get());
    assertEquals(List.of("Exporting report…"), vm.tasks().status().titles());
    worker.runAll();

    assertEquals("Exported report to " + folder + " (9 files).", vm.statusProperty().get());
    try (var files = Files.list(folder)) {
      assertEquals(
          List.of(
              "attention-received.png",
              "cls-attention.png",
              "compare.png",
              "index.html",
              "metrics.csv",
              "metrics.json",
              "norm.png",
              "rollout.png",
              "session.json"),
          files.map(f -> f.getFileName().toString()).sorted().toList());
    }
    assertEquals(
        "attention rollout", PngExport.readMetadata(folder.resolve("rollout.png")).get("Quantity"));
    assertEquals(
        Quantity.ROLLOUT,
        SessionCodec.quantity(SessionFile.read(folder.resolve("session.json")).view().quantity()));
  }

  @Test
  void cancellingAReportExportStopsItBeforeTheModelRunsAndFreesTheStatusBar() throws Exception {
    worker.runAll();
    Path folder = tmp.resolve("report");
    sessions.exportReport(folder);
    assertTrue(
        vm.tasks().status().cancellableProperty().get(),
        "the status bar offers Cancel while the export runs");

    vm.cancel();
    worker.runAll();

    assertFalse(vm.tasks().status().runningProperty().get());
    assertEquals(
        "Report export cancelled; " + folder + " may hold some of its files.",
        vm.statusProperty().get());
    assertTrue(
        Files.notExists(folder.resolve("session.json")),
        "a task cancelled before it started writes nothing");
    assertTrue(Files.notExists(folder.resolve("norm.png")), "no panel was drawn after the cancel");
    assertNull(vm.errorProperty().get(), "a cancel is not an error");
  }

  @Test
  void exportReportIntoAFileSaysWhichAndWhy() throws Exception {
    Path notAFolder = Files.writeString(tmp.resolve("taken"), "x");

    sessions.exportReport(notAFolder);
    worker.runAll();

    UserError error = vm.errorProperty().get();
    assertNotNull(error, vm.statusProperty().get());
    assertTrue(error.message().contains(notAFolder.toString()), error.message());
    assertFalse(error.message().contains("\tat "), error.message());
  }

  @Test
  void aHubSessionWhoseModelIsNotCachedSaysHowToGetIt() throws Exception {
    Path file = tmp.resolve("hub.json");
    sessions.save(file);
    String json =
        Files.readString(file)
            .replace(
                "\"source\" : \"folder\"",
                "\"source\" : \"hub\", \"id\" : "
                    + "\"acme/tiny\", \"revision\" : \"0123456789abcdef0123456789abcdef01234567\"")
            .replaceFirst("\"path\" : \"[^\"]*\",", "");
    Files.writeString(file, json);

    sessions.open(file);
    worker.runAll();

    assertEquals("The session's model is not downloaded", vm.errorProperty().get().title());
    assertTrue(
        vm.errorProperty().get().message().contains("acme/tiny")
            && vm.errorProperty().get().message().contains("Open from hub"),
        vm.errorProperty().get().message());
  }

  @Test
  void headGateIsRestoredExactly() throws Exception {
    vm.mitigations().gateValueProperty().set(0.1);
    vm.mitigations().gateOnProperty().set(true);
    worker.runAll();
    HeadGate before =
        (HeadGate) vm.outcomeProperty().get().primary().mitigations().mitigations().get(0);
    Path file = tmp.resolve("gate.json");
    sessions.save(file);
    vm.mitigations().allOff();
    worker.runAll();

    sessions.open(file);
    worker.runAll();

    assertEquals(before, vm.outcomeProperty().get().primary().mitigations().mitigations().get(0));
  }
}
