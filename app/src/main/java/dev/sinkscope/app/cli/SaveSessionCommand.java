package dev.sinkscope.app.cli;

import dev.sinkscope.app.report.Mitigations;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.model.Checkpoint;
import dev.sinkscope.inference.model.CheckpointReader;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.report.CompareMode;
import dev.sinkscope.inference.report.ImageReference;
import dev.sinkscope.inference.report.ModelReference;
import dev.sinkscope.inference.report.SessionFile;
import dev.sinkscope.inference.report.ViewSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code save-session}: write a session file for {@code report} (and the desktop app). */
@Command(
    name = "save-session",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Write a session file: the model (with a SHA-256 of its weight files), the photo (with its "
            + "SHA-256), the view and the mitigations. 'sinkscope report' renders it; the desktop app opens it.")
final class SaveSessionCommand implements Callable<Integer> {
  @ParentCommand SinkscopeCommand root;
  @Spec CommandSpec spec;

  @Mixin ModelOption modelOption;

  @Option(names = "--image", required = true, paramLabel = "FILE", description = "The photo.")
  Path image;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "SESSION.json",
      description = "Session file to write.")
  Path out;

  @Option(
      names = "--mitigation",
      paramLabel = "SPEC",
      description = "Mitigation (repeatable); see below.")
  List<String> mitigations = new ArrayList<>();

  @Option(
      names = "--neurons",
      paramLabel = "MAP.json",
      description = "Register-neuron map for ttr.")
  Path neurons;

  @Option(
      names = "--compare",
      paramLabel = "MODE",
      description =
          "none, before-after or other-model (needs --model-b). Default: other-model with --model-b, "
              + "else before-after when mitigations are given, else none.")
  String compare;

  @Option(
      names = "--model-b",
      paramLabel = "MODEL",
      description =
          "Model B for --compare other-model (run without mitigations on the same photo), as --model.")
  String modelB;

  @Mixin PictureOptions picture;

  @Override
  public Integer call() throws Exception {
    picture.validate();
    if (!Files.isRegularFile(image)) {
      throw new IllegalArgumentException("--image " + image + " is not a file");
    }
    if (neurons != null && !Files.isRegularFile(neurons)) {
      throw new IllegalArgumentException("--neurons " + neurons + " is not a file");
    }
    PrintWriter stdout = spec.commandLine().getOut();
    ModelResolver.Resolved resolved =
        new ModelResolver(root.context(), spec.commandLine().getErr()).resolve(modelOption.model);
    int blocks;
    try (Checkpoint checkpoint = CheckpointReader.open(resolved.folder())) {
      ModelSpec modelSpec = checkpoint.spec();
      blocks = modelSpec.numLayers();
      MitigationStack stack = Mitigations.parse(mitigations, neurons, resolved.folder());
      stack.validate(modelSpec);
      picture.headSelection().validate(modelSpec.numHeads());
    }
    int block = picture.block(blocks);
    ViewSettings view =
        new ViewSettings(
            picture.layer == -1 ? 0 : block,
            picture.headSelection(),
            picture.quantity(),
            picture.colormap,
            picture.normalizationSpec(),
            picture.patch());
    CompareMode mode =
        compare != null
            ? CompareMode.parse(compare)
            : modelB != null
                ? CompareMode.OTHER_MODEL
                : mitigations.isEmpty() ? CompareMode.NONE : CompareMode.BEFORE_AFTER;
    if ((mode == CompareMode.OTHER_MODEL) != (modelB != null)) {
      throw new IllegalArgumentException(
          modelB == null
              ? "--compare other-model needs --model-b MODEL"
              : "--model-b is for --compare other-model, not " + mode);
    }
    ModelReference referenceB = null;
    if (modelB != null) {
      ModelResolver.Resolved resolvedB =
          new ModelResolver(root.context(), spec.commandLine().getErr()).resolve(modelB);
      try (Checkpoint checkpoint = CheckpointReader.open(resolvedB.folder())) {
        picture.headSelection().validate(checkpoint.spec().numHeads());
      }
      referenceB = resolvedB.reference(out);
    }
    SessionFile session =
        SessionFile.of(
            resolved.reference(out),
            ImageReference.of(image, SessionFile.storedPath(out, image)),
            view,
            mitigations,
            neurons == null ? null : SessionFile.storedPath(out, neurons),
            mode,
            referenceB);
    session.write(out);
    stdout.println("session: " + out);
    stdout.println(
        "model:   "
            + resolved.displayName()
            + " (weights sha256 "
            + session.model().weights().sha256()
            + ")");
    if (session.modelB() != null) {
      stdout.println(
          "model B: " + modelB + " (weights sha256 " + session.modelB().weights().sha256() + ")");
    }
    stdout.println("render:  sinkscope report --session " + out + " --out DIR");
    stdout.flush();
    return 0;
  }
}
