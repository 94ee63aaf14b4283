package dev.sinkscope.app.gui.mitigations;

import dev.sinkscope.inference.mitigation.AttentionNormalizer;
import dev.sinkscope.inference.mitigation.TestTimeRegisters;
import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import org.controlsfx.control.ToggleSwitch;

/**
 * The four mitigation cards. Binds to {@link MitigationsViewModel}; file choosing goes to the given
 * actions.
 */
public final class MitigationsView extends VBox {

  /** What the buttons of the test-time-register card ask the application to do. */
  public interface Actions {
    void loadNeuronMap();

    void discoverNeurons();

    void saveNeuronMap();

    /** Opens the self-distillation dialog (PH-Reg student). */
    default void distill() {}
  }

  public MitigationsView(MitigationsViewModel vm, Actions actions) {
    super(10);
    getStyleClass().add("mitigations");
    getChildren()
        .addAll(
            testTimeRegisters(vm, actions),
            registersOff(vm),
            normalizer(vm),
            gate(vm),
            denoising(vm),
            distillation(vm, actions));
  }

  /** Not a live switch: a fine-tune that writes a new model, opened as model B. */
  private static VBox distillation(MitigationsViewModel vm, Actions actions) {
    Label title = new Label("Self-distilled registers (PH-Reg)");
    title.getStyleClass().add("mitigation-switch");
    title.setWrapText(true); // a narrow side panel wraps the title instead of cutting it off
    title.setMinWidth(0);
    Button distill = new Button("Distill…");
    distill.setId("distillButton");
    distill.setOnAction(e -> actions.distill());
    Label text =
        new Label(
            "Fine-tunes new register tokens (with the position table, patch projection and last"
                + " block) so one pass gives the shift/flip-denoised features. A fine-tune: the weights change; the student is"
                + " a new model folder, compared as model B.");
    text.getStyleClass().add("mitigation-description");
    text.setWrapText(true);
    Label last = new Label();
    last.setId("distillSummary");
    last.getStyleClass().add("mitigation-description");
    last.setWrapText(true);
    last.textProperty().bind(vm.distillSummaryProperty());
    last.visibleProperty().bind(vm.distillSummaryProperty().isNotEmpty());
    last.managedProperty().bind(last.visibleProperty());
    VBox card = new VBox(6, title, distill, text, last);
    card.setId("distillCard");
    card.getStyleClass().add("mitigation-card");
    card.setPadding(new Insets(8, 10, 8, 10));
    return card;
  }

  private static VBox denoising(MitigationsViewModel vm) {
    ToggleSwitch on = toggle("denoiseSwitch", "Shift/flip denoising", vm.denoiseOnProperty());
    Spinner<Integer> views =
        new Spinner<>(
            1, dev.sinkscope.app.gui.session.Denoising.MAX_VIEWS, vm.denoiseViewsProperty().get());
    views.setId("denoiseViews");
    views.setPrefWidth(80);
    views
        .getValueFactory()
        .valueProperty()
        .addListener((obs, old, now) -> vm.denoiseViewsProperty().set(now));
    vm.denoiseViewsProperty()
        .addListener((obs, old, now) -> views.getValueFactory().setValue(now.intValue()));
    views.setTooltip(
        new Tooltip("Views = forward passes; the first is the unshifted photo (reference: 10)."));
    Spinner<Integer> seed = new Spinner<>(0, 9999, vm.denoiseSeedProperty().get());
    seed.setId("denoiseSeed");
    seed.setPrefWidth(80);
    seed.setEditable(true);
    seed.getValueFactory()
        .valueProperty()
        .addListener((obs, old, now) -> vm.denoiseSeedProperty().set(now));
    vm.denoiseSeedProperty()
        .addListener((obs, old, now) -> seed.getValueFactory().setValue(now.intValue()));
    seed.setTooltip(
        new Tooltip("Seed of the shifts and flips (the reference draws a new one per image)."));
    GridPane grid = grid();
    grid.addRow(0, new Label("Views"), views);
    grid.addRow(1, new Label("Seed"), seed);
    return card(
        "denoiseCard",
        on,
        new javafx.beans.property.SimpleStringProperty(MitigationsViewModel.DENOISE_DESCRIPTION),
        null,
        "denoise",
        grid);
  }

