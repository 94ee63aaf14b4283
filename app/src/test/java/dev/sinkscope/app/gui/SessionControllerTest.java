package dev.sinkscope.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.app.gui.canvas.HeadChoice;
import dev.sinkscope.app.gui.canvas.NormalizationChoice;
import dev.sinkscope.app.gui.canvas.Quantity;
import dev.sinkscope.app.gui.mitigations.NeuronMapChoice;
import dev.sinkscope.app.gui.session.CompareTarget;
import dev.sinkscope.app.gui.session.InferenceService;
import dev.sinkscope.app.gui.sessionfile.SessionController;
import dev.sinkscope.inference.hub.HubSettings;
import dev.sinkscope.inference.mitigation.AttentionNormalizer;
import dev.sinkscope.inference.mitigation.HeadGate;
import dev.sinkscope.inference.mitigation.TestTimeRegisters;
import dev.sinkscope.inference.report.SessionFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving and opening sessions through the presentation models, with the inference worker driven by the test. */
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
    BundledAssets assets = new BundledAssets(getClass().getClassLoader(), BundledAssetsTest.ROOT,
        tmp.resolve("cache"));
    vm = new MainViewModel(listener -> new InferenceService(worker, Runnable::run, Fixtures.cpu(), listener), assets,
        new AppPreferences(node), Runnable::run, Runnable::run);
    HubSettings hub = HubSettings.from(Map.of("HF_HUB_CACHE", tmp.resolve("hf").toString(),
        "HF_HUB_OFFLINE", "1"), Map.of("user.home", tmp.toString()));
    sessions = new SessionController(vm, () -> hub, Runnable::run, Runnable::run);
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
    assertEquals(Fixtures.coffee().toAbsolutePath().normalize().toString(), json.at("/image/path").asText());
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
    assertTrue(vm.statusProperty().get().startsWith("Opened session look.json"), vm.statusProperty().get());
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
    assertEquals("ttr-neurons.json", new ObjectMapper().readTree(file.toFile()).get("neurons").asText());
    vm.mitigations().allOff();
    worker.runAll();

    sessions.open(file);
    worker.runAll();

    TestTimeRegisters ttr = (TestTimeRegisters) vm.outcomeProperty().get().primary().mitigations().mitigations()
        .get(0);
    assertEquals(2, ttr.registers());
    assertEquals(Fixtures.ttrNeurons().neurons(), ttr.neurons().neurons());
    assertTrue(vm.mitigations().neuronMapProperty().get().label().startsWith("session: ttr-neurons.json"));
  }

  @Test
  void changedWeightsAreRefusedWithAMessageNamingTheModel() throws Exception {
    Path file = tmp.resolve("s.json");
    sessions.save(file);
    try (var out = Files.newByteChannel(model.resolve("model.safetensors"), StandardOpenOption.WRITE)) {
      out.position(Files.size(model.resolve("model.safetensors")) - 4);
      out.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
    }

    sessions.open(file);
    worker.runAll();

    UserError error = vm.errorProperty().get();
    assertNotNull(error);
    assertEquals("The session does not match its model", error.title());
    assertTrue(error.message().contains("s.json") && error.message().contains(model.toString())
        && error.message().contains("sha256"), error.message());
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
    assertTrue(vm.errorProperty().get().message().contains(photo.toString()), vm.errorProperty().get().message());
  }

  @Test
  void aViewWithoutASessionNameIsNotSaved() {
    vm.viewer().quantityProperty().set(Quantity.PCA_RGB);
    Path file = tmp.resolve("pca.json");

    sessions.save(file);

    assertEquals("Cannot save this view as a session", vm.errorProperty().get().title());
    assertTrue(Files.notExists(file));
  }

  @Test
  void aHubSessionWhoseModelIsNotCachedSaysHowToGetIt() throws Exception {
    Path file = tmp.resolve("hub.json");
    sessions.save(file);
    String json = Files.readString(file).replace("\"source\" : \"folder\"", "\"source\" : \"hub\", \"id\" : "
        + "\"acme/tiny\", \"revision\" : \"0123456789abcdef0123456789abcdef01234567\"")
        .replaceFirst("\"path\" : \"[^\"]*\",", "");
    Files.writeString(file, json);

    sessions.open(file);
    worker.runAll();

    assertEquals("The session's model is not downloaded", vm.errorProperty().get().title());
    assertTrue(vm.errorProperty().get().message().contains("acme/tiny") && vm.errorProperty().get().message()
        .contains("Open from hub"), vm.errorProperty().get().message());
  }

  @Test
  void headGateIsRestoredExactly() throws Exception {
    vm.mitigations().gateValueProperty().set(0.1);
    vm.mitigations().gateOnProperty().set(true);
    worker.runAll();
    HeadGate before = (HeadGate) vm.outcomeProperty().get().primary().mitigations().mitigations().get(0);
    Path file = tmp.resolve("gate.json");
    sessions.save(file);
    vm.mitigations().allOff();
    worker.runAll();

    sessions.open(file);
    worker.runAll();

    assertEquals(before, vm.outcomeProperty().get().primary().mitigations().mitigations().get(0));
  }
}
