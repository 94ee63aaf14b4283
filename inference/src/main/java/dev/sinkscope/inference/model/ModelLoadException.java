package dev.sinkscope.inference.model;

import java.nio.file.Path;

/**
 * A model folder that cannot be used. The message is for the user: it names the file and, where
 * there is one, the key, with what was expected and what was found.
 */
public final class ModelLoadException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  public ModelLoadException(Path file, String problem) {
    super(file + ": " + problem);
    this.file = file;
  }

  public ModelLoadException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
  }

  /** The file at fault. */
  public Path file() {
    return file;
  }
}
