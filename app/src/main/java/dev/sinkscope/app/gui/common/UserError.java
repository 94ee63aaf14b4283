package dev.sinkscope.app.gui.common;

import dev.sinkscope.inference.model.ModelLoadException;
import dev.sinkscope.inference.preprocess.ImageLoadException;
import dev.sinkscope.inference.preprocess.PreprocessConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.NoSuchFileException;

/**
 * A failure as the user sees it: a title, one or two sentences naming the file and the cause, and
 * the technical details (stack trace) that stay folded away unless asked for.
 *
 * @param title e.g. "Cannot open model"
 * @param message what went wrong, naming the file
 * @param details the exception chain, for the expandable part of the dialog
 */
public record UserError(String title, String message, String details) {

  /**
   * Describes {@code error}; {@code what} names the thing being worked on, e.g. "model
   * broken-model".
   */
  public static UserError of(Throwable error, String what) {
    String title;
    String message;
    if (error instanceof ModelLoadException) {
      title = "Cannot open model";
      message = "Could not open " + what + ": " + error.getMessage() + ".";
    } else if (error instanceof ImageLoadException) {
      title = "Cannot read image";
      message = error.getMessage() + ".";
    } else if (error instanceof PreprocessConfigException) {
      title = "Cannot read the model's preprocessing settings";
      message = error.getMessage();
    } else if (error instanceof NoSuchFileException) {
      title = "File not found";
      message = "No such file: " + error.getMessage();
    } else if (error instanceof IOException) {
      title = "Cannot read or write a file";
      message = error.getMessage() == null ? error.toString() : error.getMessage();
    } else if (error instanceof IllegalArgumentException
        || error instanceof IllegalStateException) {
      title = "Cannot run this setting";
      message = error.getMessage();
    } else if (error instanceof OutOfMemoryError) {
      title = "Out of memory";
      message = "The model or image is too large for the memory given to Java (-Xmx). " + what;
    } else {
      title = "Something went wrong";
      message = "While working on " + what + ": " + error;
    }
    return new UserError(title, message, stackTrace(error));
  }

  /** The same error with a sentence added to its message. */
  public UserError withNote(String note) {
    return new UserError(title, message + " " + note, details);
  }

  /** A problem that is the user's input, with no exception behind it. */
  public static UserError simple(String title, String message) {
    return new UserError(title, message, "");
  }

  public static String stackTrace(Throwable error) {
    StringWriter out = new StringWriter();
    error.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
