package dev.sinkscope.inference.analysis;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class AnalysisPackageDependencyTest {

  @Test
  void analysisIsPureJavaOnArrays() {
    JavaClasses classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.sinkscope.inference.analysis");
    noClasses()
        .that()
        .resideInAPackage("dev.sinkscope.inference.analysis..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("ai.djl..", "javafx..", "com.fasterxml.jackson..")
        .check(classes);
  }
}
