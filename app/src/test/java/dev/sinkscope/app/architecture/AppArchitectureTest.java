package dev.sinkscope.app.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The command line and the code it shares with the app (report, bundled assets) run without a
 * toolkit.
 */
class AppArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.sinkscope.app");

  @Test
  void sharedCodeAndCommandLineDoNotUseJavaFx() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.sinkscope.app.report..", "dev.sinkscope.app.cli..", "dev.sinkscope.app.assets..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("javafx..")
        .check(CLASSES);
  }

  @Test
  void sharedCodeDoesNotReachIntoTheAppOrTheCommandLine() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.sinkscope.app.report..", "dev.sinkscope.app.assets..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.sinkscope.app.gui..", "dev.sinkscope.app.cli..")
        .check(CLASSES);
  }

  @Test
  void appDoesNotUseTheEngineDirectly() {
    noClasses()
        .that()
        .resideInAPackage("dev.sinkscope.app..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("ai.djl..")
        .check(CLASSES);
  }

  /**
   * Views show presentation models; opening models is the composition root's and the services' job.
   */
  @Test
  void viewsDoNotOpenModels() {
    noClasses()
        .that()
        .resideInAPackage("dev.sinkscope.app.gui..")
        .and()
        .resideOutsideOfPackage("dev.sinkscope.app.gui.session..")
        .and()
        .doNotHaveSimpleName("SinkscopeApp")
        .and()
        .doNotHaveSimpleName("MainViewModel")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.sinkscope.inference.session..")
        .check(CLASSES);
  }

  /**
   * Threads belong to the task executor (the window's inference thread and I/O pool, shut down with
   * the window); views and presentation models hand their work to it as background tasks.
   */
  @Test
  void onlyTheTaskExecutorCreatesThreads() {
    noClasses()
        .that()
        .resideInAPackage("dev.sinkscope.app.gui..")
        .and()
        .resideOutsideOfPackage("dev.sinkscope.app.gui.tasks..")
        .should()
        .callConstructor(Thread.class, Runnable.class)
        .orShould()
        .callConstructor(Thread.class, Runnable.class, String.class)
        .orShould()
        .callConstructor(Thread.class)
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.util.concurrent.Executors")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.util.concurrent.ThreadPoolExecutor")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.util.concurrent.ForkJoinPool")
        .check(CLASSES);
  }

  /**
   * Presentation models hold state and logic and never touch controls, so they run without a
   * toolkit (ADR 0009).
   */
  @Test
  void presentationModelsDoNotUseControls() {
    noClasses()
        .that()
        .resideInAPackage("dev.sinkscope.app.gui..")
        .and()
        .haveSimpleNameEndingWith("Model")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("javafx.scene.control..", "javafx.scene.layout..", "javafx.stage..")
        .check(CLASSES);
  }

  /**
   * The app's parts (command line, window, report, assets, runtime settings) depend on each other
   * one way.
   */
  @Test
  void topLevelPartsAreFreeOfCycles() {
    slices().matching("dev.sinkscope.app.(*)..").should().beFreeOfCycles().check(CLASSES);
  }

  /**
   * Every package on its own, the root and the window's included: the window (view and composition)
   * sits on the main presentation model ({@code gui.main}), the features it wires (session files,
   * lessons, teaching, animation export) on that, and the shared pieces ({@code gui.common}) below
   * all.
   */
  @Test
  void everyPackageIsFreeOfCycles() {
    slices().matching("dev.sinkscope.(**)").should().beFreeOfCycles().check(CLASSES);
  }
}
