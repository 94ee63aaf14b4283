package dev.sinkscope.app.gui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.app.assets.BundledAssets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundledAssetsTest {
  static final String ROOT = "dev/sinkscope/app/gui/bundled/";

  @TempDir Path cache;

  private BundledAssets assets() {
    return new BundledAssets(getClass().getClassLoader(), ROOT, cache);
  }

  @Test
  void extractsAModelIntoAFolderNamedByItsContentHash() throws IOException {
    Path folder = assets().model("tiny");

    assertTrue(folder.getFileName().toString().matches("tiny-[0-9a-f]{16}"), folder.toString());
    assertEquals(cache, folder.getParent());
    assertEquals(
        "{\"model_type\": \"test-only\"}\n", Files.readString(folder.resolve("config.json")));
    assertTrue(Files.isRegularFile(folder.resolve("README.md")));
  }

  @Test
  void reusesAnExtractedFolderWithoutWritingAgain() throws IOException {
    Path first = assets().model("tiny");
    FileTime old = FileTime.fromMillis(1_000_000L);
    Files.setLastModifiedTime(first.resolve("model.safetensors"), old);

    Path second = assets().model("tiny");

    assertEquals(first, second);
    assertEquals(old, Files.getLastModifiedTime(second.resolve("model.safetensors")));
  }

  @Test
  void leavesNoStagingFoldersBehind() throws IOException {
    assets().model("tiny");

    try (Stream<Path> entries = Files.list(cache)) {
      assertEquals(
          List.of(), entries.filter(p -> p.getFileName().toString().startsWith(".")).toList());
    }
  }

  @Test
  void refusesAModelWithoutWeights() {
    IOException e = assertThrows(IOException.class, () -> assets().model("incomplete"));

    assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
  }

  @Test
  void namesTheMissingResourceForAnUnknownModel() {
    IOException e = assertThrows(IOException.class, () -> assets().model("no-such-model"));

    assertTrue(e.getMessage().contains("no-such-model"), e.getMessage());
  }

  @Test
  void listsOnlyThePhotosPresent() throws IOException {
    BundledAssets assets = assets();

    assertEquals(List.of("camera.png"), assets.photos());
    assertTrue(assets.photoBytes("camera.png").length > 100);
    assertThrows(IOException.class, () -> assets.photoBytes("coffee.png"));
  }

  @Test
  void photosFolderHoldsThePresentPhotosAndIsReused() throws IOException {
    BundledAssets assets = assets();

    Path folder = assets.photosFolder();

    assertEquals(folder, assets.photosFolder());
    try (java.util.stream.Stream<Path> files = Files.list(folder)) {
      assertEquals(List.of("camera.png"), files.map(f -> f.getFileName().toString()).toList());
    }
    assertArrayEquals(
        assets.photoBytes("camera.png"), Files.readAllBytes(folder.resolve("camera.png")));
  }

  @Test
  void commandLineAliasesNameTheBundledModels() {
    assertEquals(
        java.util.Optional.of(BundledAssets.PHANTOM), BundledAssets.modelNameOf(" Phantom "));
    assertEquals(
        java.util.Optional.of(BundledAssets.PHANTOM_REGISTERS),
        BundledAssets.modelNameOf("sink-phantom-registers"));
    assertTrue(BundledAssets.modelNameOf("facebook/dinov2-small").isEmpty());
  }

  @Test
  void theApplicationShipsBothPhantomsAndFivePhotos() throws IOException {
    BundledAssets shipped =
        new BundledAssets(getClass().getClassLoader(), BundledAssets.DEFAULT_ROOT, cache);

    Path phantom = shipped.model(BundledAssets.PHANTOM);
    assertTrue(BundledAssets.isPhantom(phantom));
    assertTrue(Files.isRegularFile(phantom.resolve("phantom.json")));
    assertTrue(shipped.hasModel(BundledAssets.PHANTOM_REGISTERS));
    assertEquals(BundledAssets.PHOTO_NAMES.size(), shipped.photos().size());
  }

  @Test
  void recognisesAFolderWithAPhantomCardAsThePhantom() throws IOException {
    Path folder = Files.createDirectories(cache.resolve("renamed"));
    assertFalse(BundledAssets.isPhantom(folder));
    Files.writeString(folder.resolve("phantom.json"), "{}");
    assertTrue(BundledAssets.isPhantom(folder));
  }
}
