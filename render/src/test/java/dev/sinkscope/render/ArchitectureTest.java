package dev.sinkscope.render;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Render stays usable from the CLI, tests and any GUI toolkit: no JavaFX, no inference engine. */
@AnalyzeClasses(
    packages = "dev.sinkscope.render",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule renderDoesNotUseJavaFxOrDjl =
      noClasses()
          .that()
          .resideInAPackage("dev.sinkscope.render..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("javafx..", "ai.djl..")
          .because("render is pure Java: ARGB int[] rasters in, PNGs out");

  @ArchTest
  static final ArchRule renderDoesNotUseOtherSinkscopeModules =
      noClasses()
          .that()
          .resideInAPackage("dev.sinkscope.render..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.sinkscope.app..", "dev.sinkscope.inference..", "dev.sinkscope.assets..")
          .because("render is a leaf module others build on");
}
