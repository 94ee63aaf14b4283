package dev.sinkscope.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.inference.hub.CachedModel;
import dev.sinkscope.inference.hub.CuratedModel;
import dev.sinkscope.inference.hub.CuratedModels;
import dev.sinkscope.inference.hub.HubCache;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code models}: what the hub cache holds, and what is known to load. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description =
        "List the models in the Hugging Face cache (whoever downloaded them): id, family, size on disk, "
            + "whether a complete safetensors model is there, and the cached revisions.")
final class ModelsCommand implements Callable<Integer> {
  @ParentCommand SinkscopeCommand root;
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Option(
      names = "--available",
      description = "Also list the bundled models and the hub models known to load.")
  boolean available;

  /**
   * One cached model in the JSON output.
   *
   * @param id repo id
   * @param family model_type from config.json, or null
   * @param bytes size of the complete files
   * @param partialBytes size of unfinished downloads
   * @param safetensors whether some revision holds config.json and all safetensors weights
   * @param revisions cached snapshots, newest first
   */
  record Entry(
      String id,
      String family,
      long bytes,
      long partialBytes,
      boolean safetensors,
      List<Revision> revisions) {}

  /**
   * One cached snapshot.
   *
   * @param commit commit hash
   * @param refs branches or tags pointing at it
   * @param complete whether it holds a loadable model
   */
  record Revision(String commit, List<String> refs, boolean complete) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    HubCache cache = new HubCache(root.context().hub().cacheDir());
    List<Entry> entries = new ArrayList<>();
    for (CachedModel m : cache.listCached()) {
      entries.add(
          new Entry(
              m.repoId(),
              m.family().orElse(null),
              m.blobBytes(),
              m.partialBytes(),
              m.hasSafetensorsModel(),
              m.revisions().stream()
                  .map(r -> new Revision(r.commit(), r.refs(), r.hasSafetensorsModel()))
                  .toList()));
    }
    if (json) {
      out.println(
          new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(entries));
      out.flush();
      return 0;
    }
    out.println("hub cache: " + cache.root());
    if (entries.isEmpty()) {
      out.println("(no models cached; 'sinkscope download org/name' fetches one)");
    } else {
      out.printf(
          Locale.ROOT,
          "%-48s %-16s %10s  %-11s %s%n",
          "id",
          "family",
          "size",
          "safetensors",
          "revisions");
      for (Entry e : entries) {
        String revisions =
            e.revisions().stream()
                .map(
                    r ->
                        r.commit().substring(0, Math.min(12, r.commit().length()))
                            + (r.refs().isEmpty() ? "" : " (" + String.join(", ", r.refs()) + ")"))
                .collect(Collectors.joining("; "));
        out.printf(
            Locale.ROOT,
            "%-48s %-16s %10s  %-11s %s%n",
            e.id(),
            e.family() == null ? "?" : e.family(),
            ConsoleDownloadListener.bytes(e.bytes()) + (e.partialBytes() > 0 ? "+" : ""),
            e.safetensors() ? "yes" : "no",
            revisions.isEmpty() ? "-" : revisions);
      }
    }
    if (available) {
      Set<String> cached =
          entries.stream().filter(Entry::safetensors).map(Entry::id).collect(Collectors.toSet());
      out.println();
      out.println(
          "bundled: "
              + String.join(", ", BundledAssets.ALIASES.keySet())
              + " (synthetic teaching models)");
      out.println("known to load (download with 'sinkscope download ID'):");
      for (CuratedModel m : CuratedModels.all()) {
        out.printf(
            Locale.ROOT,
            "  %-48s %-36s %9s%s%n",
            m.repoId(),
            m.title(),
            m.approxSizeLabel(),
            cached.contains(m.repoId()) ? "  cached" : "");
      }
    }
    out.flush();
    return 0;
  }
}
