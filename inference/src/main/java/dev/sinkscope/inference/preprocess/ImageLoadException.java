package dev.sinkscope.inference.preprocess;

/**
 * An image could not be decoded; the message names the source (file name or label) and the cause.
 */
public class ImageLoadException extends Exception {

  private final String sourceName;

  public ImageLoadException(String sourceName, String problem) {
    super(format(sourceName, problem));
    this.sourceName = sourceName;
  }

  public ImageLoadException(String sourceName, String problem, Throwable cause) {
    super(format(sourceName, problem) + describe(cause), cause);
    this.sourceName = sourceName;
  }

  /** The file name or label the image was read from. */
  public String sourceName() {
    return sourceName;
  }

  private static String format(String sourceName, String problem) {
    return "Cannot load image '" + sourceName + "': " + problem;
  }

  private static String describe(Throwable cause) {
    if (cause == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(" (");
    Throwable t = cause;
    for (int depth = 0; t != null && depth < 4; depth++, t = t.getCause()) {
      if (depth > 0) {
        sb.append("; caused by ");
      }
      sb.append(t.getClass().getSimpleName());
      if (t.getMessage() != null) {
        sb.append(": ").append(t.getMessage());
      }
    }
    return sb.append(')').toString();
  }
}
