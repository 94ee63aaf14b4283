package dev.sinkscope.app.cli;

import dev.sinkscope.app.runtime.Version;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line: {@code java -jar sinkscope.jar <command> ...}. */
@Command(
    name = "sinkscope",
    mixinStandardHelpOptions = true,
    versionProvider = Version.Provider.class,
    description =
        "Visual debugger for attention sinks and high-norm artifact tokens in Vision Transformers.%n"
            + "Without a command, opens the desktop app. --model takes a folder, a hub id org/name[@revision] "
            + "(downloaded unless HF_HUB_OFFLINE=1) or the bundled phantom / phantom-registers.",
    subcommands = {
      AnalyzeCommand.class,
      CompareCommand.class,
      DiscoverNeuronsCommand.class,
      SweepCommand.class,
      MitigationsCommand.class,
      DownloadCommand.class,
      ModelsCommand.class,
      SaveSessionCommand.class,
      ReportCommand.class,
      BenchCommand.class,
      DenoiseCommand.class,
      DistillCommand.class,
      CommandLine.HelpCommand.class
    })
public final class SinkscopeCommand implements Runnable {
  /** Commands whose help ends with the list of mitigation SPECs. */
  private static final List<String> TAKE_MITIGATIONS =
      List.of("analyze", "compare", "sweep", "save-session");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final CliContext context;

  public SinkscopeCommand() {
    this(CliContext.fromEnvironment());
  }

  public SinkscopeCommand(CliContext context) {
    this.context = context;
  }

  CliContext context() {
    return context;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Runs the CLI and returns the exit code. */
  public static int execute(String... args) {
    return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    return execute(CliContext.fromEnvironment(), out, err, args);
  }

  /** Runs the CLI against {@code context} (tests pass their own hub and cache folders). */
  public static int execute(CliContext context, PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new SinkscopeCommand(context));
    cl.setOut(out);
    cl.setErr(err);
    UserErrors errors = new UserErrors();
    cl.setExecutionExceptionHandler(errors);
    cl.setParameterExceptionHandler(errors);
    String[] footer = MitigationCatalog.footer();
    for (String name : TAKE_MITIGATIONS) {
      CommandLine sub = cl.getSubcommands().get(name);
      if (sub != null) {
        sub.getCommandSpec().usageMessage().footer(footer);
      }
    }
    return cl.execute(args);
  }
}
