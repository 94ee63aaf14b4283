package dev.sinkscope.inference.report;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Sessions and report rows are plain data the GUI can use: no JavaFX, no native tensors, no engine.
 */
class ReportPackageDependencyTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.sinkscope.inference.report");

  @Test
  void reportPackageUsesNeitherJavaFxNorTheEngine() {
    noClasses()
        .that()
        .resideInAPackage("dev.sinkscope.inference.report..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "javafx..",
            "ai.djl..",
            "dev.sinkscope.inference.engine..",
            "dev.sinkscope.inference.session..")
        .check(CLASSES);
  }
}
