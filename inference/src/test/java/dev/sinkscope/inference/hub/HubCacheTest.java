package dev.sinkscope.inference.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubCacheTest {
  private static final String COMMIT_A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  private static final String COMMIT_B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

  @TempDir Path root;

  @Test
  void repoFolderNamesMatchPython() {
    assertEquals(
        "models--facebook--dinov2-small", HubCache.repoFolderName("facebook/dinov2-small"));
    assertEquals(root.resolve("models--gpt2"), new HubCache(root).repoDir("gpt2"));
  }

  @Test
  void resolvesBranchesNestedRefsAndCommitHashes() throws Exception {
    new PythonCacheFixture(root, "acme/vit")
        .file(COMMIT_A, "config.json", "{}")
        .file(COMMIT_B, "config.json", "{}")
        .ref("main", COMMIT_A)
        .ref("refs/pr/1", COMMIT_B);
    HubCache cache = new HubCache(root);
    Path snapshots = root.resolve("models--acme--vit").resolve("snapshots");

    assertEquals(Optional.of(snapshots.resolve(COMMIT_A)), cache.resolveLocal("acme/vit", "main"));
    assertEquals(
        Optional.of(snapshots.resolve(COMMIT_B)), cache.resolveLocal("acme/vit", "refs/pr/1"));
    assertEquals(
        Optional.of(snapshots.resolve(COMMIT_B)), cache.resolveLocal("acme/vit", COMMIT_B));
    assertEquals(Optional.empty(), cache.resolveLocal("acme/vit", "v2"));
    assertEquals(Optional.empty(), cache.resolveLocal("acme/other", "main"));
  }

  @Test
  void danglingSymlinkCountsAsMissing() throws Exception {
    PythonCacheFixture fixture =
        new PythonCacheFixture(root, "acme/vit")
            .file(COMMIT_A, "config.json", "{}")
            .file(COMMIT_A, "model.safetensors", new byte[] {1, 2, 3})
            .ref("main", COMMIT_A);
    HubCache cache = new HubCache(root);
    assertTrue(cache.cachedFile("acme/vit", "main", "model.safetensors").isPresent());

    Files.delete(fixture.repoDir().resolve("blobs").resolve(FakeHub.sha256(new byte[] {1, 2, 3})));

    assertEquals(Optional.empty(), cache.cachedFile("acme/vit", "main", "model.safetensors"));
    assertEquals(
        List.of("model.safetensors"),
        RepoFiles.missingForModel(cache.resolveLocal("acme/vit", "main").get()));
    assertEquals(Optional.empty(), cache.completeSnapshot("acme/vit", "main"));
  }

  @Test
  void aSnapshotWithConfigAndWeightsIsComplete() throws Exception {
    new PythonCacheFixture(root, "acme/vit")
        .file(COMMIT_A, "config.json", "{}")
        .file(COMMIT_A, "model.safetensors", new byte[] {1, 2, 3})
        .file(COMMIT_B, "config.json", "{}")
        .ref("main", COMMIT_A)
        .ref("v2", COMMIT_B);
    HubCache cache = new HubCache(root);

    assertEquals(
        Optional.of(root.resolve("models--acme--vit/snapshots").resolve(COMMIT_A)),
        cache.completeSnapshot("acme/vit", "main"));
    assertEquals(Optional.empty(), cache.completeSnapshot("acme/vit", "v2"), "config only");
    assertEquals(Optional.empty(), cache.completeSnapshot("acme/other", "main"));
  }

  @Test
  void listsCachedModelsWithRevisionsSizesWeightsAndFamily() throws Exception {
    byte[] weights = FakeHub.payload(5000, 9);
    String hfConfig = "{\"model_type\": \"dinov2\", \"architectures\": [\"Dinov2Model\"]}";
    new PythonCacheFixture(root, "facebook/dinov2-small")
        .file(COMMIT_A, "config.json", hfConfig)
        .file(COMMIT_A, "model.safetensors", weights)
        .ref("main", COMMIT_A);
    String timmConfig = "{\"architecture\": \"vit_small_patch14_dinov2\", \"num_classes\": 0}";
    new PythonCacheFixture(root, "timm/vit_small_patch14_dinov2.lvd142m")
        .file(COMMIT_B, "config.json", timmConfig)
        .partial("c".repeat(64), new byte[1234]);
    Files.createDirectories(root.resolve("datasets--acme--images").resolve("blobs"));

    List<CachedModel> models = new HubCache(root).listCached();

    assertEquals(2, models.size(), "datasets are not models");
    CachedModel dino = models.get(0);
    assertEquals("facebook/dinov2-small", dino.repoId());
    assertEquals(weights.length + hfConfig.length(), dino.blobBytes());
    assertEquals(0, dino.partialBytes());
    assertTrue(dino.hasSafetensorsModel());
    assertEquals(Optional.of("dinov2"), dino.family());
    assertEquals(1, dino.revisions().size());
    assertEquals(COMMIT_A, dino.revisions().get(0).commit());
    assertEquals(List.of("main"), dino.revisions().get(0).refs());

    CachedModel timm = models.get(1);
    assertEquals("timm/vit_small_patch14_dinov2.lvd142m", timm.repoId());
    assertFalse(timm.hasSafetensorsModel(), "config only, weights never finished");
    assertEquals(1234, timm.partialBytes());
    assertEquals(timmConfig.length(), timm.blobBytes());
    assertEquals(Optional.of("vit_small_patch14_dinov2"), timm.family());
    assertEquals(List.of(), timm.revisions().get(0).refs());
  }

  @Test
  void missingCacheFolderListsNothing() throws Exception {
    assertEquals(List.of(), new HubCache(root.resolve("does-not-exist")).listCached());
  }

  @Test
  void writesRefsAndNoExistMarkersLikePython() throws Exception {
    HubCache cache = new HubCache(root);

    cache.writeRef("acme/vit", "main", COMMIT_A);
    cache.writeRef("acme/vit", COMMIT_B, COMMIT_B);
    cache.markMissing("acme/vit", COMMIT_A, "preprocessor_config.json");

    Path repoDir = root.resolve("models--acme--vit");
    assertEquals(COMMIT_A, Files.readString(repoDir.resolve("refs").resolve("main")));
    assertFalse(Files.exists(repoDir.resolve("refs").resolve(COMMIT_B)), "a commit needs no ref");
    assertTrue(cache.isKnownMissing("acme/vit", COMMIT_A, "preprocessor_config.json"));
    assertFalse(cache.isKnownMissing("acme/vit", COMMIT_B, "preprocessor_config.json"));
  }

  @Test
  void linksNestedFilesRelativelyOrCopiesWithoutSymlinks() throws Exception {
    HubCache cache = new HubCache(root);
    Path blob =
        Files.createDirectories(cache.repoDir("acme/vit").resolve("blobs")).resolve("e".repeat(64));
    Files.write(blob, new byte[] {4, 5, 6});

    Path nested = cache.pointerPath("acme/vit", COMMIT_A, "onnx/model.safetensors");
    assertTrue(cache.linkIntoSnapshot(blob, nested));
    assertEquals(Path.of("../../../blobs/" + "e".repeat(64)), Files.readSymbolicLink(nested));

    HubCache noSymlinks = new HubCache(root, false);
    Path copied = noSymlinks.pointerPath("acme/vit", COMMIT_B, "model.safetensors");
    assertFalse(noSymlinks.linkIntoSnapshot(blob, copied));
    assertFalse(Files.isSymbolicLink(copied));
    assertArrayEquals(new byte[] {4, 5, 6}, Files.readAllBytes(copied));
  }
}
