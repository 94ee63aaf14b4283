package dev.sinkscope.app.gui.sessionfile;

import dev.sinkscope.app.gui.canvas.HeadChoice;
import dev.sinkscope.app.gui.canvas.NormalizationChoice;
import dev.sinkscope.app.gui.canvas.Quantity;
import dev.sinkscope.inference.mitigation.AttentionNormalizer;
import dev.sinkscope.inference.mitigation.HeadGate;
import dev.sinkscope.inference.mitigation.Mitigation;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.mitigation.NeuronMap;
import dev.sinkscope.inference.mitigation.RegisterAblation;
import dev.sinkscope.inference.mitigation.TestTimeRegisters;
import dev.sinkscope.inference.report.HeadSelection;
import dev.sinkscope.inference.report.NormalizationSpec;
import dev.sinkscope.inference.report.SelectedPatch;
import dev.sinkscope.inference.report.ViewSettings;
import dev.sinkscope.render.PatchPosition;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Translates between what the app shows and the session file's vocabulary (shared with the command
 * line): quantities, heads, colour scales, bundled model names and mitigation SPECs. Pure
 * functions, no toolkit.
 */
public final class SessionCodec {
  /** How the bundled models are named in sessions, as {@code --model} accepts them. */
  private static final String BUNDLED_PREFIX = "sink-";

  /** The {@code ttr} SPEC's name for the published DINOv2 ViT-L/14 map. */
  static final String PUBLISHED_MAP = "dinov2-large";

  private SessionCodec() {}

  /**
   * The view on screen as a session records it; null when {@code shown} needs a selected patch and
   * none is selected.
   */
  public static ViewSettings view(
      int block,
      HeadChoice head,
      Quantity shown,
      String colormap,
      NormalizationChoice normalization,
      PatchPosition selected) {
    if (shown.needsSelection() && selected == null) {
      return null;
    }
    return new ViewSettings(
        block,
        head(head),
        quantity(shown),
        colormap,
        normalization(normalization),
        patch(selected));
  }

  /** The session's name for the quantity on screen. */
  public static dev.sinkscope.inference.report.Quantity quantity(Quantity shown) {
    switch (shown) {
      case ATTENTION_RECEIVED:
        return dev.sinkscope.inference.report.Quantity.ATTENTION_RECEIVED;
      case CLS_ATTENTION:
        return dev.sinkscope.inference.report.Quantity.CLS_ATTENTION;
      case ROLLOUT:
        return dev.sinkscope.inference.report.Quantity.ROLLOUT;
      case PCA_RGB:
        return dev.sinkscope.inference.report.Quantity.PCA_RGB;
      case ATTENDS_TO:
        return dev.sinkscope.inference.report.Quantity.ATTENDS_TO;
      case ATTENDED_BY:
        return dev.sinkscope.inference.report.Quantity.ATTENDED_BY;
      default:
        return dev.sinkscope.inference.report.Quantity.PATCH_NORM;
    }
  }

  public static Quantity quantity(dev.sinkscope.inference.report.Quantity saved) {
    switch (saved) {
      case ATTENTION_RECEIVED:
        return Quantity.ATTENTION_RECEIVED;
      case CLS_ATTENTION:
        return Quantity.CLS_ATTENTION;
      case ROLLOUT:
        return Quantity.ROLLOUT;
      case PCA_RGB:
        return Quantity.PCA_RGB;
      case ATTENDS_TO:
        return Quantity.ATTENDS_TO;
      case ATTENDED_BY:
        return Quantity.ATTENDED_BY;
      default:
        return Quantity.PATCH_NORM;
    }
  }

  /** The session's selected patch for the one on screen (null for none). */
  public static SelectedPatch patch(PatchPosition shown) {
    return shown == null ? null : new SelectedPatch(shown.row(), shown.col());
  }

  public static PatchPosition patch(SelectedPatch saved) {
    return saved == null ? null : new PatchPosition(saved.row(), saved.col());
  }

  public static HeadSelection head(HeadChoice shown) {
    switch (shown.mode()) {
      case MAX:
        return HeadSelection.MAX;
      case SINGLE:
        return HeadSelection.single(shown.head());
      default:
        return HeadSelection.MEAN;
    }
  }

  public static HeadChoice head(HeadSelection saved) {
    switch (saved.mode()) {
      case MAX:
        return HeadChoice.MAX;
      case SINGLE:
        return HeadChoice.single(saved.head());
      default:
        return HeadChoice.MEAN;
    }
  }

