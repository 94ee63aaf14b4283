package dev.sinkscope.inference.hub;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Where the hub is, where the cache lives, which token to send and how patient to be. Built once
 * from the environment with the same variables and defaults as the Python {@code huggingface_hub}
 * library, so both share one cache and one login; tests build it from plain maps instead.
 *
 * @param endpoint hub base URL ({@code HF_ENDPOINT}), without a trailing slash
 * @param cacheDir the hub cache folder ({@code HF_HUB_CACHE}, else {@code HF_HOME/hub})
 * @param token access token for gated or private repos, if any
 * @param tokenSource where the token came from, for messages ({@code HF_TOKEN} or a file path);
 *     empty when there is no token
 * @param tokenFile the file a token is read from when no variable sets one
 * @param offline only read the cache, never touch the network
 * @param connectTimeout limit for opening a connection
 * @param readTimeout limit for waiting on response headers and for a stalled body
 * @param maxRetries retries after a failed attempt (a failure that made progress does not count)
 * @param initialBackoff wait before the first retry; doubles on each further one
 */
public record HubSettings(
    URI endpoint,
    Path cacheDir,
    Optional<String> token,
    String tokenSource,
    Path tokenFile,
    boolean offline,
    Duration connectTimeout,
    Duration readTimeout,
    int maxRetries,
    Duration initialBackoff) {

  public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Same default as {@code HF_HUB_DOWNLOAD_TIMEOUT} in Python. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

  public static final int DEFAULT_MAX_RETRIES = 5;
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);

  private static final Set<String> TRUE_VALUES = Set.of("1", "ON", "YES", "TRUE");

  public HubSettings {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(cacheDir, "cacheDir");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(tokenSource, "tokenSource");
    Objects.requireNonNull(tokenFile, "tokenFile");
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(readTimeout, "readTimeout");
    requirePositive(initialBackoff, "initialBackoff");
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
    }
    String scheme = endpoint.getScheme();
    if (scheme == null
        || !(scheme.equals("http") || scheme.equals("https"))
        || endpoint.getHost() == null) {
      throw new IllegalArgumentException("hub endpoint must be an http(s) URL, was " + endpoint);
    }
    endpoint = stripTrailingSlash(endpoint);
    cacheDir = cacheDir.toAbsolutePath().normalize();
    token = token.map(String::strip).filter(t -> !t.isEmpty());
    if (token.isEmpty()) {
      tokenSource = "";
    }
  }

  /** Settings from this process's environment variables and system properties. */
  public static HubSettings fromEnvironment() {
    return from(System.getenv(), toMap(System.getProperties()));
  }

  /**
   * Settings from the given variables. Reads {@code HF_ENDPOINT}, {@code HF_HUB_CACHE} (or the
   * older {@code HUGGINGFACE_HUB_CACHE}), {@code HF_HOME}, {@code XDG_CACHE_HOME}, {@code HF_TOKEN}
   * (or {@code HUGGING_FACE_HUB_TOKEN}), {@code HF_TOKEN_PATH}, {@code HF_HUB_OFFLINE} (or {@code
   * TRANSFORMERS_OFFLINE}) and {@code HF_HUB_DOWNLOAD_TIMEOUT}; of the system properties only
   * {@code user.home}. A token file is read here, once.
   */
  public static HubSettings from(Map<String, String> env, Map<String, String> systemProperties) {
    Path home = Path.of(systemProperties.getOrDefault("user.home", "."));
    Path hfHome =
        firstSet(env, "HF_HOME")
            .map(v -> expandHome(v, home))
            .orElseGet(
                () ->
                    firstSet(env, "XDG_CACHE_HOME")
                        .map(v -> expandHome(v, home))
                        .orElse(home.resolve(".cache"))
                        .resolve("huggingface"));
    Path cacheDir =
        firstSet(env, "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE")
            .map(v -> expandHome(v, home))
            .orElse(hfHome.resolve("hub"));
    URI endpoint = firstSet(env, "HF_ENDPOINT").map(URI::create).orElse(DEFAULT_ENDPOINT);
    Path tokenFile =
        firstSet(env, "HF_TOKEN_PATH")
            .map(v -> expandHome(v, home))
            .orElse(hfHome.resolve("token"));

    Optional<String> token = Optional.empty();
    String tokenSource = "";
    for (String name : new String[] {"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"}) {
      Optional<String> value = firstSet(env, name);
      if (value.isPresent()) {
        token = value;
        tokenSource = name;
        break;
      }
    }
    if (token.isEmpty()) {
      token = readTokenFile(tokenFile);
      tokenSource = tokenFile.toString();
    }

    boolean offline =
        firstSet(env, "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
            .map(v -> TRUE_VALUES.contains(v.toUpperCase(Locale.ROOT)))
            .orElse(false);
    Duration readTimeout =
        firstSet(env, "HF_HUB_DOWNLOAD_TIMEOUT")
            .flatMap(HubSettings::parseSeconds)
            .orElse(DEFAULT_READ_TIMEOUT);

    return new HubSettings(
        endpoint,
        cacheDir,
        token,
        tokenSource,
        tokenFile,
        offline,
        DEFAULT_CONNECT_TIMEOUT,
        readTimeout,
        DEFAULT_MAX_RETRIES,
        DEFAULT_INITIAL_BACKOFF);
  }

  public HubSettings withOffline(boolean newOffline) {
    return new HubSettings(
        endpoint,
        cacheDir,
        token,
        tokenSource,
        tokenFile,
        newOffline,
        connectTimeout,
        readTimeout,
        maxRetries,
        initialBackoff);
  }

  public HubSettings withEndpoint(URI newEndpoint) {
    return new HubSettings(
        newEndpoint,
        cacheDir,
        token,
        tokenSource,
        tokenFile,
        offline,
        connectTimeout,
        readTimeout,
        maxRetries,
        initialBackoff);
  }

  public HubSettings withCacheDir(Path newCacheDir) {
    return new HubSettings(
        endpoint,
        newCacheDir,
        token,
        tokenSource,
        tokenFile,
        offline,
        connectTimeout,
        readTimeout,
        maxRetries,
        initialBackoff);
  }

  /** A token given explicitly, e.g. typed into the GUI; {@code source} names it in messages. */
  public HubSettings withToken(String newToken, String source) {
    return new HubSettings(
        endpoint,
        cacheDir,
        Optional.ofNullable(newToken),
        source,
        tokenFile,
        offline,
        connectTimeout,
        readTimeout,
        maxRetries,
        initialBackoff);
  }

  public HubSettings withTimeouts(Duration newConnectTimeout, Duration newReadTimeout) {
    return new HubSettings(
        endpoint,
        cacheDir,
        token,
        tokenSource,
        tokenFile,
        offline,
        newConnectTimeout,
        newReadTimeout,
        maxRetries,
        initialBackoff);
  }

  public HubSettings withRetries(int newMaxRetries, Duration newInitialBackoff) {
    return new HubSettings(
        endpoint,
        cacheDir,
        token,
        tokenSource,
        tokenFile,
        offline,
        connectTimeout,
        readTimeout,
        newMaxRetries,
        newInitialBackoff);
  }

  /** Never prints the token itself. */
  @Override
  public String toString() {
    return "HubSettings[endpoint="
        + endpoint
        + ", cacheDir="
        + cacheDir
        + ", token="
        + (token.isPresent() ? "<set from " + tokenSource + ">" : "<none>")
        + ", offline="
        + offline
        + ", connectTimeout="
        + connectTimeout
        + ", readTimeout="
        + readTimeout
        + ", maxRetries="
        + maxRetries
        + ", initialBackoff="
        + initialBackoff
        + "]";
  }

  private static Optional<String> firstSet(Map<String, String> env, String... names) {
    for (String name : names) {
      String value = env.get(name);
      if (value != null && !value.isBlank()) {
        return Optional.of(value.strip());
      }
    }
    return Optional.empty();
  }

  /** Python expands a leading {@code ~} in these variables; so do we. */
  private static Path expandHome(String value, Path home) {
    if (value.equals("~")) {
      return home;
    }
    if (value.startsWith("~/")) {
      return home.resolve(value.substring(2));
    }
    return Path.of(value);
  }

  private static Optional<String> readTokenFile(Path file) {
    try {
      if (Files.isRegularFile(file)) {
        return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip())
            .filter(t -> !t.isEmpty());
      }
    } catch (IOException | SecurityException e) {
      // An unreadable token file behaves like no token; a 401 message then says how to set one.
    }
    return Optional.empty();
  }

  private static Optional<Duration> parseSeconds(String value) {
    try {
      double seconds = Double.parseDouble(value);
      return seconds > 0
          ? Optional.of(Duration.ofMillis(Math.round(seconds * 1000)))
          : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static URI stripTrailingSlash(URI uri) {
    String text = uri.toString();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    return URI.create(text);
  }

  private static void requirePositive(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + duration);
    }
  }

  private static Map<String, String> toMap(Properties properties) {
    Map<String, String> map = new HashMap<>();
    for (String name : properties.stringPropertyNames()) {
      map.put(name, properties.getProperty(name));
    }
    return map;
  }
}
