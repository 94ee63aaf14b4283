package dev.sinkscope.app.gui.mitigations;

import dev.sinkscope.app.gui.common.WindowFit;
import dev.sinkscope.inference.mitigation.NeuronDiscovery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.stage.Window;

/**
 * Asks for a photo folder and the discovery settings (methods §2.1), prefilled with the model's
 * defaults.
 */
public final class DiscoveryDialog {

  /** What the user chose. */
  public record Choice(Path folder, NeuronDiscovery.Settings settings) {}

  private DiscoveryDialog() {}

  public static Optional<Choice> ask(
      Window owner, NeuronDiscovery.Settings defaults, Supplier<Optional<Path>> browse) {
    return create(owner, defaults, browse).showAndWait();
  }

  /** The dialog, not yet shown: its texts wrap and it stays on the screen it opens on. */
  public static Dialog<Choice> create(
      Window owner, NeuronDiscovery.Settings defaults, Supplier<Optional<Path>> browse) {
    Dialog<Choice> dialog = new Dialog<>();
    dialog.getDialogPane().setId("discoveryDialog");
    dialog.initOwner(owner);
    dialog.setTitle("Discover register neurons");
    dialog.setHeaderText(
        "Runs the model on each photo, finds tokens above τ at the detection block, and ranks MLP"
            + " neurons by their mean |activation| on those tokens (Jiang et al. 2025, reference algorithm, seeded).");
    TextField folder = new TextField();
    folder.setId("discoveryFolder");
    folder.setPrefColumnCount(28);
    Button pick = new Button("Browse…");
    pick.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
    pick.setOnAction(e -> browse.get().ifPresent(p -> folder.setText(p.toString())));
    // Blocks are numbered from 1 here, as on the block slider; the settings count from 0.
    TextField detect =
        new TextField(
            Integer.toString(
                defaults.detectLayer() >= 0 ? defaults.detectLayer() + 1 : defaults.detectLayer()));
    TextField tau = new TextField(Double.toString(defaults.threshold()));
    TextField images = new TextField(Integer.toString(defaults.maxImages()));
    TextField topK = new TextField(Integer.toString(defaults.topK()));
    TextField highest = new TextField(Integer.toString(Math.max(0, defaults.highestLayer() + 1)));
    TextField seed = new TextField(Long.toString(defaults.seed()));
    CheckBox sparsity = new CheckBox("Sparsity filter (reference notebook: on)");
    sparsity.setSelected(defaults.sparsityFilter());
    Label problem = new Label();
    problem.setWrapText(true);
    problem.getStyleClass().add("mitigation-problem");
    GridPane grid = new GridPane();
    grid.setHgap(8);
    grid.setVgap(6);
    grid.addRow(0, new Label("Photo folder"), new HBox(6, folder, pick));
    grid.addRow(1, wrapping("Detection block (from 1; negative counts from the end)"), detect);
    grid.addRow(2, new Label("Norm threshold τ"), tau);
    grid.addRow(3, new Label("Photos to sample"), images);
    grid.addRow(4, new Label("Neurons to keep (top k)"), topK);
    grid.addRow(5, wrapping("Highest block of kept neurons (0: any)"), highest);
    grid.addRow(6, new Label("Sampling seed"), seed);
    grid.addRow(7, new Label(""), sparsity);
    grid.add(problem, 0, 8, 2, 1);
    dialog.getDialogPane().setContent(grid);
    dialog.getDialogPane().getButtonTypes().addAll(ButtonType.OK, ButtonType.CANCEL);
    Button ok = (Button) dialog.getDialogPane().lookupButton(ButtonType.OK);
    ok.setText("Discover");
    ok.addEventFilter(
        javafx.event.ActionEvent.ACTION,
        e -> {
          String why = check(folder.getText(), detect, tau, images, topK, highest, seed);
          problem.setText(why);
          if (!why.isEmpty()) {
            e.consume();
          }
        });
    dialog.setResultConverter(
        button ->
            button != ButtonType.OK
                ? null
                : new Choice(
                    Path.of(folder.getText().trim()),
                    new NeuronDiscovery.Settings(
                        fromOneBased(Integer.parseInt(detect.getText().trim())),
                        Double.parseDouble(tau.getText().trim()),
                        Integer.parseInt(images.getText().trim()),
                        sparsity.isSelected(),
                        Integer.parseInt(highest.getText().trim()) - 1,
                        0,
                        Integer.parseInt(topK.getText().trim()),
                        Long.parseLong(seed.getText().trim()))));
    WindowFit.dialog(dialog);
    return dialog;
  }

  /** Block n (from 1) is index n − 1; negative numbers count from the end and pass through. */
  static int fromOneBased(int block) {
    return block > 0 ? block - 1 : block;
  }

  private static Label wrapping(String text) {
    Label l = new Label(text);
    l.setWrapText(true);
    l.setMaxWidth(300);
    return l;
  }

  private static String check(
      String folder,
      TextField detect,
      TextField tau,
      TextField images,
      TextField topK,
      TextField highest,
      TextField seed) {
    if (folder.isBlank() || !Files.isDirectory(Path.of(folder.trim()))) {
      return "Choose a folder of photos.";
    }
    try {
      if (Integer.parseInt(detect.getText().trim()) == 0) {
        return "Blocks are numbered from 1 (negative numbers count from the end).";
      }
      if (Integer.parseInt(highest.getText().trim()) < 0) {
        return "The highest block is a block number from 1, or 0 for any.";
      }
      Long.parseLong(seed.getText().trim());
      if (!(Double.parseDouble(tau.getText().trim()) > 0)) {
        return "τ must be positive.";
      }
      if (Integer.parseInt(images.getText().trim()) < 1
          || Integer.parseInt(topK.getText().trim()) < 1) {
        return "Photos and top k must be at least 1.";
      }
    } catch (NumberFormatException e) {
      return "Every field must be a number.";
    }
    return "";
  }
}
