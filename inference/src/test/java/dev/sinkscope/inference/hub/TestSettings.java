package dev.sinkscope.inference.hub;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Settings built the way production builds them, from variables, but pointed at a temp folder. */
final class TestSettings {
  private TestSettings() {}

  /** Hub at {@code endpoint}, cache and home under {@code dir}, short timeouts, fast retries. */
  static HubSettings forHub(URI endpoint, Path dir, String... extraEnv) {
    Map<String, String> env = new HashMap<>();
    env.put("HF_HOME", dir.resolve("hf-home").toString());
    env.put("HF_ENDPOINT", endpoint.toString());
    for (int i = 0; i + 1 < extraEnv.length; i += 2) {
      env.put(extraEnv[i], extraEnv[i + 1]);
    }
    return HubSettings.from(env, Map.of("user.home", dir.resolve("home").toString()))
        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3))
        .withRetries(3, Duration.ofMillis(10));
  }

  static Path cacheOf(Path dir) {
    return dir.resolve("hf-home").resolve("hub");
  }
}