  private static VBox testTimeRegisters(MitigationsViewModel vm, Actions actions) {
    ToggleSwitch on = toggle("ttrSwitch", "Test-time registers", vm.ttrOnProperty());
    on.disableProperty().bind(vm.ttrApplicableProperty().not());
    ComboBox<NeuronMapChoice> map = new ComboBox<>(vm.neuronMaps());
    map.setId("neuronMapChoice");
    map.valueProperty().bindBidirectional(vm.neuronMapProperty());
    map.setMaxWidth(Double.MAX_VALUE);
    map.setMinWidth(0);
    // Map names are long ("This model: planted circuit (3 neurons)"): the shown choice wraps
    // instead of
    // being cut off in a narrow panel.
    map.setButtonCell(
        new javafx.scene.control.ListCell<>() {
          private final javafx.scene.text.Text text = new javafx.scene.text.Text();

          {
            text.wrappingWidthProperty().bind(map.widthProperty().subtract(40));
            text.getStyleClass().add("wrapping-cell-text");
          }

          @Override
          protected void updateItem(NeuronMapChoice item, boolean empty) {
            super.updateItem(item, empty);
            setText(null);
            text.setText(empty || item == null ? "none — discover or load one" : item.toString());
            setGraphic(text);
          }
        });
    map.setTooltip(
        new Tooltip("Register neurons: MLP units whose activation is moved into the extra token."));
    Spinner<Integer> count = new Spinner<>(1, 8, vm.ttrRegistersProperty().get());
    count.setId("ttrCount");
    count.setPrefWidth(70);
    count
        .getValueFactory()
        .valueProperty()
        .addListener((obs, old, now) -> vm.ttrRegistersProperty().set(now));
    vm.ttrRegistersProperty()
        .addListener((obs, old, now) -> count.getValueFactory().setValue(now.intValue()));
    count.setTooltip(new Tooltip("Appended registers (the reference uses 1; more is a proposal)."));
    ComboBox<TestTimeRegisters.NormalValues> normal = new ComboBox<>();
    normal.getItems().setAll(TestTimeRegisters.NormalValues.values());
    normal.valueProperty().bindBidirectional(vm.ttrNormalProperty());
    normal.setConverter(named(v -> v.spec()));
    normal.setTooltip(
        new Tooltip(
            "What the other tokens' register-neuron activations become (reference: zero)."));
    Button load = new Button("Load JSON…");
    load.setId("loadNeuronMap");
    load.setOnAction(e -> actions.loadNeuronMap());
    load.setTooltip(
        new Tooltip(
            "A ttr.json file: {\"register_neurons\": [[layer, neuron], ...]}, layers from 0."));
    Button discover = new Button("Discover…");
    discover.setId("discoverNeurons");
    discover.setOnAction(e -> actions.discoverNeurons());
    discover.setTooltip(
        new Tooltip(
            "Find register neurons on this model from a folder of photos (Jiang et al."
                + " 2025, reference algorithm, seeded)."));
    Button save = new Button("Save…");
    save.setOnAction(e -> actions.saveNeuronMap());
    save.setTooltip(new Tooltip("Save the chosen map as ttr.json."));
    javafx.scene.layout.FlowPane buttons =
        new javafx.scene.layout.FlowPane(6, 6, load, discover, save);
    GridPane grid = grid();
    grid.addRow(0, new Label("Neurons"), map);
    GridPane.setHgrow(map, javafx.scene.layout.Priority.ALWAYS);
    grid.addRow(1, new Label("Registers"), count);
    grid.addRow(2, new Label("Other tokens"), normal);
    return card(
        "ttrCard", on, vm.ttrDescriptionProperty(), vm.ttrProblemProperty(), "ttr", grid, buttons);
  }

  private static VBox registersOff(MitigationsViewModel vm) {
    ToggleSwitch on = toggle("registersSwitch", "Trained registers off", vm.registersOffProperty());
    on.disableProperty().bind(vm.registersAvailableProperty().not());
    Label unavailable = new Label("This model has no trained registers.");
    unavailable.getStyleClass().add("mitigation-note");
    unavailable.visibleProperty().bind(vm.registersAvailableProperty().not());
    unavailable.managedProperty().bind(unavailable.visibleProperty());
    VBox card = card("registersCard", on, vm.registersDescriptionProperty(), null, "registers");
    card.getChildren().add(1, unavailable);
    return card;
  }

  private static VBox normalizer(MitigationsViewModel vm) {
    ToggleSwitch on = toggle("normalizerSwitch", "Attention normaliser", vm.normalizerOnProperty());
    ComboBox<AttentionNormalizer.Kind> kind = new ComboBox<>();
    kind.setId("normalizerKind");
    kind.getItems().setAll(MitigationsViewModel.NORMALIZER_KINDS);
    kind.valueProperty().bindBidirectional(vm.normalizerKindProperty());
    kind.setConverter(named(AttentionNormalizer.Kind::spec));
    TextField parameter = field("normalizerParameter", vm.normalizerParameterProperty());
    Label parameterName = new Label();
    parameterName
        .textProperty()
        .bind(
            Bindings.createStringBinding(
                () -> MitigationsViewModel.parameterName(vm.normalizerKindProperty().get()),
                vm.normalizerKindProperty()));
    parameter
        .disableProperty()
        .bind(vm.normalizerKindProperty().isEqualTo(AttentionNormalizer.Kind.SOFTMAX1));
    TextField zeta = field("normalizerZeta", vm.normalizerZetaProperty());
    zeta.disableProperty()
        .bind(vm.normalizerKindProperty().isNotEqualTo(AttentionNormalizer.Kind.CLIPPED_SOFTMAX));
    TextField blocks = field("normalizerBlocks", vm.normalizerBlocksProperty());
    blocks.setTooltip(new Tooltip("Blocks counted from 0: all, N, or A-B."));
    TextField heads = field("normalizerHeads", vm.normalizerHeadsProperty());
    heads.setTooltip(new Tooltip("Heads counted from 0: all, or e.g. 0;2;5."));
    GridPane grid = grid();
    grid.addRow(0, new Label("Kind"), kind);
    grid.addRow(1, parameterName, parameter);
    grid.addRow(2, new Label("ζ (≥ 1)"), zeta);
    grid.addRow(3, new Label("Blocks (from 0)"), blocks);
    grid.addRow(4, new Label("Heads"), heads);
    return card(
        "normalizerCard",
        on,
        vm.normalizerDescriptionProperty(),
        vm.normalizerProblemProperty(),
        "normalizer",
        grid);
  }

