package dev.sinkscope.app.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The command line and the report code it shares with the app run without a toolkit. */
class AppArchitectureTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.sinkscope.app");

  @Test
  void reportAndCommandLineDoNotUseJavaFx() {
    noClasses().that().resideInAnyPackage("dev.sinkscope.app.report..", "dev.sinkscope.app.cli..")
        .should().dependOnClassesThat().resideInAPackage("javafx..")
        .check(CLASSES);
  }

  @Test
  void reportDoesNotReachIntoTheAppOrTheCommandLine() {
    noClasses().that().resideInAPackage("dev.sinkscope.app.report..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.sinkscope.app.gui..", "dev.sinkscope.app.cli..")
        .check(CLASSES);
  }
}
