package dev.sinkscope.app.gui.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.app.gui.tasks.CurrentThreadTaskExecutor;
import dev.sinkscope.inference.distill.Distiller;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Distill… dialog's presentation model: checks, a background run with per-step losses, the card
 * text.
 */
class DistillViewModelTest {
  static final Path FIXTURE = Path.of("..", "testdata", "fixtures", "dinov2-hf");
  static final Path PHOTOS =
      Path.of("..", "assets", "src", "main", "resources", "dev", "sinkscope", "assets", "images");

  @TempDir Path tmp;

  private DistillViewModel vm(Path photos) {
    return new DistillViewModel(
        new CurrentThreadTaskExecutor(),
        () -> photos,
        FIXTURE,
        "dinov2-hf",
        tmp.resolve("student"),
        tmp.resolve("cache"));
  }

  @Test
  void refusesWhatCannotRun() {
    DistillViewModel vm = vm(PHOTOS);
    assertEquals("", vm.validate());
    vm.outputProperty().set(FIXTURE);
    assertTrue(vm.validate().contains("differ from the model"), vm.validate());
    vm.outputProperty().set(tmp.resolve("x"));
    vm.imageFolderProperty().set(tmp.resolve("nowhere").toString());
    assertTrue(vm.validate().contains("does not exist"), vm.validate());
    vm.imageFolderProperty().set(DistillViewModel.BUNDLED);
    vm.registersProperty().set(0);
    assertTrue(vm.validate().contains("registers"), vm.validate());
  }

  @Test
  void showsTheBatchTheRunWillUse() throws Exception {
    DistillViewModel vm = vm(PHOTOS);
    assertEquals("", vm.batchProperty().get(), "no model shape yet");
    try (var checkpoint = dev.sinkscope.inference.model.CheckpointReader.open(FIXTURE)) {
      vm.modelSpecProperty().set(checkpoint.spec());
    }
    assertTrue(vm.batchProperty().get().startsWith("8 images per step"), vm.batchProperty().get());
    vm.resolutionProperty().set(112);
    assertTrue(vm.batchProperty().get().contains("at 112 px"), vm.batchProperty().get());
    vm.resolutionProperty().set(100); // off the patch grid: no promise
    assertEquals("", vm.batchProperty().get());
  }

  @Test
  void runsInTheBackgroundAndReportsEveryStep() throws Exception {
    Path photos = Files.createDirectories(tmp.resolve("photos"));
    Files.copy(PHOTOS.resolve("coffee.png"), photos.resolve("coffee.png"));
    Files.copy(PHOTOS.resolve("rocket.jpg"), photos.resolve("rocket.jpg"));
    DistillViewModel vm = vm(photos);
    vm.registersProperty().set(2);
    vm.epochsProperty().set(3);
    vm.deviceProperty().set("cpu");
    CompletableFuture<Distiller.Result> done = new CompletableFuture<>();
    vm.start(done::complete);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (vm.runningProperty().get() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertEquals("", vm.problemProperty().get());
    Distiller.Result result = done.get(1, TimeUnit.SECONDS);
    assertFalse(vm.runningProperty().get());
    assertEquals(3, result.steps(), "2 photos, batch 2: one step per epoch");
    assertEquals(3, vm.losses().size());
    assertEquals(1.0, vm.progressProperty().get(), 1e-9);
    assertTrue(
        vm.statusProperty().get().startsWith("Fine-tuned (weights changed): 2 images, 3 steps"),
        vm.statusProperty().get());
    assertTrue(Files.isRegularFile(tmp.resolve("student").resolve("model.safetensors")));
    assertEquals("", vm.problemProperty().get());
  }
}
