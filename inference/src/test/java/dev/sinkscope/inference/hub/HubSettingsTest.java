package dev.sinkscope.inference.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubSettingsTest {
  @TempDir Path home;

  private HubSettings from(String... env) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i + 1 < env.length; i += 2) {
      map.put(env[i], env[i + 1]);
    }
    return HubSettings.from(map, Map.of("user.home", home.toString()));
  }

  @Test
  void defaultsMatchPython() {
    HubSettings settings = from();

    assertEquals(home.resolve(".cache/huggingface/hub"), settings.cacheDir());
    assertEquals(URI.create("https://huggingface.co"), settings.endpoint());
    assertEquals(home.resolve(".cache/huggingface/token"), settings.tokenFile());
    assertEquals(Optional.empty(), settings.token());
    assertFalse(settings.offline());
    assertEquals(Duration.ofSeconds(10), settings.readTimeout());
  }

  @Test
  void cacheFolderPrecedence() {
    Path hfHome = home.resolve("hf");
    Path hubCache = home.resolve("elsewhere");

    String xdg = home.resolve("xdg").toString();
    assertEquals(home.resolve("xdg/huggingface/hub"), from("XDG_CACHE_HOME", xdg).cacheDir());
    assertEquals(
        hfHome.resolve("hub"),
        from("HF_HOME", hfHome.toString(), "XDG_CACHE_HOME", xdg).cacheDir());
    assertEquals(
        hubCache,
        from("HF_HUB_CACHE", hubCache.toString(), "HF_HOME", hfHome.toString()).cacheDir());
    assertEquals(hubCache, from("HUGGINGFACE_HUB_CACHE", hubCache.toString()).cacheDir());
    assertEquals(home.resolve("models/hub"), from("HF_HOME", "~/models").cacheDir());
  }

  @Test
  void tokenComesFromTheVariableBeforeTheFile() throws Exception {
    Path tokenFile = home.resolve(".cache/huggingface/token");
    Files.createDirectories(tokenFile.getParent());
    Files.writeString(tokenFile, "hf_from_file\n");

    HubSettings fileOnly = from();
    HubSettings variable = from("HF_TOKEN", "hf_from_env");

    assertEquals(Optional.of("hf_from_file"), fileOnly.token());
    assertEquals(tokenFile.toString(), fileOnly.tokenSource());
    assertEquals(Optional.of("hf_from_env"), variable.token());
    assertEquals("HF_TOKEN", variable.tokenSource());
  }

  @Test
  void tokenPathVariableNamesAnotherFile() throws Exception {
    Path custom = Files.writeString(home.resolve("my-token"), "  hf_custom  ");

    assertEquals(Optional.of("hf_custom"), from("HF_TOKEN_PATH", custom.toString()).token());
  }

  @Test
  void offlineAcceptsPythonsTrueValues() {
    for (String yes : new String[] {"1", "true", "TRUE", "yes", "on"}) {
      assertTrue(from("HF_HUB_OFFLINE", yes).offline(), yes);
    }
    for (String no : new String[] {"0", "false", "no", ""}) {
      assertFalse(from("HF_HUB_OFFLINE", no).offline(), no);
    }
    assertTrue(from("TRANSFORMERS_OFFLINE", "1").offline());
    assertTrue(from().withOffline(true).offline());
  }

  @Test
  void endpointAndTimeoutFromVariables() {
    HubSettings settings =
        from("HF_ENDPOINT", "https://mirror.example.org/", "HF_HUB_DOWNLOAD_TIMEOUT", "2.5");

    assertEquals(URI.create("https://mirror.example.org"), settings.endpoint());
    assertEquals(Duration.ofMillis(2500), settings.readTimeout());
  }

  @Test
  void rejectsEndpointsThatAreNotHttp() {
    assertThrows(IllegalArgumentException.class, () -> from("HF_ENDPOINT", "file:///hub"));
  }

  @Test
  void toStringNeverShowsTheToken() {
    String text = from("HF_TOKEN", "hf_very_secret").toString();

    assertFalse(text.contains("hf_very_secret"), text);
    assertTrue(text.contains("HF_TOKEN"), text);
  }
}