  public static NormalizationSpec normalization(NormalizationChoice shown) {
    switch (shown) {
      case PERCENTILE:
        return new NormalizationSpec(NormalizationSpec.Kind.PERCENTILE, 1, 99);
      case LOG:
        return new NormalizationSpec(NormalizationSpec.Kind.LOG, Double.NaN, Double.NaN);
      default:
        return NormalizationSpec.MIN_MAX;
    }
  }

  /**
   * The app's scale for a saved one; empty for scales the app does not offer (fixed, other
   * percentiles).
   */
  public static Optional<NormalizationChoice> normalization(NormalizationSpec saved) {
    switch (saved.kind()) {
      case MIN_MAX:
        return Optional.of(NormalizationChoice.MIN_MAX);
      case LOG:
        return Optional.of(NormalizationChoice.LOG);
      case PERCENTILE:
        return saved.low() == 1 && saved.high() == 99
            ? Optional.of(NormalizationChoice.PERCENTILE)
            : Optional.empty();
      default:
        return Optional.empty();
    }
  }

  /** "sink-phantom" → "phantom", the name the command line prints and accepts. */
  public static String bundledNameForSession(String assetName) {
    return dev.sinkscope.app.assets.BundledAssets.sessionName(assetName);
  }

  /** "phantom" (or "sink-phantom") → "sink-phantom", the bundled asset's name. */
  public static String bundledAssetName(String sessionName) {
    String name = sessionName.strip().toLowerCase(Locale.ROOT);
    return name.startsWith(BUNDLED_PREFIX) ? name : BUNDLED_PREFIX + name;
  }

  /**
   * The SPEC of one mitigation as a session stores it. A test-time-registers SPEC names the
   * published map when that is the one in use; any other map goes into the session's {@code
   * neurons} file, which a SPEC without {@code neurons=} reads.
   */
  public static String spec(Mitigation m) {
    if (m instanceof TestTimeRegisters && usesPublishedMap((TestTimeRegisters) m)) {
      return m.spec() + ",neurons=" + PUBLISHED_MAP;
    }
    return m.spec();
  }

  /**
   * Whether test-time registers use the published DINOv2 ViT-L/14 map (compared by neurons, not by
   * label).
   */
  public static boolean usesPublishedMap(TestTimeRegisters ttr) {
    return ttr.neurons().neurons().equals(NeuronMap.dinov2LargePublished().neurons());
  }

  /** The test-time registers of a stack, if any. */
  public static Optional<TestTimeRegisters> testTimeRegisters(MitigationStack stack) {
    return stack.mitigations().stream()
        .filter(m -> m instanceof TestTimeRegisters)
        .map(m -> (TestTimeRegisters) m)
        .findFirst();
  }

  /**
   * Why the app's switches cannot show {@code stack}, or empty when they can: each kind at most
   * once, and test-time registers as the switch builds them (scale 1, one joint value, appended
   * tokens).
   */
  public static Optional<String> unsupported(MitigationStack stack) {
    Set<Class<?>> seen = new HashSet<>();
    for (Mitigation m : stack.mitigations()) {
      if (!(m instanceof TestTimeRegisters
          || m instanceof RegisterAblation
          || m instanceof AttentionNormalizer
          || m instanceof HeadGate)) {
        return Optional.of("the app has no switch for " + m.spec());
      }
      if (!seen.add(m.getClass())) {
        return Optional.of(
            "it applies "
                + m.spec().replaceFirst(":.*", "")
                + " more than once, and the app has one "
                + "switch per kind");
      }
      if (m instanceof TestTimeRegisters) {
        TestTimeRegisters t = (TestTimeRegisters) m;
        if (t.scale() != 1f || t.perNeuron() || t.shiftedPatch() != null) {
          return Optional.of(
              "its "
                  + t.spec()
                  + " uses scale, value or shifted settings the app's switch does not"
                  + " offer");
        }
      }
    }
    return Optional.empty();
  }

  /** The SPECs of a stack, for messages. */
  public static List<String> specsOf(MitigationStack stack) {
    return stack.mitigations().stream().map(Mitigation::spec).toList();
  }

  /**
   * Whether two stacks hold the same mitigations, in any order (the app applies them in a fixed
   * order).
   */
  public static boolean sameMitigations(MitigationStack a, MitigationStack b) {
    List<Mitigation> x = a.mitigations();
    List<Mitigation> y = b.mitigations();
    return x.size() == y.size() && x.containsAll(y) && y.containsAll(x);
  }
}
