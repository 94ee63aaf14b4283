package dev.sinkscope.inference.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.inference.hub.HubException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ModelLocatorTest {
  private static final String REPO = "acme/vit-tiny";
  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  private static final String CONFIG = "{\"model_type\": \"dinov2\"}";
  private static final byte[] WEIGHTS = FakeHub.payload(200_000, 7);

  @TempDir Path dir;
  private FakeHub hub;

  @BeforeEach
  void startHub() throws IOException {
    hub = new FakeHub();
  }

  @AfterEach
  void stopHub() {
    hub.close();
  }

  private ModelLocator locator(boolean allowDownload, String... env) {
    return new ModelLocator(
        new HubClient(TestSettings.forHub(hub.endpoint(), dir, env)), allowDownload);
  }

  private PythonCacheFixture pythonCache() {
    return new PythonCacheFixture(TestSettings.cacheOf(dir), REPO);
  }

  @Test
  void modelCachedByPythonOpensOfflineWithoutNetwork() throws Exception {
    PythonCacheFixture cache =
        pythonCache()
            .file(COMMIT, "config.json", CONFIG)
            .file(COMMIT, "model.safetensors", WEIGHTS)
            .ref("main", COMMIT);

    Path folder = locator(true, "HF_HUB_OFFLINE", "1").locate(REPO);

    assertEquals(cache.repoDir().resolve("snapshots").resolve(COMMIT), folder);
    assertArrayEquals(WEIGHTS, Files.readAllBytes(folder.resolve("model.safetensors")));
    assertEquals(List.of(), hub.requests());
  }

  @Test
  void modelCachedByPythonOpensOnlineWithoutAnyRequest() throws Exception {
    pythonCache()
        .file(COMMIT, "config.json", CONFIG)
        .file(COMMIT, "model.safetensors", WEIGHTS)
        .ref("main", COMMIT);

    Path byBranch = locator(true).locate(REPO);
    Path byCommit = locator(true).locate(REPO + "@" + COMMIT);

    assertEquals(byBranch, byCommit);
    assertEquals(List.of(), hub.requests(), "a complete cached snapshot needs no network");
  }

  @Test
  void shardedModelCachedByPythonIsComplete() throws Exception {
    String index =
        "{\"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\", "
            + "\"b\": \"model-00002-of-00002.safetensors\"}}";
    pythonCache()
        .file(COMMIT, "config.json", CONFIG)
        .file(COMMIT, "model.safetensors.index.json", index)
        .file(COMMIT, "model-00001-of-00002.safetensors", FakeHub.payload(1000, 1))
        .file(COMMIT, "model-00002-of-00002.safetensors", FakeHub.payload(1000, 2))
        .ref("main", COMMIT);

    Path folder = locator(true, "HF_HUB_OFFLINE", "true").locate(REPO);

    assertTrue(Files.isRegularFile(folder.resolve("model-00002-of-00002.safetensors")));
  }

  @Test
  void offlineWithMissingWeightsNamesWhatIsMissing() throws Exception {
    pythonCache().file(COMMIT, "config.json", CONFIG).ref("main", COMMIT);

    HubException e =
        assertThrows(HubException.class, () -> locator(true, "HF_HUB_OFFLINE", "1").locate(REPO));

    assertEquals(Kind.NOT_CACHED, e.kind());
    assertTrue(
        e.getMessage().contains("model.safetensors") && e.getMessage().contains("HF_HUB_OFFLINE"),
        e.getMessage());
    assertEquals(List.of(), hub.requests());
  }

  @Test
  void offlineWithUncachedRepoSaysWhereItLooked() {
    HubException e =
        assertThrows(
            HubException.class,
            () -> locator(true, "HF_HUB_OFFLINE", "1").locate("acme/never-downloaded"));

    assertEquals(Kind.NOT_CACHED, e.kind());
    assertTrue(e.getMessage().contains("acme/never-downloaded"), e.getMessage());
    assertTrue(e.getMessage().contains(TestSettings.cacheOf(dir).toString()), e.getMessage());
    assertEquals(List.of(), hub.requests());
  }

  @Test
  void offlineOptionOfTheSettingsWorksLikeTheVariable() throws Exception {
    HubSettings settings = TestSettings.forHub(hub.endpoint(), dir).withOffline(true);

    HubException e =
        assertThrows(
            HubException.class, () -> new ModelLocator(new HubClient(settings), true).locate(REPO));

    assertEquals(Kind.NOT_CACHED, e.kind());
    assertEquals(List.of(), hub.requests());
  }

  @Test
  void missingModelIsDownloadedWhenAllowed() throws Exception {
    FakeHub.Repo repo =
        hub.repo(REPO).file("config.json", CONFIG).file("model.safetensors", WEIGHTS);

    Path folder = locator(true).locate(REPO);

    assertEquals(repo.commit, folder.getFileName().toString());
    assertArrayEquals(WEIGHTS, Files.readAllBytes(folder.resolve("model.safetensors")));
  }

  @Test
  void incompleteCachedSnapshotIsCompletedByDownload() throws Exception {
    FakeHub.Repo repo =
        hub.repo(REPO).file("config.json", CONFIG).file("model.safetensors", WEIGHTS);
    pythonCache().file(repo.commit, "config.json", CONFIG).ref("main", repo.commit);

    Path folder = locator(true).locate(REPO);

    assertArrayEquals(WEIGHTS, Files.readAllBytes(folder.resolve("model.safetensors")));
    assertEquals(1, hub.requests("cdn", "GET").size());
  }

  @Test
  void missingModelIsNotDownloadedWhenDownloadsAreOff() {
    hub.repo(REPO).file("config.json", CONFIG).file("model.safetensors", WEIGHTS);

    HubException e = assertThrows(HubException.class, () -> locator(false).locate(REPO));

    assertEquals(Kind.NOT_CACHED, e.kind());
    assertEquals(List.of(), hub.requests());
  }

  @Test
  void localFolderIsUsedAsItIs() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("my model"));

    assertEquals(folder.toAbsolutePath().normalize(), locator(true).locate(folder.toString()));
    assertEquals(List.of(), hub.requests());
  }

  @Test
  void localFileIsRejectedAskingForItsFolder() throws Exception {
    Path file = Files.writeString(dir.resolve("model.safetensors"), "x");

    HubException e = assertThrows(HubException.class, () -> locator(true).locate(file.toString()));

    assertEquals(Kind.INVALID_ARGUMENT, e.kind());
    assertTrue(e.getMessage().contains("folder"), e.getMessage());
  }

  @Test
  void argumentThatIsNeitherFolderNorHubIdIsRejected() {
    for (String arg : new String[] {"just-a-name", "./no/such/folder", "a/b/c", " "}) {
      HubException e = assertThrows(HubException.class, () -> locator(true).locate(arg), arg);
      assertEquals(Kind.INVALID_ARGUMENT, e.kind(), arg);
    }
    assertEquals(List.of(), hub.requests());
  }

  @Test
  void unknownHubIdAlsoMentionsThatNoLocalFolderExists() {
    HubException e = assertThrows(HubException.class, () -> locator(true).locate("models/my-vit"));

    assertEquals(Kind.NOT_FOUND, e.kind());
    assertTrue(
        e.getMessage().contains("models/my-vit") && e.getMessage().contains("no local folder"),
        e.getMessage());
  }
}
