package dev.sinkscope.app.gui;

import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.app.gui.main.MainViewModel;
import dev.sinkscope.inference.analysis.DetectionRule;
import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.Tooltip;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.TilePane;
import javafx.scene.layout.VBox;

/** The left panel's sections above the mitigations: the model, the image and the artifact rule. */
final class PanelSections {
  private PanelSections() {}

  static VBox modelSection(MainViewModel vm, Runnable chooseModel) {
    Label name = new Label("No model");
    name.setId("modelName");
    name.getStyleClass().add("model-name");
    Label badge = new Label("SYNTHETIC PHANTOM");
    badge.setId("syntheticBadge");
    badge.getStyleClass().add("badge");
    badge.setTooltip(
        new Tooltip(
            "A small hand-wired ViT whose artifact circuit is planted on purpose, so the"
                + " phenomenon shows on any photo. Not a trained model: open a real checkpoint to study one."));
    badge
        .visibleProperty()
        .bind(
            Bindings.createBooleanBinding(
                () -> vm.modelProperty().get() != null && vm.modelProperty().get().synthetic(),
                vm.modelProperty()));
    badge.managedProperty().bind(badge.visibleProperty());
    Label spec = new Label();
    spec.setId("modelSpec");
    spec.setWrapText(true);
    spec.getStyleClass().add("model-spec");
    vm.modelProperty()
        .addListener(
            (obs, old, now) -> {
              name.setText(now == null ? "No model" : now.displayName());
              spec.setText(
                  now == null
                      ? ""
                      : now.spec().summary()
                          + "\n"
                          + now.device()
                          + (now.warnings().isEmpty()
                              ? ""
                              : "\n" + String.join("\n", now.warnings())));
            });
    Button open = new Button("Open folder…");
    open.setId("openModel");
    open.setOnAction(e -> chooseModel.run());
    open.setTooltip(
        new Tooltip(
            "A folder with config.json and model.safetensors (Ctrl+O), or drop it on the window."));
    Button phantom = new Button("Phantom");
    phantom.setOnAction(e -> vm.openBundledModel(BundledAssets.PHANTOM));
    phantom.setTooltip(new Tooltip("The bundled synthetic sink phantom (no registers)."));
    Button twin = new Button("+ registers");
    twin.setOnAction(e -> vm.openBundledModel(BundledAssets.PHANTOM_REGISTERS));
    twin.setTooltip(new Tooltip("The phantom's twin with 4 registers."));
    // Flow panes: in a narrow panel a long model name pushes the badge, and the buttons, onto a new
    // line
    // instead of cutting them off.
    javafx.scene.layout.FlowPane buttons =
        new javafx.scene.layout.FlowPane(6, 6, open, phantom, twin);
    name.setWrapText(true);
    name.setMinWidth(0);
    badge.setMinWidth(Region.USE_PREF_SIZE);
    javafx.scene.layout.FlowPane title = new javafx.scene.layout.FlowPane(8, 4, name, badge);
    title.setAlignment(Pos.CENTER_LEFT);
    name.maxWidthProperty().bind(title.widthProperty());
    return new VBox(6, header("Model"), title, spec, buttons);
  }

  static VBox imageSection(MainViewModel vm, Runnable chooseImage, Runnable paste) {
    Label name = new Label("No image");
    name.setId("imageName");
    name.getStyleClass().add("model-name");
    vm.outcomeProperty()
        .addListener(
            (obs, old, now) ->
                name.setText(
                    now == null || now.image() == null
                        ? "No image"
                        : now.image().displayName()
                            + "  ("
                            + now.image().originalWidth()
                            + "×"
                            + now.image().originalHeight()
                            + ")"));
    Button open = new Button("Open…");
    open.setId("openImage");
    open.setOnAction(e -> chooseImage.run());
    Button pasteButton = new Button("Paste");
    pasteButton.setId("pasteImage");
    pasteButton.setOnAction(e -> paste.run());
    pasteButton.setTooltip(
        new Tooltip("Paste an image or an image file from the clipboard (Ctrl+V)."));
    TilePane gallery = new TilePane(6, 6);
    gallery.setId("gallery");
    gallery.setPrefColumns(3);
    for (String photo : vm.assets().photos()) {
      String url = vm.assets().photoUrl(photo);
      ImageView thumb = new ImageView(new Image(url, 92, 64, true, true, true));
      Button b = new Button(null, thumb);
      b.setId("photo-" + photo.replaceAll("[^A-Za-z0-9]", "-"));
      b.getStyleClass().add("gallery-button");
      b.setTooltip(new Tooltip(photo));
      b.setOnAction(e -> vm.openBundledPhoto(photo));
      gallery.getChildren().add(b);
    }
    VBox box = new VBox(6, header("Image"), name, new HBox(6, open, pasteButton));
    if (!gallery.getChildren().isEmpty()) {
      box.getChildren().add(gallery);
    }
    return box;
  }

