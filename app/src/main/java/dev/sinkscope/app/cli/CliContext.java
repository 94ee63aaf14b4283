package dev.sinkscope.app.cli;

import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.inference.hub.HubSettings;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What the commands take from the machine they run on: hub settings (endpoint, cache, token,
 * offline) and where bundled models are extracted. Production reads the environment; tests point
 * both at temporary folders and a local server.
 *
 * @param hub hub endpoint, cache folder and offline switch
 * @param bundledCache folder that bundled models and photos are extracted to
 */
public record CliContext(HubSettings hub, Path bundledCache) {

  public CliContext {
    Objects.requireNonNull(hub, "hub");
    Objects.requireNonNull(bundledCache, "bundledCache");
  }

  /** The real environment: {@code HF_*} variables, {@code ~/.cache/sinkscope/bundled}. */
  public static CliContext fromEnvironment() {
    return new CliContext(HubSettings.fromEnvironment(), BundledAssets.defaultCacheDir());
  }
}
