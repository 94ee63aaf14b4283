package dev.sinkscope.inference.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.inference.hub.FakeHub.Fault;
import dev.sinkscope.inference.hub.FakeHub.FaultType;
import dev.sinkscope.inference.hub.HubException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class HubClientDownloadTest {
  private static final String REPO = "acme/vit-tiny";
  private static final String CONFIG = "{\"model_type\": \"dinov2\", \"hidden_size\": 64}";
  private static final byte[] WEIGHTS = FakeHub.payload(300_000, 1);

  @TempDir Path dir;
  private FakeHub hub;
  private final Events events = new Events();

  @BeforeEach
  void startHub() throws IOException {
    hub = new FakeHub();
  }

  @AfterEach
  void stopHub() {
    hub.close();
  }

  private FakeHub.Repo standardRepo() {
    return hub.repo(REPO)
        .file("config.json", CONFIG)
        .file("preprocessor_config.json", "{\"crop_size\": {\"height\": 224}}")
        .file("model.safetensors", WEIGHTS)
        .file("README.md", "# not needed");
  }

  private HubClient client(String... env) {
    return new HubClient(TestSettings.forHub(hub.endpoint(), dir, env));
  }

  private Path repoDir() {
    return TestSettings.cacheOf(dir).resolve("models--acme--vit-tiny");
  }

  @Test
  void followsRedirectToCdnOnAnotherHostAndKeepsTheTokenOnTheHub() throws Exception {
    FakeHub.Repo repo = standardRepo().requireToken("hf_secret");

    Path snapshot =
        client("HF_TOKEN", "hf_secret").download(REPO, "main", events, CancelToken.create());

    assertEquals(repoDir().resolve("snapshots").resolve(repo.commit), snapshot);
    assertArrayEquals(WEIGHTS, Files.readAllBytes(snapshot.resolve("model.safetensors")));
    assertEquals(CONFIG, Files.readString(snapshot.resolve("config.json")));
    assertFalse(Files.exists(snapshot.resolve("README.md")), "only config and weights are fetched");

    List<FakeHub.Request> cdnGets = hub.requests("cdn", "GET");
    assertEquals(1, cdnGets.size());
    assertTrue(
        hub.requests().stream()
            .filter(r -> r.server().equals("cdn"))
            .allMatch(r -> r.authorization() == null),
        "the token must not be sent to the CDN host");
    assertTrue(
        hub.requests().stream()
            .filter(r -> r.server().equals("hub"))
            .allMatch(r -> "Bearer hf_secret".equals(r.authorization())),
        "every hub request carries the token");
  }

  @Test
  void writesThePythonCacheLayout() throws Exception {
    FakeHub.Repo repo = standardRepo();

    Path snapshot = client().download(REPO, "main");

    String sha256 = FakeHub.sha256(WEIGHTS);
    Path weights = snapshot.resolve("model.safetensors");
    assertTrue(Files.isSymbolicLink(weights));
    assertEquals(Path.of("..", "..", "blobs", sha256), Files.readSymbolicLink(weights));
    assertEquals(
        Path.of("..", "..", "blobs", FakeHub.gitBlobSha1(CONFIG.getBytes(StandardCharsets.UTF_8))),
        Files.readSymbolicLink(snapshot.resolve("config.json")));
    assertArrayEquals(WEIGHTS, Files.readAllBytes(repoDir().resolve("blobs").resolve(sha256)));
    assertEquals(repo.commit, Files.readString(repoDir().resolve("refs").resolve("main")));
    assertEquals(List.of(), incompleteFiles(), "no partial files remain");
  }

  @Test
  void unknownRepoFailsWithNotFoundNamingIt() {
    HubException e =
        assertThrows(HubException.class, () -> client().download("nobody/nothing", "main"));

    assertEquals(Kind.NOT_FOUND, e.kind());
    assertTrue(e.getMessage().contains("nobody/nothing"), e.getMessage());
    assertTrue(e.getMessage().contains("404"), e.getMessage());
  }

  @Test
  void unknownRevisionFailsNamingTheRevision() {
    standardRepo();

    HubException e = assertThrows(HubException.class, () -> client().download(REPO, "v9.9"));

    assertEquals(Kind.NOT_FOUND, e.kind());
    assertTrue(e.getMessage().contains("'v9.9'"), e.getMessage());
  }

  @Test
  void repoWithoutConfigIsRejectedNamingTheFile() {
    hub.repo(REPO).file("model.safetensors", WEIGHTS);

    HubException e = assertThrows(HubException.class, () -> client().download(REPO, "main"));

    assertEquals(Kind.NOT_FOUND, e.kind());
    assertEquals("config.json", e.filename().orElseThrow());
    assertTrue(
        e.getMessage().contains(REPO) && e.getMessage().contains("config.json"), e.getMessage());
  }

  @Test
  void gatedRepoWithoutTokenExplainsHfToken() {
    standardRepo().requireToken("hf_secret");

    HubException e = assertThrows(HubException.class, () -> client().download(REPO, "main"));

    assertEquals(Kind.UNAUTHORIZED, e.kind());
    assertTrue(e.getMessage().contains("401"), e.getMessage());
    assertTrue(e.getMessage().contains("HF_TOKEN"), e.getMessage());
    assertTrue(
        e.getMessage().contains(hub.endpoint() + "/" + REPO),
        "links the licence page: " + e.getMessage());
    assertTrue(e.getMessage().contains("No token was sent"), e.getMessage());
  }

  @Test
  void rejectedTokenIsReportedAsSent() {
    standardRepo().requireToken("hf_secret");

    HubException e =
        assertThrows(
            HubException.class, () -> client("HF_TOKEN", "hf_wrong").download(REPO, "main"));

    assertEquals(Kind.UNAUTHORIZED, e.kind());
    assertTrue(e.getMessage().contains("token from HF_TOKEN was sent"), e.getMessage());
    assertFalse(e.getMessage().contains("hf_wrong"), "never print the token");
  }

  @Test
  void connectionCutMidFileIsResumedWithRange() throws Exception {
    standardRepo();
    hub.failNextCdnResponse(new Fault(FaultType.CUT, 100_000));

    Path snapshot = client().download(REPO, "main", events, CancelToken.create());

    byte[] result = Files.readAllBytes(snapshot.resolve("model.safetensors"));
    assertArrayEquals(WEIGHTS, result);
    assertEquals(FakeHub.sha256(WEIGHTS), FakeHub.sha256(result));
    List<FakeHub.Request> cdnGets = hub.requests("cdn", "GET");
    assertEquals(2, cdnGets.size());
    assertNull(cdnGets.get(0).range());
    assertEquals("bytes=100000-", cdnGets.get(1).range());
    assertTrue(
        events.notices.stream().anyMatch(n -> n.contains("interrupted") && n.contains("resuming")),
        events.notices.toString());
  }

  @Test
  void serverThatIgnoresRangeIsDownloadedFromTheStart() throws Exception {
    standardRepo();
    hub.cdnIgnoresRange = true;
    hub.failNextCdnResponse(new Fault(FaultType.CUT, 100_000));

    Path snapshot = client().download(REPO, "main", events, CancelToken.create());

    assertArrayEquals(WEIGHTS, Files.readAllBytes(snapshot.resolve("model.safetensors")));
    assertEquals(
        "bytes=100000-", hub.requests("cdn", "GET").get(1).range(), "a resume was attempted");
    assertTrue(
        events.notices.stream().anyMatch(n -> n.contains("ignored the resume request")),
        events.notices.toString());
  }

  @Test
  void corruptDownloadIsDeletedAndFetchedOnceMore() throws Exception {
    standardRepo();
    hub.failNextCdnResponse(Fault.of(FaultType.CORRUPT));

    Path snapshot = client().download(REPO, "main", events, CancelToken.create());

    assertArrayEquals(WEIGHTS, Files.readAllBytes(snapshot.resolve("model.safetensors")));
    List<FakeHub.Request> cdnGets = hub.requests("cdn", "GET");
    assertEquals(2, cdnGets.size());
    assertNull(cdnGets.get(1).range(), "the re-fetch starts from scratch");
    assertTrue(
        events.notices.stream().anyMatch(n -> n.contains("integrity check")),
        events.notices.toString());
  }

  @Test
  void corruptTwiceFailsClearlyAndLeavesNoFile() throws Exception {
    standardRepo();
    hub.failNextCdnResponse(Fault.of(FaultType.CORRUPT));
    hub.failNextCdnResponse(Fault.of(FaultType.CORRUPT));

    HubException e = assertThrows(HubException.class, () -> client().download(REPO, "main"));

    assertEquals(Kind.CHECKSUM_MISMATCH, e.kind());
    assertTrue(e.getMessage().contains(REPO + "/model.safetensors"), e.getMessage());
    assertTrue(e.getMessage().contains("sha256"), e.getMessage());
    assertFalse(Files.exists(repoDir().resolve("blobs").resolve(FakeHub.sha256(WEIGHTS))));
    assertEquals(List.of(), incompleteFiles());
    assertEquals(List.of(), snapshotFilesNamed("model.safetensors"));
  }

  @Test
  void stalledBodyTimesOutWithinBoundedTime() {
    standardRepo();
    // Headers, then silence, on every allowed attempt (1 try + 1 retry).
    hub.failNextCdnResponse(new Fault(FaultType.STALL, 0));
    hub.failNextCdnResponse(new Fault(FaultType.STALL, 0));
    HubSettings settings =
        TestSettings.forHub(hub.endpoint(), dir)
            .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300))
            .withRetries(1, Duration.ofMillis(10));

    long start = System.nanoTime();
    HubException e =
        assertThrows(HubException.class, () -> new HubClient(settings).download(REPO, "main"));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertEquals(Kind.TIMEOUT, e.kind());
    assertTrue(
        e.getMessage().contains("model.safetensors")
            && e.getMessage().contains("HF_HUB_DOWNLOAD_TIMEOUT"),
        e.getMessage());
    assertTookTheConfiguredTimeouts(took);
    assertEquals(2, hub.requests("cdn", "GET").size());
  }

  @Test
  void serverThatNeverAnswersTimesOutWithinBoundedTime() {
    standardRepo();
    hub.failNextCdnResponse(Fault.of(FaultType.SILENT));
    hub.failNextCdnResponse(Fault.of(FaultType.SILENT));
    HubSettings settings =
        TestSettings.forHub(hub.endpoint(), dir)
            .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300))
            .withRetries(1, Duration.ofMillis(10));

    long start = System.nanoTime();
    HubException e =
        assertThrows(HubException.class, () -> new HubClient(settings).download(REPO, "main"));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertEquals(Kind.TIMEOUT, e.kind());
    assertTookTheConfiguredTimeouts(took);
  }

  @Test
  void transientServerErrorsAreRetried() throws Exception {
    standardRepo();
    hub.failNextHubResponse(Fault.of(FaultType.SERVER_ERROR));

    Path snapshot = client().download(REPO, "main");

    assertEquals(CONFIG, Files.readString(snapshot.resolve("config.json")));
    long configHeads =
        hub.requests("hub", "HEAD").stream().filter(r -> r.path().endsWith("/config.json")).count();
    assertEquals(2, configHeads, "one failed HEAD, one retry");
  }

  @Test
  void eachRetryOfAFailingRequestIsAnnouncedWithItsCount() {
    standardRepo();
    for (int i = 0; i < 4; i++) {
      hub.failNextHubResponse(Fault.of(FaultType.SERVER_ERROR));
    }

    assertThrows(
        HubException.class, () -> client().download(REPO, "main", events, CancelToken.create()));

    for (int retry = 1; retry <= 3; retry++) {
      String count = "retry " + retry + " of 3";
      assertTrue(
          events.notices.stream().anyMatch(n -> n.contains(count) && n.contains("HTTP 500")),
          count + " in " + events.notices);
    }
  }

  @Test
  void persistentServerErrorsGiveUpAfterTheRetryBudget() {
    standardRepo();
    for (int i = 0; i < 4; i++) {
      hub.failNextHubResponse(Fault.of(FaultType.SERVER_ERROR));
    }

    HubException e = assertThrows(HubException.class, () -> client().download(REPO, "main"));

    assertEquals(Kind.SERVER_ERROR, e.kind());
    assertTrue(
        e.getMessage().contains("HTTP 500") && e.getMessage().contains("4 attempts"),
        e.getMessage());
  }

  @Test
  void shardedCheckpointFetchesIndexAndEveryShard() throws Exception {
    byte[] shard1 = FakeHub.payload(200_000, 2);
    byte[] shard2 = FakeHub.payload(150_000, 3);
    String index =
        "{\"metadata\": {\"total_size\": 350000}, \"weight_map\": {"
            + "\"embeddings.patch\": \"model-00001-of-00002.safetensors\","
            + "\"encoder.layer.0\": \"model-00001-of-00002.safetensors\","
            + "\"encoder.layer.1\": \"model-00002-of-00002.safetensors\"}}";
    hub.repo(REPO)
        .file("config.json", CONFIG)
        .file("model.safetensors.index.json", index)
        .file("model-00001-of-00002.safetensors", shard1)
        .file("model-00002-of-00002.safetensors", shard2);

    Path snapshot = client().download(REPO, "main", events, CancelToken.create());

    assertEquals(index, Files.readString(snapshot.resolve("model.safetensors.index.json")));
    assertArrayEquals(
        shard1, Files.readAllBytes(snapshot.resolve("model-00001-of-00002.safetensors")));
    assertArrayEquals(
        shard2, Files.readAllBytes(snapshot.resolve("model-00002-of-00002.safetensors")));
    DownloadProgress last = events.progress.get(events.progress.size() - 1);
    assertEquals(350_000, last.overallBytesTotal());
    assertEquals(350_000, last.overallBytesDone());
    assertEquals(1.0, last.fraction());
  }

  @Test
  void shardNamesThatLeaveTheCacheAreRefused() {
    String index = "{\"weight_map\": {\"a\": \"../../../../escaped.safetensors\"}}";
    hub.repo(REPO).file("config.json", CONFIG).file("model.safetensors.index.json", index);

    HubException e = assertThrows(HubException.class, () -> client().download(REPO, "main"));

    assertEquals(Kind.BAD_RESPONSE, e.kind());
    assertTrue(e.getMessage().contains("escaped.safetensors"), e.getMessage());
    assertTrue(hub.requests().stream().noneMatch(r -> r.path().contains("escaped")));
  }

  @Test
  void repoWithOnlyPickleWeightsIsRefused() {
    hub.repo(REPO).file("config.json", CONFIG).file("pytorch_model.bin", FakeHub.payload(1000, 4));

    HubException e = assertThrows(HubException.class, () -> client().download(REPO, "main"));

    assertEquals(Kind.PICKLE_ONLY, e.kind());
    assertTrue(
        e.getMessage()
            .contains("has only pickle weights (pytorch_model.bin); Sinkscope never unpickles"),
        e.getMessage());
    assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
    assertEquals(List.of(), hub.requests("cdn", "GET"), "nothing was downloaded");
  }

  @Test
  void repoWithoutAnyWeightsSaysWhatItHas() {
    hub.repo(REPO).file("config.json", CONFIG).file("README.md", "hello");

    HubException e = assertThrows(HubException.class, () -> client().download(REPO, "main"));

    assertEquals(Kind.NO_WEIGHTS, e.kind());
    assertTrue(e.getMessage().contains("README.md"), e.getMessage());
  }

  @Test
  void cancelMidFileLeavesOnlyAResumablePartial() throws Exception {
    FakeHub.Repo repo = standardRepo();
    hub.failNextCdnResponse(new Fault(FaultType.STALL, 120_000));
    CancelToken cancel = CancelToken.create();
    DownloadListener cancelOnFirstWeightBytes =
        new DownloadListener() {
          @Override
          public void onProgress(DownloadProgress p) {
            if (p.filename().equals("model.safetensors") && p.fileBytesDone() > 0) {
              cancel.cancel();
            }
          }
        };

    HubException e =
        assertThrows(
            HubException.class,
            () -> client().download(REPO, "main", cancelOnFirstWeightBytes, cancel));

    assertEquals(Kind.CANCELLED, e.kind());
    assertEquals(
        List.of(), snapshotFilesNamed("model.safetensors"), "nothing half-done in snapshots");
    assertFalse(
        Files.exists(repoDir().resolve("refs").resolve("main")),
        "the ref moves only when complete");
    List<Path> partials = incompleteFiles();
    assertEquals(1, partials.size());
    long partialSize = Files.size(partials.get(0));
    assertTrue(partialSize > 0 && partialSize <= 120_000, "partial size " + partialSize);

    Path snapshot = client().download(REPO, "main");

    assertArrayEquals(WEIGHTS, Files.readAllBytes(snapshot.resolve("model.safetensors")));
    assertEquals("bytes=" + partialSize + "-", hub.requests("cdn", "GET").get(1).range());
    assertEquals(repo.commit, Files.readString(repoDir().resolve("refs").resolve("main")));
  }

  @Test
  void secondDownloadUsesTheCacheWithoutFetchingBodiesAgain() throws Exception {
    standardRepo();
    client().download(REPO, "main");
    int cdnGetsAfterFirst = hub.requests("cdn", "GET").size();
    long resolveGetsAfterFirst = resolveGets();

    client().download(REPO, "main", events, CancelToken.create());

    assertEquals(1, cdnGetsAfterFirst);
    assertEquals(
        2, resolveGetsAfterFirst, "config and preprocessor config come from the hub itself");
    assertEquals(1, hub.requests("cdn", "GET").size(), "no second body download");
    assertEquals(2, resolveGets(), "no second download of the small files");
    assertEquals(
        3,
        events.readyFromCache.size(),
        "config, preprocessor config and weights: " + events.readyFromCache);
  }

  @Test
  void concurrentDownloadsOfOneRepoFetchEachFileOnce() throws Exception {
    standardRepo();
    hub.cdnDelayMillis = 400; // the first download still runs while the others reach its lock
    HubClient client = client();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<Path>> results = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        results.add(pool.submit(() -> client.download(REPO, "main")));
      }
      for (Future<Path> result : results) {
        Path weights = result.get(20, TimeUnit.SECONDS).resolve("model.safetensors");
        assertTrue(Files.isSymbolicLink(weights), "still a link, not a copy");
        assertArrayEquals(WEIGHTS, Files.readAllBytes(weights));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, hub.requests("cdn", "GET").size());
  }

  @Test
  void mirrorWithoutListingApiIsProbedForKnownFiles() throws Exception {
    FakeHub.Repo repo =
        hub.repo(REPO).file("config.json", CONFIG).file("model.safetensors", WEIGHTS);
    hub.apiEnabled = false;

    Path snapshot = client().download(REPO, "main");

    assertArrayEquals(WEIGHTS, Files.readAllBytes(snapshot.resolve("model.safetensors")));
    assertFalse(Files.exists(snapshot.resolve("preprocessor_config.json")));
    // The probe's 404 is remembered the way Python records it.
    assertTrue(
        Files.exists(
            repoDir()
                .resolve(".no_exist")
                .resolve(repo.commit)
                .resolve("preprocessor_config.json")));
  }

  @Test
  void progressIsReportedPerFileAndOverall() throws Exception {
    standardRepo();

    client().download(REPO, "main", events, CancelToken.create());

    List<DownloadProgress> weights =
        events.progress.stream().filter(p -> p.filename().equals("model.safetensors")).toList();
    assertFalse(weights.isEmpty());
    long previous = -1;
    for (DownloadProgress p : weights) {
      assertTrue(p.overallBytesDone() >= previous, "overall progress never goes back");
      previous = p.overallBytesDone();
      assertEquals(WEIGHTS.length, p.fileBytesTotal());
      assertEquals(WEIGHTS.length, p.overallBytesTotal());
    }
    DownloadProgress last = weights.get(weights.size() - 1);
    assertEquals(WEIGHTS.length, last.fileBytesDone());
    assertEquals(Duration.ZERO, last.eta().orElse(Duration.ZERO));
  }

  @Test
  void withoutSymlinksTheSnapshotHoldsARealFile() throws Exception {
    standardRepo();
    HubSettings settings = TestSettings.forHub(hub.endpoint(), dir);
    HubClient client = new HubClient(settings, new HubCache(settings.cacheDir(), false));

    Path snapshot = client.download(REPO, "main", events, CancelToken.create());

    Path weights = snapshot.resolve("model.safetensors");
    assertFalse(Files.isSymbolicLink(weights));
    assertArrayEquals(WEIGHTS, Files.readAllBytes(weights));
    assertTrue(
        events.notices.stream().anyMatch(n -> n.contains("Symbolic links are not available")));
  }

  @Test
  void unreachableHubFallsBackToACompleteCachedSnapshot() throws Exception {
    String commit = "0123456789abcdef0123456789abcdef01234567";
    new PythonCacheFixture(TestSettings.cacheOf(dir), REPO)
        .file(commit, "config.json", CONFIG)
        .file(commit, "model.safetensors", WEIGHTS)
        .ref("main", commit);
    HubClient client = client();
    hub.close(); // nothing listens there any more

    Path snapshot = client.download(REPO, "main", events, CancelToken.create());

    assertEquals(repoDir().resolve("snapshots").resolve(commit), snapshot);
    assertTrue(
        events.notices.stream().anyMatch(n -> n.contains("using the cached copy")),
        events.notices.toString());
  }

  @Test
  void unreachableHubWithoutCachedCopyFailsNamingTheNetwork() {
    HubClient client = client();
    hub.close();

    HubException e = assertThrows(HubException.class, () -> client.download(REPO, "main"));

    assertEquals(Kind.NETWORK, e.kind());
    assertTrue(
        e.getMessage().contains(REPO) && e.getMessage().contains("HF_HUB_OFFLINE"), e.getMessage());
  }

  @Test
  void invalidRepoIdIsRejectedBeforeAnyRequest() {
    HubException e =
        assertThrows(HubException.class, () -> client().download("../etc/passwd", "main"));

    assertEquals(Kind.INVALID_ARGUMENT, e.kind());
    assertEquals(List.of(), hub.requests());
  }

  private long resolveGets() {
    return hub.requests("hub", "GET").stream().filter(r -> r.path().contains("/resolve/")).count();
  }

  private List<Path> incompleteFiles() throws IOException {
    Path blobs = repoDir().resolve("blobs");
    if (!Files.isDirectory(blobs)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(blobs)) {
      return list.filter(p -> p.getFileName().toString().endsWith(".incomplete")).toList();
    }
  }

  private List<Path> snapshotFilesNamed(String name) throws IOException {
    Path snapshots = repoDir().resolve("snapshots");
    if (!Files.isDirectory(snapshots)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(snapshots)) {
      return walk.filter(p -> p.getFileName().toString().equals(name)).toList();
    }
  }

  /** Records what the client reports. */
  private static final class Events implements DownloadListener {
    final List<DownloadProgress> progress = new CopyOnWriteArrayList<>();
    final List<String> notices = new CopyOnWriteArrayList<>();
    final List<String> readyFromCache = new ArrayList<>();

    @Override
    public void onProgress(DownloadProgress p) {
      progress.add(p);
    }

    @Override
    public void onFileReady(String repoId, String filename, Path path, boolean fromCache) {
      if (fromCache) {
        readyFromCache.add(filename);
      }
    }

    @Override
    public void onNotice(String message) {
      notices.add(message);
    }
  }

  /**
   * Both attempts waited out the configured 300 ms read timeout, not the 10 s default: at least 2 x
   * 300 ms (a lower bound a busy machine cannot break) and less than one default timeout (a 16x
   * margin over what it needs, so load alone does not fail it; a hang is caught by the
   * class's @Timeout).
   */
  private static void assertTookTheConfiguredTimeouts(Duration took) {
    assertTrue(
        took.compareTo(Duration.ofMillis(2 * 300)) >= 0,
        "took " + took + ", less than two read timeouts");
    assertTrue(
        took.compareTo(HubSettings.DEFAULT_READ_TIMEOUT) < 0,
        "took " + took + ": the configured 300 ms read timeout was not used");
  }
}
