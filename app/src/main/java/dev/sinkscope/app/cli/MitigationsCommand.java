package dev.sinkscope.app.cli;

import dev.sinkscope.inference.mitigation.Mitigation;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mitigations}: every SPEC form with its provenance and what it does. */
@Command(
    name = "mitigations",
    mixinStandardHelpOptions = true,
    description =
        "List the mitigation SPECs, each saying whether it is exact, a reference-code reproduction, a "
            + "proposal beyond the reference, or an inference-time substitution.")
final class MitigationsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    for (MitigationCatalog.Entry e : MitigationCatalog.ENTRIES) {
      Mitigation m = e.parsed();
      out.println(e.syntax());
      out.println("  provenance:  " + m.provenance().label());
      out.println("  example:     " + e.example());
      out.println("  description: " + m.description());
      out.println();
    }
    out.println(
        "layers= are 0-based blocks (N, A-B or all); heads= are 0-based, separated by ';'.");
    out.println(
        "ttr without neurons= takes --neurons, else the model folder's ttr.json or phantom.json.");
    out.flush();
    return 0;
  }
}
