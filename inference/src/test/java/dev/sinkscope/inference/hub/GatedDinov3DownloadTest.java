package dev.sinkscope.inference.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.inference.hub.HubException.Kind;
import dev.sinkscope.inference.model.Checkpoint;
import dev.sinkscope.inference.model.CheckpointReader;
import dev.sinkscope.inference.model.ModelFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * DINOv3 repos are gated: what the user is told without a token, before accepting the licence, and
 * after.
 */
@Timeout(30)
class GatedDinov3DownloadTest {
  private static final String REPO = "facebook/dinov3-vits16-pretrain-lvd1689m";
  private static final Path FIXTURE = Path.of("..", "testdata", "fixtures", "dinov3-hf");

  @TempDir Path dir;
  private FakeHub hub;
  private FakeHub.Repo repo;

  @BeforeEach
  void startHub() throws IOException {
    hub = new FakeHub();
    repo =
        hub.repo(REPO)
            .file("config.json", Files.readAllBytes(FIXTURE.resolve("config.json")))
            .file(
                "preprocessor_config.json",
                Files.readAllBytes(FIXTURE.resolve("preprocessor_config.json")))
            .file("model.safetensors", Files.readAllBytes(FIXTURE.resolve("model.safetensors")))
            .requireToken("hf_secret");
  }

  @AfterEach
  void stopHub() {
    hub.close();
  }

  private HubClient client(String... env) {
    return new HubClient(TestSettings.forHub(hub.endpoint(), dir, env));
  }

  @Test
  void withoutTokenSaysToAcceptTheLicenceAndSetHfToken() {
    assertTrue(CuratedModels.find(REPO).orElseThrow().title().contains("gated"));

    HubException e = assertThrows(HubException.class, () -> client().download(REPO, "main"));

    assertEquals(Kind.UNAUTHORIZED, e.kind());
    assertTrue(e.getMessage().contains("401"), e.getMessage());
    assertTrue(
        e.getMessage().contains("accept its licence at " + hub.endpoint() + "/" + REPO),
        e.getMessage());
    assertTrue(e.getMessage().contains("set HF_TOKEN"), e.getMessage());
  }

  @Test
  void licenceNotAcceptedSaysWhereToAcceptIt() {
    repo.licenceNotAccepted();

    HubException e =
        assertThrows(
            HubException.class, () -> client("HF_TOKEN", "hf_secret").download(REPO, "main"));

    assertEquals(Kind.FORBIDDEN, e.kind());
    assertTrue(e.getMessage().contains("403, GatedRepo"), e.getMessage());
    assertTrue(
        e.getMessage().contains("accept its licence at " + hub.endpoint() + "/" + REPO),
        e.getMessage());
    assertTrue(e.getMessage().contains("HF_TOKEN"), e.getMessage());
  }

  @Test
  void withTheTokenItDownloadsAndOpensAsDinov3() throws Exception {
    Path snapshot = client("HF_TOKEN", "hf_secret").download(REPO, "main");

    try (Checkpoint checkpoint = CheckpointReader.open(snapshot)) {
      assertEquals(ModelFamily.DINOV3, checkpoint.spec().family());
      assertEquals(4, checkpoint.spec().registers());
    }
  }
}
