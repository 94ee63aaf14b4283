package dev.sinkscope.app.cli;

import dev.sinkscope.inference.model.ModelLoadException;
import dev.sinkscope.inference.preprocess.ImageLoadException;
import dev.sinkscope.inference.preprocess.PreprocessConfigException;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import picocli.CommandLine;

/**
 * Turns failures into one clear line on stderr and exit code 2; a stack trace only with
 * {@code SINKSCOPE_DEBUG=1}.
 */
final class UserErrors implements CommandLine.IExecutionExceptionHandler {
  static final int EXIT_INPUT = 2;

  @Override
  public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    String message;
    if (e instanceof ModelLoadException) {
      message = "cannot open model: " + e.getMessage();
    } else if (e instanceof CancellationException) {
      message = "cancelled";
    } else if (e instanceof IOException || e instanceof IllegalArgumentException || e instanceof IllegalStateException
        || e instanceof ImageLoadException || e instanceof PreprocessConfigException) {
      message = e.getMessage() == null ? e.toString() : e.getMessage();
    } else {
      message = e.toString();
    }
    cl.getErr().println("sinkscope " + cl.getCommandName() + ": " + message);
    if ("1".equals(System.getenv("SINKSCOPE_DEBUG"))) {
      e.printStackTrace(cl.getErr());
    }
    return EXIT_INPUT;
  }
}
