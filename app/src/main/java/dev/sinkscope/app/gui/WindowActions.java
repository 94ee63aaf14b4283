package dev.sinkscope.app.gui;

import dev.sinkscope.app.gui.common.FileDialogs;
import dev.sinkscope.app.gui.common.WindowFit;
import dev.sinkscope.app.gui.main.MainViewModel;
import dev.sinkscope.app.gui.mitigations.DiscoveryDialog;
import dev.sinkscope.app.gui.session.CompareTarget;
import dev.sinkscope.app.gui.session.ModelLocation;
import dev.sinkscope.app.gui.sessionfile.SessionController;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javafx.stage.Window;

/**
 * The menu and button commands that first ask the user something (a file, a folder, discovery or
 * distillation settings) and then hand the answer to the presentation models, plus the window's two
 * notes.
 */
final class WindowActions {
  private final MainViewModel vm;
  private final Window owner;
  private final FileDialogs dialogs;
  private final Supplier<SessionController> sessions;

  WindowActions(
      MainViewModel vm, Window owner, FileDialogs dialogs, Supplier<SessionController> sessions) {
    this.vm = vm;
    this.owner = owner;
    this.dialogs = dialogs;
    this.sessions = sessions;
  }

  void chooseModel() {
    dialogs
        .chooseFolder(
            owner,
            "Model folder (config.json + model.safetensors)",
            vm.preferences().lastFolder("model"))
        .ifPresent(
            p -> {
              vm.preferences().setLastFolder("model", p.getParent());
              vm.openModel(p);
            });
  }

  void chooseImage() {
    dialogs
        .openFile(
            owner, "Open image", vm.preferences().lastFolder("image"), List.of(FileDialogs.IMAGES))
        .ifPresent(
            p -> {
              vm.preferences().setLastFolder("image", p.getParent());
              vm.openImage(p);
            });
  }

  /**
   * The PH-Reg student dialog; when it finishes, the student is model B and Compare shows A / B.
   */
  void distill() {
    var model = vm.modelProperty().get();
    if (model == null) {
      return;
    }
    Path folder = model.folder();
    Path parent = folder.toAbsolutePath().getParent();
    Path out = (parent == null ? folder : parent).resolve(folder.getFileName() + "-distilled");
    var distillVm =
        new dev.sinkscope.app.gui.distill.DistillViewModel(
            vm.tasks(),
            () -> vm.assets().photosFolder(),
            folder,
            model.displayName(),
            out,
            vm.assets().cacheDir().resolveSibling("distill-teacher-cache"));
    distillVm.modelSpecProperty().set(model.spec());
    dev.sinkscope.app.gui.distill.DistillDialog.show(
        owner,
        distillVm,
        () ->
            dialogs.chooseFolder(
                owner, "Folder of training photos", vm.preferences().lastFolder("distill")),
        () ->
            dialogs.chooseFolder(
                owner, "Output folder for the student", vm.preferences().lastFolder("distill")),
        result -> {
          vm.mitigations()
              .distillSummaryProperty()
              .set(dev.sinkscope.app.gui.distill.DistillViewModel.summary(result));
          vm.compare().otherModelProperty().set(new ModelLocation.Folder(result.output()));
          vm.compare().modeProperty().set(CompareTarget.Kind.OTHER_MODEL);
        });
  }

  void discoverNeurons() {
    if (vm.modelProperty().get() == null) {
      return;
    }
    DiscoveryDialog.ask(
            owner,
            vm.neuronMaps().defaults(),
            () ->
                dialogs.chooseFolder(
                    owner, "Folder of photos", vm.preferences().lastFolder("discovery")))
        .ifPresent(
            choice -> {
              vm.preferences().setLastFolder("discovery", choice.folder());
              vm.neuronMaps().discover(choice.folder(), choice.settings());
            });
  }

  void openSession() {
    dialogs
        .openFile(
            owner,
            "Open session",
            vm.preferences().lastFolder("session"),
            List.of(FileDialogs.JSON))
        .ifPresent(
            p -> {
              vm.preferences().setLastFolder("session", p.toAbsolutePath().getParent());
              sessions.get().open(p);
            });
  }

