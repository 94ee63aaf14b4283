package dev.sinkscope.inference.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The module's dependency rules: no JavaFX anywhere; host-side results and analysis free of DJL. */
class InferenceArchitectureTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.sinkscope.inference");

  @Test
  void inferenceDoesNotUseJavaFx() {
    noClasses().that().resideInAPackage("dev.sinkscope.inference..")
        .should().dependOnClassesThat().resideInAPackage("javafx..")
        .check(CLASSES);
  }

  @Test
  void resultsAndAnalysisAreFreeOfNativeTensors() {
    noClasses().that().resideInAnyPackage("dev.sinkscope.inference.result..", "dev.sinkscope.inference.analysis..",
            "dev.sinkscope.inference.preprocess..", "dev.sinkscope.inference.hub..")
        .should().dependOnClassesThat().resideInAPackage("ai.djl..")
        .check(CLASSES);
  }

  @Test
  void renderIsNotUsedByInference() {
    noClasses().that().resideInAPackage("dev.sinkscope.inference..")
        .should().dependOnClassesThat().resideInAPackage("dev.sinkscope.render..")
        .check(CLASSES);
  }
}
