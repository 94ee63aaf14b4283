package dev.sinkscope.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.app.gui.AppPreferences;
import dev.sinkscope.app.gui.BundledAssets;
import dev.sinkscope.app.gui.Fixtures;
import dev.sinkscope.app.gui.MainViewModel;
import dev.sinkscope.app.gui.canvas.HeadChoice;
import dev.sinkscope.app.gui.canvas.Quantity;
import dev.sinkscope.app.gui.session.CompareTarget;
import dev.sinkscope.app.gui.session.InferenceService;
import dev.sinkscope.app.gui.sessionfile.SessionController;
import dev.sinkscope.inference.mitigation.NeuronMap;
import dev.sinkscope.inference.mitigation.TestTimeRegisters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions written by {@code save-session} open in the app, and sessions the app saves render with {@code report}. */
class GuiSessionInteropTest {
  @TempDir Path tmp;

  private final Fixtures.QueuedExecutor worker = new Fixtures.QueuedExecutor();
  private Cli cli;
  private Path photo;
  private Preferences node;
  private MainViewModel vm;
  private SessionController sessions;

  @BeforeEach
  void appOnThePhantom() throws Exception {
    cli = Cli.offline(tmp);
    Path work = Files.createDirectories(tmp.resolve("work"));
    photo = Files.copy(Cli.PHOTOS.resolve("rocket.jpg"), work.resolve("rocket.jpg"));
    node = Preferences.userRoot().node("dev/sinkscope/test/interop-" + System.nanoTime());
    // The shipped assets, extracted to a folder of the app's own, as the command line has its own.
    BundledAssets assets = new BundledAssets(getClass().getClassLoader(), "dev/sinkscope/assets/",
        tmp.resolve("app-bundled"));
    vm = new MainViewModel(listener -> new InferenceService(worker, Runnable::run, Fixtures.cpu(), listener), assets,
        new AppPreferences(node), Runnable::run, Runnable::run);
    sessions = new SessionController(vm, () -> cli.context().hub(), Runnable::run, Runnable::run);
    vm.startDefault(null, photo);
    worker.runAll();
  }

  @AfterEach
  void close() throws BackingStoreException {
    vm.close();
    worker.runAll();
    node.removeNode();
  }

  @Test
  void aSessionFromSaveSessionOpensInTheApp() throws Exception {
    Path session = tmp.resolve("work").resolve("cli.json");
    cli.run("save-session", "--model", "phantom", "--image", photo, "--mitigation", "ttr", "--layer", "6",
        "--head", "1", "--quantity", "attention-received", "--colormap", "magma", "--out", session).assertOk();
    vm.openBundledPhoto(vm.assets().photos().get(0));
    worker.runAll();

    sessions.open(session);
    worker.runAll();

    assertNotNull(sessions.openedProperty().get(), vm.statusProperty().get());
    assertEquals("rocket.jpg", vm.outcomeProperty().get().image().displayName());
    assertEquals(6, vm.viewer().blockProperty().get());
    assertEquals(HeadChoice.single(1), vm.viewer().headProperty().get());
    assertEquals(Quantity.ATTENTION_RECEIVED, vm.viewer().quantityProperty().get());
    assertEquals("magma", vm.viewer().colormapProperty().get());
    TestTimeRegisters ttr = (TestTimeRegisters) vm.outcomeProperty().get().primary().mitigations().mitigations()
        .get(0);
    Path phantomCard = vm.modelProperty().get().folder().resolve("phantom.json");
    assertEquals(NeuronMap.read(phantomCard).neurons(), ttr.neurons().neurons(), "the phantom's own map, as the CLI");
    assertEquals(CompareTarget.BEFORE_AFTER, vm.appliedCompareTarget());
  }

  @Test
  void aSessionSavedByTheAppRendersWithReport() throws Exception {
    vm.viewer().quantityProperty().set(Quantity.CLS_ATTENTION);
    vm.viewer().blockProperty().set(5);
    vm.mitigations().normalizerOnProperty().set(true);
    worker.runAll();
    Path session = tmp.resolve("work").resolve("app.json");

    sessions.save(session);
    assertTrue(vm.statusProperty().get().startsWith("Saved session"), vm.statusProperty().get());

    Path out = tmp.resolve("report");
    cli.run("report", "--session", session, "--out", out, "--device", "cpu").assertOk();
    JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
    assertEquals(5, metrics.get("block").asInt());
    assertEquals("cls-attention", metrics.at("/view/quantity").asText());
    assertTrue(metrics.get("mitigations").toString().contains("softmax1"), metrics.get("mitigations").toString());
    assertEquals("phantom", new ObjectMapper().readTree(session.toFile()).at("/model/id").asText());
  }
}
