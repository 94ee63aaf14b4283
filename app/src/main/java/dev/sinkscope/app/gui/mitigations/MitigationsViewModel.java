package dev.sinkscope.app.gui.mitigations;

import dev.sinkscope.app.gui.session.Denoising;
import dev.sinkscope.inference.mitigation.AttentionNormalizer;
import dev.sinkscope.inference.mitigation.BlockRange;
import dev.sinkscope.inference.mitigation.HeadGate;
import dev.sinkscope.inference.mitigation.HeadSet;
import dev.sinkscope.inference.mitigation.Mitigation;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.mitigation.NeuronMap;
import dev.sinkscope.inference.mitigation.RegisterAblation;
import dev.sinkscope.inference.mitigation.TestTimeRegisters;
import dev.sinkscope.inference.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javafx.beans.Observable;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The mitigation switches and their parameters, turned into one {@link MitigationStack}. Every
 * switch carries the honest one-line description of what it would do ({@link
 * Mitigation#description()} and its provenance) and, when its settings do not fit the model, the
 * reason; an unfit mitigation is left out of the stack rather than sent to the model.
 *
 * <p>Block ranges and head lists are typed as the mitigation SPECs read them: blocks counted from
 * 0.
 */
public final class MitigationsViewModel {
  /** What the last self-distillation run did (empty before one); set by whoever ran it. */
  private final javafx.beans.property.StringProperty distillSummary =
      new javafx.beans.property.SimpleStringProperty("");

  public javafx.beans.property.StringProperty distillSummaryProperty() {
    return distillSummary;
  }

  /** The normaliser kinds in menu order. */
  public static final List<AttentionNormalizer.Kind> NORMALIZER_KINDS =
      List.of(AttentionNormalizer.Kind.values());

  private final ObjectProperty<ModelSpec> model = new SimpleObjectProperty<>(this, "model");

  // Test-time registers
  private final BooleanProperty ttrOn = new SimpleBooleanProperty(this, "ttrOn");
  private final IntegerProperty ttrRegisters = new SimpleIntegerProperty(this, "ttrRegisters", 1);
  private final ObjectProperty<NeuronMapChoice> neuronMap =
      new SimpleObjectProperty<>(this, "neuronMap");
  private final ObjectProperty<TestTimeRegisters.NormalValues> ttrNormal =
      new SimpleObjectProperty<>(this, "ttrNormal", TestTimeRegisters.NormalValues.ZERO);
  private final ObservableList<NeuronMapChoice> neuronMaps = FXCollections.observableArrayList();
  private final ReadOnlyStringWrapper ttrDescription =
      new ReadOnlyStringWrapper(this, "ttrDescription", "");
  private final ReadOnlyStringWrapper ttrProblem =
      new ReadOnlyStringWrapper(this, "ttrProblem", "");

  // Trained registers off
  private final BooleanProperty registersOff = new SimpleBooleanProperty(this, "registersOff");
  private final ReadOnlyBooleanWrapper registersAvailable =
      new ReadOnlyBooleanWrapper(this, "registersAvailable");
  private final ReadOnlyStringWrapper registersDescription =
      new ReadOnlyStringWrapper(
          this,
          "registersDescription",
          new RegisterAblation().description()
              + "\nProvenance: "
              + new RegisterAblation().provenance().label()
              + ".");

  // Attention normaliser
  private final BooleanProperty normalizerOn = new SimpleBooleanProperty(this, "normalizerOn");
  private final ObjectProperty<AttentionNormalizer.Kind> normalizerKind =
      new SimpleObjectProperty<>(this, "normalizerKind", AttentionNormalizer.Kind.SOFTMAX1);

  /** Sigmoid bias (empty = −ln n), virtual-sink β, or clipped-softmax γ, depending on the kind. */
  private final StringProperty normalizerParameter =
      new SimpleStringProperty(this, "normalizerParameter", "");

  private final StringProperty normalizerZeta =
      new SimpleStringProperty(this, "normalizerZeta", "1");
  private final StringProperty normalizerBlocks =
      new SimpleStringProperty(this, "normalizerBlocks", "all");
  private final StringProperty normalizerHeads =
      new SimpleStringProperty(this, "normalizerHeads", "all");
  private final ReadOnlyStringWrapper normalizerDescription =
      new ReadOnlyStringWrapper(this, "normalizerDescription", "");
  private final ReadOnlyStringWrapper normalizerProblem =
      new ReadOnlyStringWrapper(this, "normalizerProblem", "");

  // Head gate
  private final BooleanProperty gateOn = new SimpleBooleanProperty(this, "gateOn");
  private final DoubleProperty gateValue = new SimpleDoubleProperty(this, "gateValue", 0);
  private final StringProperty gateBlocks = new SimpleStringProperty(this, "gateBlocks", "all");
  private final StringProperty gateHeads = new SimpleStringProperty(this, "gateHeads", "0");
  private final ReadOnlyStringWrapper gateDescription =
      new ReadOnlyStringWrapper(this, "gateDescription", "");
  private final ReadOnlyStringWrapper gateProblem =
      new ReadOnlyStringWrapper(this, "gateProblem", "");

  // Shift/flip denoising: not a forward hook, so it lives beside the stack, not in it.
  private final BooleanProperty denoiseOn = new SimpleBooleanProperty(this, "denoiseOn");
  private final IntegerProperty denoiseViews =
      new SimpleIntegerProperty(this, "denoiseViews", Denoising.DEFAULT_VIEWS);
  private final IntegerProperty denoiseSeed = new SimpleIntegerProperty(this, "denoiseSeed", 0);
  private final ReadOnlyObjectWrapper<Denoising> denoising =
      new ReadOnlyObjectWrapper<>(this, "denoising", Denoising.OFF);

  /** What the switch does, in one honest line. */
  public static final String DENOISE_DESCRIPTION =
      "Runs the model on N whole-patch shifted and mirrored copies of"
          + " the photo (N forward passes) and averages the final patch features back in place; artifacts tied to"
          + " positions average out. Changes only the last block's patch norm and PCA maps, not the attention of the"
          + " single pass. Training-free test-time averaging (the PH-Reg teacher, Chen et al. 2025), not the trained"
          + " denoiser of DVT (Yang et al. 2024).\nProvenance: reference-code reproduction, seeded.";

  private final ReadOnlyObjectWrapper<MitigationStack> stack =
      new ReadOnlyObjectWrapper<>(this, "stack", MitigationStack.NONE);

  private final NeuronMapChoice published =
      new NeuronMapChoice(
          "Published DINOv2 ViT-L/14 map (45 neurons)", NeuronMap.dinov2LargePublished());

  /**
   * Shown in the test-time-register card while no map fits the model (nothing red: nothing went
   * wrong).
   */
  public static final String NO_MAP =
      "No register-neuron map fits this model yet: find one with Discover… on a"
          + " folder of photos, or load a ttr.json with Load JSON…. The switch stays off until then.";

  private final javafx.beans.property.ReadOnlyBooleanWrapper ttrApplicable =
      new javafx.beans.property.ReadOnlyBooleanWrapper(this, "ttrApplicable");

  public MitigationsViewModel() {
    neuronMaps.add(published);
    neuronMap.set(published);
    // A new model keeps the chosen map only if it fits; else the first that does, else none.
    model.addListener((obs, old, now) -> chooseFittingMap(now));
    for (Observable o :
        List.of(
            model,
            ttrOn,
            ttrRegisters,
            neuronMap,
            ttrNormal,
            registersOff,
            normalizerOn,
            normalizerKind,
            normalizerParameter,
            normalizerZeta,
            normalizerBlocks,
            normalizerHeads,
            gateOn,
            gateValue,
            gateBlocks,
            gateHeads)) {
      o.addListener(x -> rebuild());
    }
    normalizerKind.addListener((obs, old, now) -> normalizerParameter.set(defaultParameter(now)));
    model.addListener(
        (obs, old, now) -> registersAvailable.set(now != null && now.registers() > 0));
    for (Observable o : List.of(denoiseOn, denoiseViews, denoiseSeed)) {
      o.addListener(x -> rebuildDenoising());
    }
    rebuild();
  }

  // ------------------------------------------------------------------ properties

  /** The model the mitigations are checked against; set by the main presentation model. */
  public ObjectProperty<ModelSpec> modelProperty() {
    return model;
  }

  public BooleanProperty ttrOnProperty() {
    return ttrOn;
  }

  public IntegerProperty ttrRegistersProperty() {
    return ttrRegisters;
  }

  public ObjectProperty<NeuronMapChoice> neuronMapProperty() {
    return neuronMap;
  }

  public ObjectProperty<TestTimeRegisters.NormalValues> ttrNormalProperty() {
    return ttrNormal;
  }

  public ObservableList<NeuronMapChoice> neuronMaps() {
    return neuronMaps;
  }

  public ReadOnlyStringProperty ttrDescriptionProperty() {
    return ttrDescription.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty ttrProblemProperty() {
    return ttrProblem.getReadOnlyProperty();
  }

  public BooleanProperty registersOffProperty() {
    return registersOff;
  }

  /** Only models trained with registers can switch them off. */
  public ReadOnlyBooleanProperty registersAvailableProperty() {
    return registersAvailable.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty registersDescriptionProperty() {
    return registersDescription.getReadOnlyProperty();
  }

  public BooleanProperty normalizerOnProperty() {
    return normalizerOn;
  }

  public ObjectProperty<AttentionNormalizer.Kind> normalizerKindProperty() {
    return normalizerKind;
  }

  public StringProperty normalizerParameterProperty() {
    return normalizerParameter;
  }

  public StringProperty normalizerZetaProperty() {
    return normalizerZeta;
  }

  public StringProperty normalizerBlocksProperty() {
    return normalizerBlocks;
  }

  public StringProperty normalizerHeadsProperty() {
    return normalizerHeads;
  }

  public ReadOnlyStringProperty normalizerDescriptionProperty() {
    return normalizerDescription.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty normalizerProblemProperty() {
    return normalizerProblem.getReadOnlyProperty();
  }

  public BooleanProperty gateOnProperty() {
    return gateOn;
  }

  public DoubleProperty gateValueProperty() {
    return gateValue;
  }

  public StringProperty gateBlocksProperty() {
    return gateBlocks;
  }

  public StringProperty gateHeadsProperty() {
    return gateHeads;
  }

  public ReadOnlyStringProperty gateDescriptionProperty() {
    return gateDescription.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty gateProblemProperty() {
    return gateProblem.getReadOnlyProperty();
  }

  public BooleanProperty denoiseOnProperty() {
    return denoiseOn;
  }

  /** Views (forward passes), 1..{@link Denoising#MAX_VIEWS}; the first is the unshifted photo. */
  public IntegerProperty denoiseViewsProperty() {
    return denoiseViews;
  }

  public IntegerProperty denoiseSeedProperty() {
    return denoiseSeed;
  }

  /** {@link Denoising#OFF}, or the views and seed while the switch is on. */
  public ReadOnlyObjectProperty<Denoising> denoisingProperty() {
    return denoising.getReadOnlyProperty();
  }

  /** The mitigations that are on and fit the model, in a fixed order. */
  public ReadOnlyObjectProperty<MitigationStack> stackProperty() {
    return stack.getReadOnlyProperty();
  }

  // ------------------------------------------------------------------ commands

  /** Adds a map (loaded from a file or discovered) to the menu and selects it. */
  public void addNeuronMap(NeuronMapChoice choice) {
    neuronMaps.removeIf(c -> c.label().equals(choice.label()));
    neuronMaps.add(choice);
    neuronMap.set(choice);
  }

  /**
   * Offers the model's own planted circuit as a preset (for the phantom); replaces an earlier
   * preset of that name. Null removes it.
   */
  public void setModelPreset(NeuronMapChoice preset) {
    neuronMaps.removeIf(c -> c.label().startsWith(MODEL_PRESET_PREFIX));
    if (preset != null) {
      NeuronMapChoice labelled =
          preset.label().startsWith(MODEL_PRESET_PREFIX)
              ? preset
              : new NeuronMapChoice(MODEL_PRESET_PREFIX + preset.label(), preset.map());
      neuronMaps.add(0, labelled);
      neuronMap.set(labelled);
    } else if (!neuronMaps.contains(neuronMap.get())) {
      chooseFittingMap(model.get());
    }
  }

  /**
   * Whether test-time registers can be applied to the model with the chosen map; the switch is off
   * otherwise.
   */
  public javafx.beans.property.ReadOnlyBooleanProperty ttrApplicableProperty() {
    return ttrApplicable.getReadOnlyProperty();
  }

  private void chooseFittingMap(ModelSpec spec) {
    if (spec == null || (neuronMap.get() != null && fits(neuronMap.get(), spec))) {
      return;
    }
    neuronMap.set(neuronMaps.stream().filter(c -> fits(c, spec)).findFirst().orElse(null));
  }

  private boolean fits(NeuronMapChoice choice, ModelSpec spec) {
    try {
      new TestTimeRegisters(choice.map(), ttrRegisters.get(), ttrNormal.get(), 1f, false, null)
          .validate(spec);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static final String MODEL_PRESET_PREFIX = "This model: ";

  /** Turns every switch off. */
  public void allOff() {
    ttrOn.set(false);
    registersOff.set(false);
    normalizerOn.set(false);
    gateOn.set(false);
    denoiseOn.set(false);
  }

  // ------------------------------------------------------------------ rebuilding

  private void rebuildDenoising() {
    int views = Math.max(1, Math.min(Denoising.MAX_VIEWS, denoiseViews.get()));
    Denoising next = denoiseOn.get() ? Denoising.of(views, denoiseSeed.get()) : Denoising.OFF;
    if (!next.equals(denoising.get())) {
      denoising.set(next);
    }
  }

  private void rebuild() {
    ModelSpec spec = model.get();
    List<Mitigation> list = new ArrayList<>();
    if (neuronMap.get() == null) {
      ttrDescription.set(NO_MAP);
      ttrProblem.set("");
      ttrApplicable.set(false);
    } else {
      addIfFit(list, spec, ttrOn.get(), this::buildTtr, ttrDescription, ttrProblem);
      ttrApplicable.set(spec != null && ttrProblem.get().isEmpty());
    }
    if (ttrOn.get() && !ttrApplicable.get()) {
      ttrOn.set(false); // rebuilds again, without it
      return;
    }
    if (registersOff.get() && spec != null && spec.registers() > 0) {
      list.add(new RegisterAblation());
    }
    addIfFit(
        list,
        spec,
        normalizerOn.get(),
        this::buildNormalizer,
        normalizerDescription,
        normalizerProblem);
    addIfFit(list, spec, gateOn.get(), this::buildGate, gateDescription, gateProblem);
    MitigationStack next = new MitigationStack(list);
    if (!next.equals(stack.get())) {
      stack.set(next);
    }
  }

  /**
   * Describes the configured mitigation whether on or off; adds it when on and valid for the model.
   * A configuration that cannot even be built (a typo in a block range) shows its reason instead.
   */
  private static void addIfFit(
      List<Mitigation> list,
      ModelSpec spec,
      boolean on,
      Supplier<Mitigation> build,
      ReadOnlyStringWrapper description,
      ReadOnlyStringWrapper problem) {
    Mitigation m;
    try {
      m = build.get();
    } catch (IllegalArgumentException e) {
      problem.set(e.getMessage());
      return;
    }
    description.set(m.description() + "\nProvenance: " + m.provenance().label() + ".");
    try {
      if (spec != null) {
        m.validate(spec);
      }
      problem.set("");
      if (on && spec != null) {
        list.add(m);
      }
    } catch (IllegalArgumentException e) {
      problem.set("Does not fit this model: " + e.getMessage());
    }
  }

  private Mitigation buildTtr() {
    NeuronMapChoice choice = neuronMap.get();
    if (choice == null) {
      throw new IllegalArgumentException("choose a register-neuron map");
    }
    return new TestTimeRegisters(
        choice.map(), ttrRegisters.get(), ttrNormal.get(), 1f, false, null);
  }

  private Mitigation buildNormalizer() {
    AttentionNormalizer.Kind kind = normalizerKind.get();
    String text = normalizerParameter.get() == null ? "" : normalizerParameter.get().trim();
    double parameter;
    switch (kind) {
      case SIGMOID:
        parameter = text.isEmpty() ? Double.NaN : number(text, "bias");
        break;
      case VIRTUAL_SINK:
        parameter = text.isEmpty() ? 0 : number(text, "β");
        break;
      case CLIPPED_SOFTMAX:
        parameter = text.isEmpty() ? -0.025 : number(text, "γ");
        break;
      default:
        parameter = 0;
    }
    double zeta =
        kind == AttentionNormalizer.Kind.CLIPPED_SOFTMAX ? number(normalizerZeta.get(), "ζ") : 1;
    return new AttentionNormalizer(
        kind,
        parameter,
        zeta,
        BlockRange.parse(normalizerBlocks.get()),
        HeadSet.parse(normalizerHeads.get()));
  }

  private Mitigation buildGate() {
    // The slider's value to the two decimals its label shows, so label, description and spec agree.
    float g = (float) (Math.round(gateValue.get() * 100) / 100.0);
    return new HeadGate(g, BlockRange.parse(gateBlocks.get()), HeadSet.parse(gateHeads.get()));
  }

  /** What the parameter field means for {@code kind}, for its label. */
  public static String parameterName(AttentionNormalizer.Kind kind) {
    switch (kind) {
      case SIGMOID:
        return "bias b (empty: −ln n)";
      case VIRTUAL_SINK:
        return "sink logit β";
      case CLIPPED_SOFTMAX:
        return "γ (≤ 0)";
      default:
        return "no parameter";
    }
  }

  static String defaultParameter(AttentionNormalizer.Kind kind) {
    switch (kind) {
      case VIRTUAL_SINK:
        return "0";
      case CLIPPED_SOFTMAX:
        return "-0.025";
      default:
        return "";
    }
  }

  private static double number(String text, String what) {
    try {
      return Double.parseDouble(text.trim().replace('−', '-'));
    } catch (NumberFormatException | NullPointerException e) {
      throw new IllegalArgumentException(what + " must be a number, got '" + text + "'");
    }
  }

  /** Short names of the active mitigations, e.g. for export metadata. */
  public static List<String> specs(MitigationStack stack) {
    return stack.mitigations().stream().map(Mitigation::spec).toList();
  }

  /** "none" or the SPECs joined, for status lines. */
  public static String summary(MitigationStack stack, Denoising denoising) {
    String mitigations = summary(stack);
    return !denoising.on()
        ? mitigations
        : stack.isEmpty() ? denoising.spec() : mitigations + " " + denoising.spec();
  }

  /** "none" or the SPECs joined, for status lines. */
  public static String summary(MitigationStack stack) {
    return stack.isEmpty() ? "none" : String.join(" ", specs(stack));
  }
}
