package dev.sinkscope.app.cli;

import dev.sinkscope.inference.hub.CancelToken;
import dev.sinkscope.inference.hub.CuratedModels;
import dev.sinkscope.inference.hub.HubClient;
import dev.sinkscope.inference.hub.HubModelId;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code download}: put a hub model into the shared hub cache. */
@Command(
    name = "download",
    mixinStandardHelpOptions = true,
    description = {
      "Download config.json, preprocessor_config.json and the safetensors weights of a hub model into "
          + "the Hugging Face cache (shared with Python; HF_HOME, HF_HUB_CACHE, HF_ENDPOINT and HF_TOKEN apply).",
      "Files already cached are not fetched again; an interrupted download resumes. With HF_HUB_OFFLINE=1 "
          + "only the cache is checked."
    })
final class DownloadCommand implements Callable<Integer> {
  @ParentCommand SinkscopeCommand root;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "MODEL_ID",
      description = "Hub repo id org/name, optionally @revision.")
  String modelId;

  @Option(
      names = "--revision",
      paramLabel = "R",
      description = "Branch, tag or commit (default: main, or the @revision of MODEL_ID).")
  String revision;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    HubModelId id = HubModelId.parse(modelId);
    String rev = revision != null ? revision : id.revision();
    HubClient client = new HubClient(root.context().hub());
    Path folder =
        client.download(
            id.repoId(),
            rev,
            new ConsoleDownloadListener(spec.commandLine().getErr()),
            CancelToken.create());
    out.println(
        "ready:  "
            + id.repoId()
            + "@"
            + folder.getFileName()
            + (rev.equals(folder.getFileName().toString()) ? "" : " (" + rev + ")"));
    out.println("folder: " + folder);
    CuratedModels.find(id.repoId())
        .ifPresent(m -> out.println("model:  " + m.title() + ", " + m.family()));
    out.println(
        "use:    --model "
            + id.repoId()
            + (rev.equals(HubModelId.DEFAULT_REVISION) ? "" : "@" + rev));
    out.flush();
    return 0;
  }
}
