package dev.sinkscope.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  private BundledAssets assets(boolean generatePhantom) {
    return new BundledAssets(getClass().getClassLoader(), ROOT, cache, generatePhantom);
  }

  @Test
  void extractsAModelIntoAFolderNamedByItsContentHash() throws IOException {
    Path folder = assets(false).model("tiny");

    assertTrue(folder.getFileName().toString().matches("tiny-[0-9a-f]{16}"), folder.toString());
    assertEquals(cache, folder.getParent());
    assertEquals("{\"model_type\": \"test-only\"}\n", Files.readString(folder.resolve("config.json")));
    assertTrue(Files.isRegularFile(folder.resolve("README.md")));
  }

  @Test
  void reusesAnExtractedFolderWithoutWritingAgain() throws IOException {
    Path first = assets(false).model("tiny");
    FileTime old = FileTime.fromMillis(1_000_000L);
    Files.setLastModifiedTime(first.resolve("model.safetensors"), old);

    Path second = assets(false).model("tiny");

    assertEquals(first, second);
    assertEquals(old, Files.getLastModifiedTime(second.resolve("model.safetensors")));
  }

  @Test
  void leavesNoStagingFoldersBehind() throws IOException {
    assets(false).model("tiny");

    try (Stream<Path> entries = Files.list(cache)) {
      assertEquals(List.of(), entries.filter(p -> p.getFileName().toString().startsWith(".")).toList());
    }
  }

  @Test
  void refusesAModelWithoutWeights() {
    IOException e = assertThrows(IOException.class, () -> assets(false).model("incomplete"));

    assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
  }

  @Test
  void namesTheMissingResourceForAnUnknownModel() {
    IOException e = assertThrows(IOException.class, () -> assets(false).model("no-such-model"));

    assertTrue(e.getMessage().contains("no-such-model"), e.getMessage());
  }

  @Test
  void listsOnlyThePhotosPresent() throws IOException {
    BundledAssets assets = assets(false);

    assertEquals(List.of("camera.png"), assets.photos());
    assertTrue(assets.photoBytes("camera.png").length > 100);
    assertThrows(IOException.class, () -> assets.photoBytes("coffee.png"));
  }

  @Test
  void writesThePhantomWhenItsResourcesAreMissing() throws IOException {
    BundledAssets assets = assets(true);

    assertTrue(assets.hasModel(BundledAssets.PHANTOM));
    Path folder = assets.model(BundledAssets.PHANTOM);

    assertTrue(folder.getFileName().toString().startsWith("sink-phantom-"), folder.toString());
    assertTrue(Files.size(folder.resolve("model.safetensors")) > 1_000_000);
    assertTrue(BundledAssets.isPhantom(folder));
    assertEquals(folder, assets.model(BundledAssets.PHANTOM), "generated once, then reused");
  }

  @Test
  void offersNoPhantomWhenGenerationIsOff() {
    assertFalse(assets(false).hasModel(BundledAssets.PHANTOM));
  }

  @Test
  void recognisesAFolderWithAPhantomCardAsThePhantom() throws IOException {
    Path folder = Files.createDirectories(cache.resolve("renamed"));
    assertFalse(BundledAssets.isPhantom(folder));
    Files.writeString(folder.resolve("phantom.json"), "{}");
    assertTrue(BundledAssets.isPhantom(folder));
  }
}