  private static VBox gate(MitigationsViewModel vm) {
    ToggleSwitch on = toggle("gateSwitch", "Head gate", vm.gateOnProperty());
    Slider value = new Slider(0, 1, vm.gateValueProperty().get());
    value.setId("gateValue");
    value.setPrefWidth(120);
    value.valueProperty().bindBidirectional(vm.gateValueProperty());
    value.setMajorTickUnit(0.25);
    value.setShowTickMarks(true);
    Label shown = new Label();
    shown.setMinWidth(Region.USE_PREF_SIZE);
    shown.textProperty().bind(vm.gateValueProperty().asString(Locale.ROOT, "g = %.2f"));
    HBox valueRow = new HBox(8, value, shown);
    valueRow.setAlignment(Pos.CENTER_LEFT);
    TextField blocks = field("gateBlocks", vm.gateBlocksProperty());
    blocks.setTooltip(new Tooltip("Blocks counted from 0: all, N, or A-B."));
    TextField heads = field("gateHeads", vm.gateHeadsProperty());
    heads.setTooltip(new Tooltip("Heads counted from 0: all, or e.g. 0;2;5."));
    GridPane grid = grid();
    grid.addRow(0, new Label("Gate"), valueRow);
    grid.addRow(1, new Label("Blocks (from 0)"), blocks);
    grid.addRow(2, new Label("Heads"), heads);
    return card(
        "gateCard", on, vm.gateDescriptionProperty(), vm.gateProblemProperty(), "gate", grid);
  }

  private static VBox card(
      String id,
      ToggleSwitch toggle,
      ReadOnlyStringProperty description,
      ReadOnlyStringProperty problem,
      String idPrefix,
      Node... body) {
    VBox card = new VBox(6);
    card.setId(id);
    card.getStyleClass().add("mitigation-card");
    card.setPadding(new Insets(8, 10, 8, 10));
    card.getChildren().add(toggle);
    for (Node n : body) {
      card.getChildren().add(n);
    }
    Label text = new Label();
    text.setId(idPrefix + "Description");
    text.getStyleClass().add("mitigation-description");
    text.setWrapText(true);
    text.textProperty().bind(description);
    card.getChildren().add(text);
    if (problem != null) {
      Label error = new Label();
      error.setId(idPrefix + "Problem");
      error.getStyleClass().add("mitigation-problem");
      error.setWrapText(true);
      error.textProperty().bind(problem);
      error.visibleProperty().bind(problem.isNotEmpty());
      error.managedProperty().bind(error.visibleProperty());
      card.getChildren().add(error);
    }
    return card;
  }

  private static ToggleSwitch toggle(
      String id, String text, javafx.beans.property.BooleanProperty property) {
    ToggleSwitch toggle = new ToggleSwitch(text);
    toggle.setId(id);
    toggle.getStyleClass().add("mitigation-switch");
    toggle.selectedProperty().bindBidirectional(property);
    toggle.setMaxWidth(Double.MAX_VALUE);
    return toggle;
  }

  private static TextField field(String id, javafx.beans.property.StringProperty property) {
    TextField field = new TextField();
    field.setId(id);
    field.setPrefColumnCount(8);
    // Committed on Enter or when focus leaves, so half-typed ranges never reach the model.
    field.setText(property.get());
    property.addListener((obs, old, now) -> field.setText(now));
    field.setOnAction(e -> property.set(field.getText()));
    field
        .focusedProperty()
        .addListener(
            (obs, was, now) -> {
              if (!now) {
                property.set(field.getText());
              }
            });
    return field;
  }

  private static GridPane grid() {
    GridPane grid = new GridPane();
    grid.setHgap(8);
    grid.setVgap(4);
    javafx.scene.layout.ColumnConstraints labels = new javafx.scene.layout.ColumnConstraints();
    labels.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
    javafx.scene.layout.ColumnConstraints controls = new javafx.scene.layout.ColumnConstraints();
    controls.setHgrow(Priority.ALWAYS);
    controls.setFillWidth(true);
    grid.getColumnConstraints().addAll(labels, controls);
    return grid;
  }

  private static <T> StringConverter<T> named(java.util.function.Function<T, String> name) {
    return new StringConverter<>() {
      @Override
      public String toString(T value) {
        return value == null ? "" : name.apply(value);
      }

      @Override
      public T fromString(String text) {
        throw new UnsupportedOperationException("choices are not typed in");
      }
    };
  }
}
