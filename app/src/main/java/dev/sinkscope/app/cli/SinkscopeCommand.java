package dev.sinkscope.app.cli;

import dev.sinkscope.app.Version;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line: {@code java -jar sinkscope.jar <command> ...}. */
@Command(
    name = "sinkscope",
    mixinStandardHelpOptions = true,
    versionProvider = Version.Provider.class,
    description = "Visual debugger for attention sinks and high-norm artifact tokens in Vision Transformers.%n"
        + "Without a command, opens the desktop app.",
    subcommands = {AnalyzeCommand.class, CommandLine.HelpCommand.class})
public final class SinkscopeCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Runs the CLI and returns the exit code. */
  public static int execute(String... args) {
    return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new SinkscopeCommand());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(new UserErrors());
    return cl.execute(args);
  }
}