  void saveSession() {
    dialogs
        .saveFile(
            owner,
            "Save session",
            vm.preferences().lastFolder("session"),
            vm.exports().suggestedFileName("session", "json"),
            List.of(FileDialogs.JSON))
        .ifPresent(
            p -> {
              vm.preferences().setLastFolder("session", p.toAbsolutePath().getParent());
              sessions.get().save(p);
            });
  }

  void exportView() {
    save("Export view", vm.exports().suggestedFileName("view", "png"), List.of(FileDialogs.PNG))
        .ifPresent(vm.exports()::view);
  }

  void exportComparison() {
    save(
            "Export comparison",
            vm.exports().suggestedFileName("comparison", "png"),
            List.of(FileDialogs.PNG))
        .ifPresent(vm.exports()::comparison);
  }

  void exportMetrics() {
    save(
            "Export metrics",
            vm.exports().suggestedFileName("metrics", "json"),
            List.of(FileDialogs.JSON, FileDialogs.CSV))
        .ifPresent(vm.exports()::metrics);
  }

  /**
   * A folder with every panel, the metrics and the session, as {@code sinkscope report} writes it.
   */
  void exportReport() {
    dialogs
        .chooseFolder(owner, "Export report into folder", vm.preferences().lastFolder("export"))
        .ifPresent(
            p -> {
              vm.preferences().setLastFolder("export", p.toAbsolutePath());
              sessions.get().exportReport(p);
            });
  }

  private Optional<Path> save(
      String title, String name, List<javafx.stage.FileChooser.ExtensionFilter> filters) {
    Optional<Path> file =
        dialogs.saveFile(owner, title, vm.preferences().lastFolder("export"), name, filters);
    file.ifPresent(p -> vm.preferences().setLastFolder("export", p.toAbsolutePath().getParent()));
    return file;
  }

  javafx.scene.control.Alert showRealCheckpointHelp() {
    javafx.scene.control.Alert note =
        new javafx.scene.control.Alert(javafx.scene.control.Alert.AlertType.INFORMATION);
    note.initOwner(owner);
    note.setTitle("Sinkscope");
    note.setHeaderText("Opening a real checkpoint");
    note.setContentText(
        "The model opened at start is the synthetic sink phantom. To study a trained model, use"
            + " File > Open model folder… (or drop the folder on the window) and pick a folder holding config.json and"
            + " model.safetensors (or a sharded index): Hugging Face DINOv2 (with or without registers), ViT, DeiT,"
            + " CLIP vision, or a timm vit_*/deit3_* checkpoint. Models you downloaded from Python are in the"
            + " Hugging Face cache, e.g. ~/.cache/huggingface/hub/models--facebook--dinov2-small/snapshots/<commit>;"
            + " to download one, use File > Open from hub… or run: java -jar sinkscope.jar download"
            + " facebook/dinov2-small."
            + " Pickle files (.bin, .pth) are never opened: use the repository's safetensors weights.");
    WindowFit.dialog(note, 620);
    note.show();
    return note;
  }

  javafx.scene.control.Alert showPhantomNote() {
    javafx.scene.control.Alert note =
        new javafx.scene.control.Alert(javafx.scene.control.Alert.AlertType.INFORMATION);
    note.initOwner(owner);
    note.setTitle("Sinkscope");
    note.setHeaderText("The sink phantom");
    // Blocks numbered from 1, as on the block slider.
    note.setContentText(
        "The sink phantom is a hand-wired 8-block ViT (DINOv2 layout) whose register neurons"
            + " (in the MLP of block 4) write a large vector into the flattest patches; blocks 5-8 attend to them. It shows the"
            + " phenomenon on purpose; it is not a trained model. Its twin with registers gives register 0 the"
            + " payload instead of a patch.");
    WindowFit.dialog(note);
    note.show();
    return note;
  }
}
