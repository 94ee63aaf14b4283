package dev.sinkscope.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.app.gui.Fixtures;
import dev.sinkscope.app.gui.canvas.HeadChoice;
import dev.sinkscope.app.gui.canvas.Quantity;
import dev.sinkscope.app.gui.main.AppPreferences;
import dev.sinkscope.app.gui.main.MainViewModel;
import dev.sinkscope.app.gui.session.CompareTarget;
import dev.sinkscope.app.gui.session.InferenceService;
import dev.sinkscope.app.gui.session.ModelLocation;
import dev.sinkscope.app.gui.sessionfile.SessionController;
import dev.sinkscope.app.gui.tasks.LaneTaskExecutor;
import dev.sinkscope.inference.mitigation.NeuronMap;
import dev.sinkscope.inference.mitigation.TestTimeRegisters;
import dev.sinkscope.render.PatchPosition;
import dev.sinkscope.render.PngExport;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Sessions written by {@code save-session} open in the app, and sessions the app saves render with
 * {@code report}.
 */
@Tag("slow")
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
    BundledAssets assets =
        new BundledAssets(
            getClass().getClassLoader(), "dev/sinkscope/assets/", tmp.resolve("app-bundled"));
    vm =
        new MainViewModel(
            listener -> new InferenceService(worker, Runnable::run, Fixtures.cpu(), listener),
            assets,
            new AppPreferences(node),
            new LaneTaskExecutor(worker, Runnable::run, Runnable::run));
    sessions = new SessionController(vm, () -> cli.context().hub(), vm.tasks());
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
    cli.run(
            "save-session",
            "--model",
            "phantom",
            "--image",
            photo,
            "--mitigation",
            "ttr",
            "--layer",
            "6",
            "--head",
            "1",
            "--quantity",
            "attention-received",
            "--colormap",
            "magma",
            "--out",
            session)
        .assertOk();
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
    TestTimeRegisters ttr =
        (TestTimeRegisters) vm.outcomeProperty().get().primary().mitigations().mitigations().get(0);
    Path phantomCard = vm.modelProperty().get().folder().resolve("phantom.json");
    assertEquals(
        NeuronMap.read(phantomCard).neurons(),
        ttr.neurons().neurons(),
        "the phantom's own map, as the CLI");
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
    assertTrue(
        metrics.get("mitigations").toString().contains("softmax1"),
        metrics.get("mitigations").toString());
    assertEquals("phantom", new ObjectMapper().readTree(session.toFile()).at("/model/id").asText());
  }

  @Test
  void ctrlMAndReportWriteTheSameMetricsLayoutForTheSameState() throws Exception {
    vm.viewer().quantityProperty().set(Quantity.ATTENTION_RECEIVED);
    vm.viewer().blockProperty().set(5);
    vm.mitigations().normalizerOnProperty().set(true);
    vm.compare().modeProperty().set(CompareTarget.Kind.BEFORE_AFTER);
    worker.runAll();
    assertSameLayout("before-after");

    vm.compare()
        .otherModelProperty()
        .set(new ModelLocation.Bundled(BundledAssets.PHANTOM_REGISTERS, vm.assets()));
    vm.compare().modeProperty().set(CompareTarget.Kind.OTHER_MODEL);
    vm.mitigations().normalizerOnProperty().set(false);
    worker.runAll();
    assertSameLayout("other-model");
  }

  /** Ctrl+M's JSON and report's metrics.json of the state on screen: same keys, same numbers. */
  private void assertSameLayout(String name) throws Exception {
    Path session = tmp.resolve("work").resolve(name + ".json");
    sessions.save(session);
    assertTrue(vm.statusProperty().get().startsWith("Saved session"), vm.statusProperty().get());
    Path out = tmp.resolve("report-" + name);
    cli.run("report", "--session", session, "--out", out, "--device", "cpu").assertOk();
    Path ctrlM = tmp.resolve("ctrl-m-" + name + ".json");
    vm.exports().metrics(ctrlM);
    assertTrue(vm.statusProperty().get().startsWith("Exported "), vm.statusProperty().get());

    JsonNode report = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
    JsonNode app = new ObjectMapper().readTree(ctrlM.toFile());
    assertEquals(keyPaths(report, ""), keyPaths(app, ""), name + ": the same keys");
    for (String same :
        List.of("/view", "/block", "/mitigations", "/input", "/pass/detectionRule")) {
      assertEquals(report.at(same), app.at(same), name + ": " + same);
    }
    assertEquals(report.get("layers").size(), app.get("layers").size());
    for (int i = 0; i < report.get("layers").size(); i++) {
      for (String column : List.of("patchNormMax", "artifactCount", "topSinkToken")) {
        assertEquals(
            report.get("layers").get(i).get(column).asDouble(),
            app.get("layers").get(i).get(column).asDouble(),
            1e-4 * Math.abs(report.get("layers").get(i).get(column).asDouble()),
            name + ": block " + (i + 1) + " " + column);
      }
    }
    assertTrue(
        !Files.readString(ctrlM).contains("\"NaN\"")
            && !Files.readString(out.resolve("metrics.json")).contains("\"NaN\""),
        "numbers or null, never \"NaN\"");
  }

  /** Every key path of {@code node}; array elements are merged under {@code []}. */
  private static java.util.SortedSet<String> keyPaths(JsonNode node, String at) {
    java.util.SortedSet<String> paths = new java.util.TreeSet<>();
    if (node.isObject()) {
      node.fieldNames()
          .forEachRemaining(
              f -> {
                paths.add(at + "/" + f);
                paths.addAll(keyPaths(node.get(f), at + "/" + f));
              });
    } else if (node.isArray()) {
      node.forEach(e -> paths.addAll(keyPaths(e, at + "[]")));
    }
    return paths;
  }

  @Test
  void theAppsSessionsOfEveryOtherQuantityRenderThatPanelWithReport() throws Exception {
    Map<Quantity, String> panels =
        Map.of(
            Quantity.ROLLOUT,
            "rollout",
            Quantity.PCA_RGB,
            "pca-rgb",
            Quantity.ATTENDS_TO,
            "attends-to",
            Quantity.ATTENDED_BY,
            "attended-by");
    for (Map.Entry<Quantity, String> e : panels.entrySet()) {
      vm.viewer().quantityProperty().set(e.getKey());
      vm.viewer().blockProperty().set(4);
      vm.viewer().selectedPatchProperty().set(new PatchPosition(2, 6));
      Path session = tmp.resolve("work").resolve(e.getValue() + ".json");
      sessions.save(session);
      assertTrue(vm.statusProperty().get().startsWith("Saved session"), vm.statusProperty().get());
      Path out = tmp.resolve("report-" + e.getValue());

      cli.run("report", "--session", session, "--out", out, "--device", "cpu").assertOk();

      Path panel = out.resolve(e.getValue() + ".png");
      Map<String, String> meta = PngExport.readMetadata(panel);
      String label = dev.sinkscope.app.gui.sessionfile.SessionCodec.quantity(e.getKey()).label();
      assertEquals(e.getKey().needsSelection() ? label + " (2, 6)" : label, meta.get("Quantity"));
      assertTrue(
          PanelPixels.distinctColoursInTheMiddle(panel) > 50,
          e.getValue() + ": a picture, not a flat fill");
      assertTrue(
          PanelPixels.differ(panel, out.resolve("norm.png")),
          e.getValue() + " is not the norm panel");
    }
  }

  @Test
  void theAppsComparisonWithModelBRendersBothModelsWithReport() throws Exception {
    vm.compare()
        .otherModelProperty()
        .set(new ModelLocation.Bundled(BundledAssets.PHANTOM_REGISTERS, vm.assets()));
    vm.compare().modeProperty().set(CompareTarget.Kind.OTHER_MODEL);
    worker.runAll();
    Path session = tmp.resolve("work").resolve("ab.json");
    sessions.save(session);
    assertEquals(
        "phantom-registers",
        new ObjectMapper().readTree(session.toFile()).at("/modelB/id").asText());
    Path out = tmp.resolve("report");

    cli.run("report", "--session", session, "--out", out, "--device", "cpu").assertOk();

    assertTrue(
        Files.isRegularFile(out.resolve("b-norm.png"))
            && Files.isRegularFile(out.resolve("compare.png")));
    assertEquals(
        "A: phantom | B: phantom-registers",
        PngExport.readMetadata(out.resolve("compare.png")).get("Compared"));
  }
}
