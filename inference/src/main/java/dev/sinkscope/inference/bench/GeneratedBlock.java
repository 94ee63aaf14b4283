package dev.sinkscope.inference.bench;

/**
 * The part of {@code docs/benchmarks.md} a {@code bench} run writes: everything between {@link
 * #BEGIN} and {@link #END}. Text outside the markers (the hand-written sections) is kept as is.
 */
public final class GeneratedBlock {
  public static final String BEGIN =
      "<!-- bench:generated:begin (written by `bench --update-docs`; edit outside these markers) -->";
  public static final String END = "<!-- bench:generated:end -->";

  private GeneratedBlock() {}

  /**
   * {@code document} with the text between the markers replaced by {@code block}.
   *
   * @throws IllegalArgumentException when the markers are missing or out of order
   */
  public static String replace(String document, String block) {
    int begin = document.indexOf(BEGIN);
    int end = document.indexOf(END);
    if (begin < 0 || end < begin || document.indexOf(BEGIN, begin + 1) >= 0) {
      throw new IllegalArgumentException(
          "the document needs exactly one pair of markers '" + BEGIN + "' ... '" + END + "'");
    }
    String body = block.endsWith("\n") ? block : block + "\n";
    return document.substring(0, begin + BEGIN.length()) + "\n" + body + document.substring(end);
  }
}
