package dev.sinkscope.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.inference.report.SessionFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * download, models and hub ids in --model, against a local server that plays the hub and hand-made
 * caches.
 */
@Timeout(120)
class HubCommandsTest {
  private static final String REPO = "acme/phantom-vit";
  private static final List<String> FILES =
      List.of("config.json", "preprocessor_config.json", "model.safetensors");

  @TempDir Path tmp;
  private LocalHub hub;
  private Path phantomFolder;

  @BeforeEach
  void startHubServingThePhantom() throws IOException {
    phantomFolder = BundledAssets.inCache(tmp.resolve("bundled")).model(BundledAssets.PHANTOM);
    hub = new LocalHub();
    hub.addRepo(REPO, phantomFolder, FILES.toArray(String[]::new));
  }

  @AfterEach
  void stopHub() {
    hub.close();
  }

  @Test
  void downloadPutsTheModelIntoTheCacheAndModelsListsIt() throws Exception {
    Cli cli = Cli.online(tmp, hub.endpoint());

    Cli.Result download = cli.run("download", REPO);

    download.assertOk();
    String commit = LocalHub.commitOf(REPO);
    assertTrue(download.out().contains("ready:  " + REPO + "@" + commit), download.out());
    assertTrue(
        download.err().contains("downloaded " + REPO + " model.safetensors"), download.err());
    Path snapshot =
        Cli.hubCache(tmp).resolve("models--acme--phantom-vit/snapshots").resolve(commit);
    assertEquals(
        -1L,
        Files.mismatch(
            phantomFolder.resolve("model.safetensors"), snapshot.resolve("model.safetensors")));

    Cli.Result models = cli.run("models");
    models.assertOk();
    String row = models.out().lines().filter(l -> l.startsWith(REPO)).findFirst().orElseThrow();
    assertTrue(
        row.contains("dinov2")
            && row.contains("7.5 MB")
            && row.contains(" yes ")
            && row.contains(commit.substring(0, 12) + " (main)"),
        row);

    JsonNode json = new ObjectMapper().readTree(cli.run("models", "--json").out());
    assertEquals(REPO, json.get(0).get("id").asText());
    assertTrue(json.get(0).get("safetensors").asBoolean());
    assertEquals(commit, json.get(0).get("revisions").get(0).get("commit").asText());
  }

  @Test
  void secondDownloadFetchesNothingAgain() {
    Cli cli = Cli.online(tmp, hub.endpoint());
    cli.run("download", REPO).assertOk();
    long getsBefore = hub.requests().stream().filter(r -> r.startsWith("GET /acme")).count();

    cli.run("download", REPO).assertOk();

    assertEquals(
        getsBefore, hub.requests().stream().filter(r -> r.startsWith("GET /acme")).count());
  }

  @Test
  void modelArgumentDownloadsAMissingHubModelWithProgressOnStderr() {
    Cli.Result r =
        Cli.online(tmp, hub.endpoint())
            .run(
                "analyze",
                "--model",
                REPO,
                "--image",
                Cli.PHOTOS.resolve("coffee.png"),
                "--device",
                "cpu");

    r.assertOk();
    assertTrue(r.err().contains("downloaded " + REPO + " config.json"), r.err());
    assertTrue(r.out().contains("DINOv2"), r.out());
  }

  @Test
  void hubIdResolvesFromAPrepopulatedCacheOfflineWithoutAnyRequest() throws Exception {
    String commit = "0123456789abcdef0123456789abcdef01234567";
    populateCacheLikePython(REPO, commit);
    Cli offline =
        new Cli(new CliContext(Cli.hubSettings(tmp, hub.endpoint(), true), tmp.resolve("bundled")));

    Cli.Result byBranch =
        offline.run(
            "analyze",
            "--model",
            REPO,
            "--image",
            Cli.PHOTOS.resolve("coffee.png"),
            "--device",
            "cpu");
    Cli.Result byCommit =
        offline.run(
            "analyze",
            "--model",
            REPO + "@" + commit,
            "--image",
            Cli.PHOTOS.resolve("coffee.png"),
            "--device",
            "cpu");

    byBranch.assertOk();
    byCommit.assertOk();
    assertEquals(List.of(), hub.requests());
  }

  @Test
  void sessionOfAHubModelRecordsTheCommitAndRendersOffline() throws Exception {
    String commit = "89abcdef0123456789abcdef0123456789abcdef";
    populateCacheLikePython(REPO, commit);
    Cli offline =
        new Cli(new CliContext(Cli.hubSettings(tmp, hub.endpoint(), true), tmp.resolve("bundled")));
    Path session = tmp.resolve("s.json");

    offline
        .run(
            "save-session",
            "--model",
            REPO,
            "--image",
            Cli.PHOTOS.resolve("coffee.png"),
            "--out",
            session)
        .assertOk();
    offline
        .run("report", "--session", session, "--out", tmp.resolve("report"), "--device", "cpu")
        .assertOk();

    SessionFile saved = SessionFile.read(session);
    assertEquals(REPO, saved.model().id());
    assertEquals(commit, saved.model().revision());
    assertEquals(
        sha256(phantomFolder.resolve("model.safetensors")),
        saved.model().weights().sha256(),
        "the blob name in the cache is the file's sha256");
    assertTrue(Files.isRegularFile(tmp.resolve("report/norm.png")));
    assertEquals(List.of(), hub.requests());
  }

  @Test
  void offlineDownloadOfAnUncachedModelIsOneClearLine() {
    Cli.offline(tmp)
        .run("download", "acme/never-downloaded")
        .assertOneLineError("download", "acme/never-downloaded is not in the Hugging Face cache");
  }

  @Test
  void unknownRepoIsOneClearLine() {
    Cli.online(tmp, hub.endpoint())
        .run(
            "compare",
            "--model",
            "acme/no-such-model",
            "--image",
            Cli.PHOTOS.resolve("coffee.png"),
            "--mitigation",
            "ttr",
            "--json",
            tmp.resolve("c.json"))
        .assertOneLineError("compare", "acme/no-such-model");
  }

  /** The layout Python's huggingface_hub leaves: blobs named by hash, relative links, refs/main. */
  private void populateCacheLikePython(String repoId, String commit) throws Exception {
    Path repoDir = Cli.hubCache(tmp).resolve("models--" + repoId.replace("/", "--"));
    for (String file : FILES) {
      byte[] content = Files.readAllBytes(phantomFolder.resolve(file));
      String blobName =
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
      Path blob = Files.createDirectories(repoDir.resolve("blobs")).resolve(blobName);
      Files.write(blob, content);
      Path link =
          Files.createDirectories(repoDir.resolve("snapshots").resolve(commit)).resolve(file);
      Files.createSymbolicLink(link, Path.of("../../blobs/" + blobName));
    }
    Files.createDirectories(repoDir.resolve("refs"));
    Files.writeString(repoDir.resolve("refs/main"), commit);
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
