package dev.sinkscope.app.cli;

import dev.sinkscope.inference.hub.HubException;
import dev.sinkscope.inference.model.ModelLoadException;
import dev.sinkscope.inference.preprocess.ImageLoadException;
import dev.sinkscope.inference.preprocess.PreprocessConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CancellationException;
import picocli.CommandLine;

/**
 * Turns failures into one clear line on stderr and exit code 2; a stack trace only with {@code
 * SINKSCOPE_DEBUG=1}. Also answers command-line mistakes (unknown option, missing value) with one
 * line instead of the whole usage text.
 */
final class UserErrors
    implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
  static final int EXIT_INPUT = 2;

  @Override
  public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
    String message;
    if (cause instanceof java.nio.file.NoSuchFileException) {
      message = "no such file: " + cause.getMessage();
    } else if (cause instanceof ModelLoadException) {
      message = "cannot open model: " + cause.getMessage();
    } else if (cause instanceof CancellationException) {
      message = "cancelled";
    } else if (cause instanceof IOException
        || cause instanceof IllegalArgumentException
        || cause instanceof IllegalStateException
        || cause instanceof ImageLoadException
        || cause instanceof PreprocessConfigException
        || cause instanceof HubException) {
      message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    } else {
      message = cause.toString();
    }
    cl.getErr().println(prefix(cl) + oneLine(message));
    if ("1".equals(System.getenv("SINKSCOPE_DEBUG"))) {
      e.printStackTrace(cl.getErr());
    }
    cl.getErr().flush();
    return EXIT_INPUT;
  }

  @Override
  public int handleParseException(CommandLine.ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    String help =
        cl.getParent() == null ? "sinkscope --help" : "sinkscope help " + cl.getCommandName();
    cl.getErr().println(prefix(cl) + oneLine(e.getMessage()) + " (see '" + help + "')");
    cl.getErr().flush();
    return EXIT_INPUT;
  }

  private static String prefix(CommandLine cl) {
    return cl.getParent() == null ? "sinkscope: " : "sinkscope " + cl.getCommandName() + ": ";
  }

  private static String oneLine(String message) {
    return message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }
}
