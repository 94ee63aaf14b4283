package dev.sinkscope.app.gui.main;

import dev.sinkscope.app.gui.common.UserError;
import dev.sinkscope.app.gui.mitigations.MitigationsViewModel;
import dev.sinkscope.app.gui.mitigations.NeuronMapChoice;
import dev.sinkscope.app.gui.session.AnalyzedPass;
import dev.sinkscope.app.gui.session.InferenceService;
import dev.sinkscope.app.gui.session.ModelInfo;
import dev.sinkscope.app.gui.tasks.BackgroundTask;
import dev.sinkscope.app.gui.tasks.TaskExecutor;
import dev.sinkscope.inference.analysis.LayerNormAnalysis;
import dev.sinkscope.inference.mitigation.NeuronDiscovery;
import dev.sinkscope.inference.mitigation.NeuronMap;
import dev.sinkscope.inference.phantom.PhantomGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;

/**
 * The register-neuron maps of test-time registers: reading and writing ttr.json, the phantom's
 * planted circuit, and discovery on a folder of photos (on the inference thread, with the model on
 * screen). The maps themselves live in {@link MitigationsViewModel}.
 */
public final class NeuronMapsModel {
  private final MainViewModel main;
  private final InferenceService service;
  private final TaskExecutor tasks;
  private final ReadOnlyBooleanWrapper discovering =
      new ReadOnlyBooleanWrapper(this, "discovering");
  private BackgroundTask<NeuronDiscovery.Result> discovery;

  NeuronMapsModel(MainViewModel main, InferenceService service, TaskExecutor tasks) {
    this.main = main;
    this.service = service;
    this.tasks = tasks;
  }

  /** True while a discovery runs; Cancel / Esc stops it. */
  public ReadOnlyBooleanProperty discoveringProperty() {
    return discovering.getReadOnlyProperty();
  }

  /** Reads a ttr.json map and selects it. */
  public void load(Path file) {
    BackgroundTask.of("Reading " + file.getFileName() + "…", context -> NeuronMap.read(file))
        .notCancellable()
        .onSuccess(
            map ->
                main.mitigations()
                    .addNeuronMap(
                        new NeuronMapChoice(
                            file.getFileName() + " (" + map.neurons().size() + " neurons)", map)))
        .onFailure(e -> main.reportError(UserError.of(e, "neuron map " + file.getFileName())))
        .executeWith(tasks);
  }

  /** Writes the selected map as ttr.json. */
  public void save(Path file) {
    NeuronMapChoice choice = main.mitigations().neuronMapProperty().get();
    if (choice == null) {
      return;
    }
    BackgroundTask.run(
            "Writing " + file.getFileName() + "…",
            context -> choice.map().write(file, Map.of("source", choice.map().source())))
        .notCancellable()
        .onSuccess(x -> main.showMessage("Saved the neuron map to " + file))
        .onFailure(e -> main.reportError(UserError.of(e, "neuron map " + file.getFileName())))
        .executeWith(tasks);
  }

  /**
   * Discovery settings to start from: the published preset for the model when there is one, else
   * the last block with τ halfway between the median and the largest patch norm shown now.
   */
  public NeuronDiscovery.Settings defaults() {
    ModelInfo info = main.modelProperty().get();
    if (info == null) {
      return new NeuronDiscovery.Settings(-1, 100, 100, true, -1, 0, 10, 0);
    }
    NeuronDiscovery.Settings preset = NeuronDiscovery.Settings.presetFor(info.spec());
    if (preset != null) {
      return preset;
    }
    double tau = 100;
    AnalyzedPass pass = main.viewer().pass();
    if (pass != null) {
      LayerNormAnalysis last = pass.report().norms().get(pass.report().norms().size() - 1);
      tau = Math.round((last.patchNorms().median() + last.patchNorms().max()) / 2);
    }
    return new NeuronDiscovery.Settings(-1, tau, 100, true, -1, 0, 10, 0);
  }

  /**
   * Finds register neurons from the photos in {@code folder} on the inference thread, after the
   * passes queued before it; the result is added to the neuron maps.
   */
  public void discover(Path folder, NeuronDiscovery.Settings settings) {
    if (discovery != null) {
      return;
    }
    discovering.set(true);
    discovery =
        BackgroundTask.of(
                "Discovering register neurons…",
                context -> {
                  List<Path> images = photosIn(folder);
                  return service.discoverNeurons(
                      images,
                      settings,
                      context,
                      (n, total) ->
                          context.progress(
                              n / (double) total,
                              "Discovering register neurons: image " + n + " of " + total));
                })
            .on(BackgroundTask.Lane.INFERENCE)
            .onSuccess(result -> discovered(folder, result))
            .onCancelled(() -> main.showMessage("Neuron discovery cancelled."))
            .onFailure(
                e -> main.reportError(UserError.of(e, "register-neuron discovery on " + folder)))
            .onFinished(
                () -> {
                  discovery = null;
                  discovering.set(false);
                })
            .executeWith(tasks);
  }

  private void discovered(Path folder, NeuronDiscovery.Result result) {
    main.mitigations()
        .addNeuronMap(
            new NeuronMapChoice(
                "discovered on "
                    + folder.getFileName()
                    + " ("
                    + result.selected().neurons().size()
                    + " neurons, "
                    + result.imagesWithOutliers()
                    + " of "
                    + result.imagesUsed()
                    + " images had outliers)",
                result.selected()));
    String found = "Register neurons found (" + result.selected().neurons().size() + ")";
    main.showModelMessage(
        main.mitigations().ttrOnProperty().get()
            ? found + "; test-time registers now use them."
            : found + "; switch test-time registers on to use them.");
  }

  /** Stops a running discovery (the window is closing). */
  void cancel() {
    if (discovery != null) {
      discovery.cancel();
    }
  }

  private static List<Path> photosIn(Path folder) throws IOException {
    List<Path> images;
    try (Stream<Path> list = Files.list(folder)) {
      images = list.filter(NeuronMapsModel::looksLikeImage).sorted().toList();
    }
    if (images.isEmpty()) {
      throw new IOException("no photos (.png, .jpg, .jpeg, .bmp, .gif) in " + folder);
    }
    return images;
  }

  static boolean looksLikeImage(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(file)
        && (name.endsWith(".png")
            || name.endsWith(".jpg")
            || name.endsWith(".jpeg")
            || name.endsWith(".bmp")
            || name.endsWith(".gif"));
  }

  /**
   * The phantom's planted register neurons: from its phantom.json when readable, else the
   * generator's constants.
   */
  public static NeuronMapChoice plantedCircuit(Path folder) {
    Path card = folder.resolve("phantom.json");
    if (Files.isRegularFile(card)) {
      try {
        NeuronMap map = NeuronMap.read(card);
        return new NeuronMapChoice("planted circuit (" + map.neurons().size() + " neurons)", map);
      } catch (IOException e) {
        // phantom.json without a register_neurons list: fall back to the generator's constants
      }
    }
    List<NeuronMap.RegisterNeuron> neurons = new ArrayList<>();
    for (int n : PhantomGenerator.REGISTER_NEURONS) {
      neurons.add(new NeuronMap.RegisterNeuron(PhantomGenerator.CIRCUIT_BLOCK, n));
    }
    return new NeuronMapChoice(
        "planted circuit (block "
            + (PhantomGenerator.CIRCUIT_BLOCK + 1)
            + ", "
            + neurons.size()
            + " neurons)",
        new NeuronMap(neurons, "the phantom's planted circuit"));
  }
}
