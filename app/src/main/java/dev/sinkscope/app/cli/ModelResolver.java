package dev.sinkscope.app.cli;

import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.app.report.Described;
import dev.sinkscope.inference.hub.CancelToken;
import dev.sinkscope.inference.hub.HubClient;
import dev.sinkscope.inference.hub.HubException;
import dev.sinkscope.inference.hub.HubModelId;
import dev.sinkscope.inference.hub.ModelLocator;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.report.ModelReference;
import dev.sinkscope.inference.report.WeightsFingerprint;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns a {@code --model} argument into a model folder: an existing folder as it is; {@code
 * phantom} or {@code phantom-registers} for the bundled models; otherwise a hub id {@code
 * org/name[@revision]}, taken from the hub cache or downloaded (progress on stderr; never with
 * {@code HF_HUB_OFFLINE=1}).
 */
final class ModelResolver {

  /**
   * A located model.
   *
   * @param argument what the user typed
   * @param folder the folder to open
   * @param source where it came from
   * @param id hub repo id or bundled name; null for a folder
   * @param revision hub commit of the snapshot (or the revision asked for when the folder does not
   *     say)
   */
  record Resolved(
      String argument, Path folder, ModelReference.Source source, String id, String revision) {

    /**
     * Name for titles and metadata: the hub id (with the revision asked for), bundled name, or
     * folder.
     */
    String displayName() {
      return source == ModelReference.Source.FOLDER ? argument : argument.trim();
    }

    /** The model as metrics files describe it. */
    Described.ModelInfo info(ModelSpec spec) {
      return Described.ModelInfo.of(argument, source, id, revision, spec);
    }

    /** The session's record of this model, hashing the weights. */
    ModelReference reference(Path sessionFile) throws IOException {
      WeightsFingerprint weights = WeightsFingerprint.of(folder);
      return switch (source) {
        case HUB -> ModelReference.hub(id, revision, weights);
        case BUNDLED -> ModelReference.bundled(id, weights);
        case FOLDER ->
            ModelReference.folder(
                dev.sinkscope.inference.report.SessionFile.storedPath(sessionFile, folder),
                weights);
      };
    }
  }

  private final CliContext context;
  private final PrintWriter err;

  ModelResolver(CliContext context, PrintWriter err) {
    this.context = context;
    this.err = err;
  }

  Resolved resolve(String argument) throws HubException, IOException {
    if (argument == null || argument.isBlank()) {
      throw new IllegalArgumentException(
          "--model is empty; give a folder, a hub id org/name[@revision], or phantom");
    }
    Optional<Path> local = asPath(argument).filter(Files::isDirectory);
    if (local.isPresent()) {
      return new Resolved(
          argument,
          local.get().toAbsolutePath().normalize(),
          ModelReference.Source.FOLDER,
          null,
          null);
    }
    Optional<String> bundled = BundledAssets.modelNameOf(argument);
    if (bundled.isPresent()) {
      Path folder = BundledAssets.inCache(context.bundledCache()).model(bundled.get());
      return new Resolved(argument, folder, ModelReference.Source.BUNDLED, argument.trim(), null);
    }
    ModelLocator locator = new ModelLocator(new HubClient(context.hub()), true);
    Path folder = locator.locate(argument, new ConsoleDownloadListener(err), CancelToken.create());
    if (!HubModelId.isHubIdWithOrg(argument)) {
      return new Resolved(argument, folder, ModelReference.Source.FOLDER, null, null);
    }
    HubModelId id = HubModelId.parse(argument);
    Path parent = folder.getParent();
    boolean snapshot =
        parent != null
            && parent.getFileName() != null
            && parent.getFileName().toString().equals("snapshots");
    String revision = snapshot ? folder.getFileName().toString() : id.revision();
    return new Resolved(argument, folder, ModelReference.Source.HUB, id.repoId(), revision);
  }

  /** Reopens the model a session names, checking that its weights are still the same. */
  Path resolve(ModelReference ref, Path sessionFile, boolean allowWeightsChange)
      throws HubException, IOException {
    Path folder =
        switch (ref.source()) {
          case FOLDER ->
              dev.sinkscope.inference.report.SessionFile.resolve(sessionFile, ref.path());
          case BUNDLED -> resolve(ref.id()).folder();
          case HUB -> resolve(ref.id() + "@" + ref.revision()).folder();
        };
    if (!Files.isDirectory(folder)) {
      throw new IOException("the session's model folder " + folder + " does not exist");
    }
    WeightsFingerprint now = WeightsFingerprint.of(folder);
    if (!now.sha256().equals(ref.weights().sha256()) && !allowWeightsChange) {
      throw new IOException(
          "the weights of "
              + ref.displayName()
              + " changed since the session was saved (sha256 "
              + now.sha256()
              + ", recorded "
              + ref.weights().sha256()
              + "); pass --allow-other-weights to render anyway");
    }
    return folder;
  }

  private static Optional<Path> asPath(String argument) {
    try {
      return Optional.of(Path.of(argument));
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }
}