  static VBox analysisSection(MainViewModel vm) {
    ComboBox<DetectionRule> rule = new ComboBox<>();
    rule.setId("detectionRule");
    rule.getItems().setAll(DetectionRule.values());
    rule.valueProperty().bindBidirectional(vm.artifactRule().detectionRuleProperty());
    rule.setConverter(
        new javafx.util.StringConverter<>() {
          @Override
          public String toString(DetectionRule r) {
            if (r == null) {
              return "";
            }
            switch (r) {
              case ABSOLUTE:
                return "A: norm > τ (model preset)";
              case MEDIAN_RATIO:
                return "B: norm > k × median";
              case ROBUST_Z:
                return "C: robust z > 3.5";
              default:
                return "D: bimodal split (Otsu)";
            }
          }

          @Override
          public DetectionRule fromString(String s) {
            throw new UnsupportedOperationException();
          }
        });
    rule.setTooltip(
        new Tooltip(
            "How high-norm artifacts are flagged at each block (methods §1.3). D splits the"
                + " log-norm histogram and accepts only a small, well separated upper mode."));
    Spinner<Double> k =
        new Spinner<>(1.5, 10, vm.artifactRule().medianRatioFactorProperty().get(), 0.5);
    k.setId("medianRatioK");
    k.setPrefWidth(80);
    k.getValueFactory()
        .valueProperty()
        .addListener((obs, old, now) -> vm.artifactRule().medianRatioFactorProperty().set(now));
    HBox kRow = new HBox(6, new Label("k"), k);
    kRow.setAlignment(Pos.CENTER_LEFT);
    kRow.visibleProperty()
        .bind(vm.artifactRule().detectionRuleProperty().isEqualTo(DetectionRule.MEDIAN_RATIO));
    kRow.managedProperty().bind(kRow.visibleProperty());
    // Rule A's τ: empty uses the model's preset (when there is one).
    javafx.scene.control.TextField tau = new javafx.scene.control.TextField();
    tau.setId("absoluteThreshold");
    tau.setPrefColumnCount(7);
    tau.setPromptText("preset");
    tau.setTooltip(
        new Tooltip(
            "Rule A flags patches whose norm is above τ at every block. Empty: the model's"
                + " preset, if it has one."));
    double initial = vm.artifactRule().absoluteThresholdProperty().get();
    tau.setText(Double.isNaN(initial) ? "" : Double.toString(initial));
    Label tauProblem = new Label();
    tauProblem.getStyleClass().add("mitigation-problem");
    tauProblem.setWrapText(true);
    Runnable applyTau =
        () -> {
          String text = tau.getText().trim();
          try {
            double v = text.isEmpty() ? Double.NaN : Double.parseDouble(text);
            if (!Double.isNaN(v) && !(v > 0 && Double.isFinite(v))) {
              tauProblem.setText("τ must be a positive number.");
              return;
            }
            tauProblem.setText("");
            vm.artifactRule().absoluteThresholdProperty().set(v);
          } catch (NumberFormatException ex) {
            tauProblem.setText("τ must be a number (or empty for the preset).");
          }
        };
    tau.setOnAction(e -> applyTau.run());
    tau.focusedProperty()
        .addListener(
            (obs, was, now) -> {
              if (!now) {
                applyTau.run();
              }
            });
    HBox tauRow = new HBox(6, new Label("τ"), tau);
    tauRow.setAlignment(Pos.CENTER_LEFT);
    VBox tauBox = new VBox(4, tauRow, tauProblem);
    tauBox
        .visibleProperty()
        .bind(vm.artifactRule().detectionRuleProperty().isEqualTo(DetectionRule.ABSOLUTE));
    tauBox.managedProperty().bind(tauBox.visibleProperty());
    return new VBox(6, header("Artifact rule"), rule, kRow, tauBox);
  }

  static Label header(String text) {
    Label l = new Label(text.toUpperCase(Locale.ROOT));
    l.getStyleClass().add("section-header");
    return l;
  }
}
