package dev.sinkscope.app.gui.main;

import dev.sinkscope.inference.analysis.AnalysisOptions;
import dev.sinkscope.inference.analysis.DetectionOptions;
import dev.sinkscope.inference.analysis.DetectionRule;
import java.util.List;
import javafx.beans.InvalidationListener;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;

/** The artifact rule of the left panel: which rule flags high-norm patches, and its settings. */
public final class ArtifactRuleModel {
  private final ObjectProperty<DetectionRule> detectionRule =
      new SimpleObjectProperty<>(this, "detectionRule", DetectionRule.BIMODAL_SPLIT);
  private final DoubleProperty medianRatioFactor =
      new SimpleDoubleProperty(this, "medianRatioFactor", 3);
  private final DoubleProperty robustZ = new SimpleDoubleProperty(this, "robustZ", 3.5);
  private final DoubleProperty absoluteThreshold =
      new SimpleDoubleProperty(this, "absoluteThreshold", Double.NaN);

  public ObjectProperty<DetectionRule> detectionRuleProperty() {
    return detectionRule;
  }

  public DoubleProperty medianRatioFactorProperty() {
    return medianRatioFactor;
  }

  public DoubleProperty robustZProperty() {
    return robustZ;
  }

  /** Rule A τ; NaN uses the model's preset. */
  public DoubleProperty absoluteThresholdProperty() {
    return absoluteThreshold;
  }

  /** Calls {@code listener} when any setting changes. */
  void addListener(InvalidationListener listener) {
    for (var o : List.of(detectionRule, medianRatioFactor, robustZ, absoluteThreshold)) {
      o.addListener(listener);
    }
  }

  /** The analysis the rule asks for. */
  AnalysisOptions analysisOptions() {
    DetectionOptions detection =
        DetectionOptions.defaults()
            .withRule(detectionRule.get())
            .withMedianRatioFactor(medianRatioFactor.get())
            .withRobustZThreshold(robustZ.get())
            .withAbsoluteThreshold(absoluteThreshold.get());
    return AnalysisOptions.defaults().withDetection(detection);
  }
}
