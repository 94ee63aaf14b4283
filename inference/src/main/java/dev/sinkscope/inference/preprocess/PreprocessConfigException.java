package dev.sinkscope.inference.preprocess;

/** A preprocessing config is missing, unreadable or holds a value this module cannot follow. */
public class PreprocessConfigException extends Exception {

  public PreprocessConfigException(String message) {
    super(message);
  }

  public PreprocessConfigException(String message, Throwable cause) {
    super(message, cause);
  }

  static PreprocessConfigException forKey(String file, String key, String problem) {
    return new PreprocessConfigException(file + ": key '" + key + "': " + problem);
  }
}
