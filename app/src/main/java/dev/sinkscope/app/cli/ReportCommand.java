package dev.sinkscope.app.cli;

import dev.sinkscope.app.report.SessionReport;
import dev.sinkscope.inference.model.ModelLoadException;
import dev.sinkscope.inference.pipeline.CaptureChoice;
import dev.sinkscope.inference.report.SessionFile;
import dev.sinkscope.inference.session.ModelSession;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code report}: render a session into a folder of pictures and metrics. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Render a session file into one folder: norm.png (patch norms), attention-received.png (sinks), "
          + "cls-attention.png, a panel of the session's quantity when it is another (rollout.png, pca-rgb.png, "
          + "attends-to.png, attended-by.png), the same panels of model B prefixed b- (sessions that compare with "
          + "model B), compare.png (before/after, or model A against B), metrics.json, metrics.csv and a copy of the "
          + "session as session.json.",
      "The weights and the photo must hash as the session recorded. The same session renders to identical PNGs."
    })
final class ReportCommand implements Callable<Integer> {
  @ParentCommand SinkscopeCommand root;
  @Spec CommandSpec spec;

  @Option(
      names = "--session",
      required = true,
      paramLabel = "SESSION.json",
      description = "Session file to render.")
  Path sessionFile;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Folder to write (created if needed).")
  Path outDir;

  @Option(
      names = "--allow-other-weights",
      description = "Render even when the models' weights no longer hash as the session recorded.")
  boolean allowOtherWeights;

  @Mixin CommonOptions common;

  @Override
  public Integer call() throws Exception {
    common.apply();
    PrintWriter out = spec.commandLine().getOut();
    SessionFile session = SessionFile.read(sessionFile);
    session.verifyImage(sessionFile);
    ModelResolver resolver = new ModelResolver(root.context(), spec.commandLine().getErr());
    Path folder = resolver.resolve(session.model(), sessionFile, allowOtherWeights);
    Path folderB =
        session.comparesOtherModel()
            ? resolver.resolve(session.modelB(), sessionFile, allowOtherWeights)
            : null;
    List<String> written =
        SessionReport.write(
            session,
            sessionFile,
            folder,
            folderB,
            outDir,
            new SessionReport.ModelOpener() {
              @Override
              public ModelSession open(Path folder) throws ModelLoadException {
                return ModelSession.open(folder, common.device);
              }

              @Override
              public CaptureChoice capture() {
                return common.capture;
              }
            },
            SessionReport.Progress.NONE);
    out.println("report: " + outDir);
    written.forEach(f -> out.println("  " + f));
    out.flush();
    return 0;
  }
}
