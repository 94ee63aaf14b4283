package dev.sinkscope.app.gui.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.app.cli.LocalHub;
import dev.sinkscope.app.gui.Fixtures;
import dev.sinkscope.app.gui.common.UserError;
import dev.sinkscope.app.gui.tasks.LaneTaskExecutor;
import dev.sinkscope.inference.hub.CuratedModels;
import dev.sinkscope.inference.hub.DownloadProgress;
import dev.sinkscope.inference.hub.HubCache;
import dev.sinkscope.inference.hub.HubSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The "Open from hub" presentation model against a local server that plays the hub, with the cache
 * in a temporary folder given as HF_HUB_CACHE. Its UI executor is a thread of its own; the test
 * reads the properties there.
 */
@Timeout(120)
class HubDialogModelTest {
  /** A curated id, served locally with the tiny DINOv2 fixture, so its "cached" mark can flip. */
  private static final String REPO = "facebook/dinov2-small";

  private static final List<String> FILES =
      List.of("config.json", "preprocessor_config.json", "model.safetensors");

  @TempDir Path tmp;
  private LocalHub hub;
  private Path cacheDir;
  private ExecutorService background;
  private ExecutorService ui;
  private final List<HubModelLocation> opened = new CopyOnWriteArrayList<>();
  private HubDialogModel model;

