package dev.sinkscope.inference.hub;

import dev.sinkscope.inference.hub.HubException.Kind;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a {@code --model} argument into a local folder holding config.json and safetensors weights:
 * an existing folder is used as it is; a hub id {@code org/name[@revision]} is looked up in the hub
 * cache first, without any network, and downloaded only when it is missing there and downloads are
 * allowed (not in offline mode). A cached revision is not checked for newer commits; an explicit
 * download does that. An existing folder wins over a hub id spelled the same.
 */
public final class ModelLocator {
  private final HubClient client;
  private final boolean allowDownload;

  public ModelLocator(HubClient client, boolean allowDownload) {
    this.client = Objects.requireNonNull(client, "client");
    this.allowDownload = allowDownload;
  }

  /** A locator on the real environment's settings that may download. */
  public static ModelLocator fromEnvironment() {
    return new ModelLocator(new HubClient(HubSettings.fromEnvironment()), true);
  }

  public HubClient client() {
    return client;
  }

  /** {@link #locate(String, DownloadListener, CancelToken)} without progress or cancel. */
  public Path locate(String modelArg) throws HubException {
    return locate(modelArg, DownloadListener.NONE, CancelToken.create());
  }

  /**
   * @param modelArg a folder path or {@code org/name[@revision]}
   * @return an absolute folder path
   */
  public Path locate(String modelArg, DownloadListener listener, CancelToken cancel)
      throws HubException {
    if (modelArg == null || modelArg.isBlank()) {
      throw new HubException(
          Kind.INVALID_ARGUMENT,
          String.valueOf(modelArg),
          null,
          "No model given; pass a folder with config.json and .safetensors weights, or a hub id like "
              + "facebook/dinov2-small.");
    }
    Optional<Path> local = asLocalPath(modelArg);
    if (local.isPresent() && Files.isDirectory(local.get())) {
      return local.get().toAbsolutePath().normalize();
    }
    if (local.isPresent() && Files.exists(local.get())) {
      throw new HubException(
          Kind.INVALID_ARGUMENT,
          modelArg,
          null,
          "'"
              + modelArg
              + "' is a file; give the folder "
              + "that holds config.json and the .safetensors weights.");
    }
    if (!HubModelId.isHubIdWithOrg(modelArg)) {
      throw new HubException(
          Kind.INVALID_ARGUMENT,
          modelArg,
          null,
          "'"
              + modelArg
              + "' is neither an existing "
              + "folder nor a hub id of the form org/name[@revision] (e.g. facebook/dinov2-small).");
    }
    HubModelId id = HubModelId.parse(modelArg);
    Optional<Path> cached = client.cache().completeSnapshot(id.repoId(), id.revision());
    if (cached.isPresent()) {
      return cached.get();
    }
    if (!allowDownload && !client.settings().offline()) {
      throw new HubException(
          Kind.NOT_CACHED,
          id.repoId(),
          null,
          id
              + " is not in the Hugging Face cache at "
              + client.cache().root()
              + " and downloading is switched off here; download it first.");
    }
    try {
      return client.download(id.repoId(), id.revision(), listener, cancel);
    } catch (HubException e) {
      if (e.kind() == Kind.NOT_FOUND || e.kind() == Kind.UNAUTHORIZED) {
        throw new HubException(
            e.kind(),
            e.repoId(),
            e.filename().orElse(null),
            e.getMessage() + " (There is no local folder '" + modelArg + "' either.)",
            e);
      }
      throw e;
    }
  }

  private static Optional<Path> asLocalPath(String modelArg) {
    try {
      return Optional.of(Path.of(modelArg));
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }
}
