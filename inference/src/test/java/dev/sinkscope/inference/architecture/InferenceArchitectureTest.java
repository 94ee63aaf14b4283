package dev.sinkscope.inference.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The module's dependency rules: no JavaFX anywhere; host-side results and analysis free of DJL.
 */
class InferenceArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.sinkscope.inference");

  @Test
  void inferenceDoesNotUseJavaFx() {
    noClasses()
        .that()
        .resideInAPackage("dev.sinkscope.inference..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("javafx..")
        .check(CLASSES);
  }

  @Test
  void resultsAndAnalysisAreFreeOfNativeTensors() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.sinkscope.inference.result..",
            "dev.sinkscope.inference.analysis..",
            "dev.sinkscope.inference.preprocess..",
            "dev.sinkscope.inference.hub..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("ai.djl..")
        .check(CLASSES);
  }

  @Test
  void renderIsNotUsedByInference() {
    noClasses()
        .that()
        .resideInAPackage("dev.sinkscope.inference..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.sinkscope.render..")
        .check(CLASSES);
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("dev.sinkscope.inference.(**)").should().beFreeOfCycles().check(CLASSES);
  }

  /** The forward pass and the captured data are producers: they never see their consumers. */
  @Test
  void producersDoNotImportTheirConsumers() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.sinkscope.inference.engine..",
            "dev.sinkscope.inference.result..",
            "dev.sinkscope.inference.model..",
            "dev.sinkscope.inference.safetensors..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.sinkscope.inference.analysis..",
            "dev.sinkscope.inference.pipeline..",
            "dev.sinkscope.inference.report..",
            "dev.sinkscope.inference.session..")
        .check(CLASSES);
  }

  /** Only the pipeline (and the benchmarks that measure the layers under it) assembles a run. */
  @Test
  void analysisDoesNotRunTheModel() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.sinkscope.inference.analysis..", "dev.sinkscope.inference.report..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.sinkscope.inference.engine..",
            "dev.sinkscope.inference.session..",
            "dev.sinkscope.inference.pipeline..")
        .check(CLASSES);
  }
}