  @BeforeEach
  void start() throws Exception {
    hub = new LocalHub();
    hub.addRepo(REPO, Fixtures.DINOV2, FILES.toArray(String[]::new));
    cacheDir = tmp.resolve("hf-cache");
    HubSettings settings =
        HubSettings.from(
                Map.of(
                    "HF_HUB_CACHE", cacheDir.toString(), "HF_ENDPOINT", hub.endpoint().toString()),
                Map.of("user.home", tmp.resolve("home").toString()))
            .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(20))
            .withRetries(1, Duration.ofMillis(50));
    background = Executors.newCachedThreadPool();
    ui = Executors.newSingleThreadExecutor(r -> new Thread(r, "fake-ui"));
    model =
        new HubDialogModel(
            () -> settings, new LaneTaskExecutor(background, background, ui), opened::add);
  }

  @AfterEach
  void stop() throws InterruptedException {
    hub.close();
    // Background work hands its end to the ui thread: let it finish before that thread goes, else
    // a late hand-off is rejected on a worker thread and surfaces in whichever test runs next.
    background.shutdownNow();
    background.awaitTermination(30, TimeUnit.SECONDS);
    ui.shutdown();
    ui.awaitTermination(30, TimeUnit.SECONDS);
  }

  private <T> T onUi(Callable<T> read) throws Exception {
    return ui.submit(read).get(30, TimeUnit.SECONDS);
  }

  private void waitUntil(String what, Callable<Boolean> condition) throws Exception {
    try {
      WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> onUi(condition));
    } catch (TimeoutException e) {
      throw new AssertionError(
          "timed out waiting until "
              + what
              + "; message: "
              + onUi(() -> model.messageProperty().get()),
          e);
    }
  }

  private void download(String repoId) throws Exception {
    onUi(
        () -> {
          model.repoIdProperty().set(repoId);
          model.download();
          return null;
        });
  }

  private HubDialogModel.Entry entry(String repoId) throws Exception {
    return onUi(
        () ->
            model.entries().stream()
                .filter(e -> e.model().repoId().equals(repoId))
                .findFirst()
                .orElseThrow());
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  @Test
  void listsTheCuratedFamiliesWithTheirDownloadSizes() throws Exception {
    List<String> ids = onUi(() -> model.entries().stream().map(e -> e.model().repoId()).toList());

    assertEquals(CuratedModels.all().size(), ids.size());
    for (String id :
        List.of(
            "facebook/dinov2-small",
            "facebook/dinov2-base",
            "facebook/dinov2-large",
            "facebook/dinov2-giant",
            "facebook/dinov2-with-registers-small",
            "facebook/dinov2-with-registers-giant",
            "openai/clip-vit-base-patch16",
            "openai/clip-vit-large-patch14",
            "google/vit-base-patch16-224",
            "timm/deit3_base_patch16_224.fb_in22k_ft_in1k")) {
      assertTrue(ids.contains(id), id);
    }
    model.refresh();
    waitUntil("the cache folder is known", () -> !model.cacheFolderProperty().get().isEmpty());
    assertEquals(
        cacheDir.toAbsolutePath().normalize().toString(),
        onUi(() -> model.cacheFolderProperty().get()));
    assertFalse(entry(REPO).cached());
    assertEquals("≈ 88 MB", entry(REPO).sizeLabel());
  }

  @Test
  void downloadsIntoTheGivenCacheOpensTheModelAndMarksItCached() throws Exception {
    onUi(
        () -> {
          model
              .selectedProperty()
              .set(
                  model.entries().stream()
                      .filter(e -> e.model().repoId().equals(REPO))
                      .findFirst()
                      .orElseThrow());
          return null;
        });
    assertEquals(REPO, onUi(() -> model.repoIdProperty().get()));

    onUi(
        () -> {
          model.download();
          return null;
        });
    waitUntil(
        "the model is handed over", () -> model.stateProperty().get() == HubDialogModel.State.DONE);

    assertEquals(1, opened.size());
    HubModelLocation location = opened.get(0);
    assertEquals(REPO, location.repoId());
    assertEquals(LocalHub.commitOf(REPO), location.commit());
    assertTrue(
        location.folder().startsWith(cacheDir.toAbsolutePath().normalize()),
        location.folder().toString());
    assertEquals(
        -1L,
        Files.mismatch(
            Fixtures.DINOV2.resolve("model.safetensors"),
            location.folder().resolve("model.safetensors")));
    DownloadProgress last = onUi(() -> model.lastProgressProperty().get());
    assertNotNull(last, "progress was shown");
    assertFalse(onUi(() -> model.progressTextProperty().get()).isEmpty());
    waitUntil(
        "the list marks it cached",
        () ->
            model.entries().stream().anyMatch(e -> e.model().repoId().equals(REPO) && e.cached()));
    assertEquals("≈ 88 MB · cached", entry(REPO).sizeLabel());
  }

  @Test
  void aCachedModelOpensWithoutTheNetwork() throws Exception {
    download(REPO);
    waitUntil(
        "the first download is done",
        () -> model.stateProperty().get() == HubDialogModel.State.DONE);
    int requests = hub.requests().size();

    download(REPO);
    waitUntil("it is opened a second time", () -> opened.size() == 2);

    assertEquals(requests, hub.requests().size(), "no request reached the hub");
    assertEquals(opened.get(0), opened.get(1));
    assertTrue(onUi(() -> model.messageProperty().get()).contains("without the network"));
  }

  @Test
  void cancellingMidDownloadLeavesNoCorruptBlobAndTheNextDownloadResumes() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    hub.holdWeightsAfter(200_000, release);

    download(REPO);
    waitUntil(
        "the weights are arriving",
        () -> {
          DownloadProgress p = model.lastProgressProperty().get();
          return p != null && p.filename().equals("model.safetensors") && p.fileBytesDone() > 0;
        });
    assertTrue(onUi(() -> model.runningProperty().get()));
    onUi(
        () -> {
          model.cancel();
          return null;
        });
    waitUntil(
        "the download stopped",
        () -> model.stateProperty().get() == HubDialogModel.State.CANCELLED);
    hub.releaseHeld();

    assertTrue(opened.isEmpty());
    assertTrue(onUi(() -> model.messageProperty().get()).contains("cancelled"));
    String weightsHash = sha256(Fixtures.DINOV2.resolve("model.safetensors"));
    Path blobs = new HubCache(cacheDir).repoDir(REPO).resolve("blobs");
    assertFalse(Files.exists(blobs.resolve(weightsHash)), "no complete-looking weights blob");
    try (Stream<Path> files = Files.list(blobs)) {
      for (Path blob :
          files.filter(f -> !f.getFileName().toString().endsWith(".incomplete")).toList()) {
        assertTrue(Files.size(blob) < 1000, "only the small config files are complete: " + blob);
      }
    }
    assertEquals(Optional.empty(), new HubCache(cacheDir).completeSnapshot(REPO, "main"));

    download(REPO);
    waitUntil(
        "the second try finishes", () -> model.stateProperty().get() == HubDialogModel.State.DONE);
    assertEquals(weightsHash, sha256(blobs.resolve(weightsHash)));
    assertTrue(hub.requests().size() > 0);
  }

  @Test
  void anUnknownRepoIsReportedWithTheHubsAnswer() throws Exception {
    download("acme/no-such-model");
    waitUntil("it failed", () -> model.stateProperty().get() == HubDialogModel.State.FAILED);

    UserError error = onUi(() -> model.errorProperty().get());
    assertEquals("Model not found on the hub", error.title());
    assertTrue(
        error.message().contains("acme/no-such-model") && error.message().contains("404"),
        error.message());
    assertFalse(error.message().contains("\tat "), "no stack trace in the message");
    assertTrue(opened.isEmpty());
  }

  @Test
  void aRefusedRepoPointsToHfToken() throws Exception {
    hub.answer("acme/gated", 401);

    download("acme/gated");
    waitUntil("it failed", () -> model.stateProperty().get() == HubDialogModel.State.FAILED);

    UserError error = onUi(() -> model.errorProperty().get());
    assertEquals("The hub refused access", error.title());
    assertTrue(
        error.message().contains("acme/gated") && error.message().contains("HF_TOKEN"),
        error.message());
  }

  @Test
  void aMistypedIdIsRefusedBeforeAnyRequest() throws Exception {
    download("dinov2 small");

    assertEquals(HubDialogModel.State.FAILED, onUi(() -> model.stateProperty().get()));
    assertEquals("Not a hub model id", onUi(() -> model.errorProperty().get()).title());
    assertTrue(hub.requests().isEmpty());
  }

  @Test
  void progressReadsAsBytesRateAndTimeLeft() {
    DownloadProgress p =
        new DownloadProgress(
            REPO, "model.safetensors", 3_100_000, 88_000_000, 3_100_000, 88_000_000, 5_000_000);

    assertEquals(
        "model.safetensors · 3.1 MB of 88.0 MB · 5.0 MB/s · 17 s left", HubDialogModel.describe(p));
    assertEquals("2:05 min", HubDialogModel.duration(Duration.ofSeconds(125)));
  }
}
