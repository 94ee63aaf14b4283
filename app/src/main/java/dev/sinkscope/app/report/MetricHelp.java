package dev.sinkscope.app.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The catalogue that explains every number Sinkscope shows ({@code metric-help.json}): definition,
 * formula, the value that means "no artifact", and the method it comes from. The app's "?" marks
 * and the HTML report read it; one data file, so the wording lives in one place.
 */
public final class MetricHelp {
  private static final String RESOURCE = "metric-help.json";
  private static final List<Entry> ENTRIES = load();

  private MetricHelp() {}

  /**
   * One explained number.
   *
   * @param key the metric column name where there is one (as in metrics.json), else a stable name
   * @param name its name in words
   * @param labels lower-case beginnings of the names the app shows for it
   * @param definition what it measures
   * @param formula how it is computed
   * @param noArtifact the value that means "no artifact"
   * @param method the method or paper it comes from
   */
  public record Entry(
      String key,
      String name,
      List<String> labels,
      String definition,
      String formula,
      String noArtifact,
      String method) {

    /** The whole explanation as plain text, e.g. for a tooltip. */
    public String text() {
      return name
          + "\n\n"
          + definition
          + "\n\nFormula: "
          + formula
          + "\nNo artifact: "
          + noArtifact
          + "\nMethod: "
          + method;
    }
  }

  private record Catalogue(String about, List<Entry> metrics) {}

  public static List<Entry> all() {
    return ENTRIES;
  }

  /** The entry with this key (a metrics.json column name such as {@code maxOverMedian}). */
  public static Optional<Entry> byKey(String key) {
    return ENTRIES.stream().filter(e -> e.key().equals(key)).findFirst();
  }

  /**
   * The entry for a name as the app shows it, e.g. "Max / median patch norm (block 6)": the entry
   * with the longest label that begins the name (case ignored).
   */
  public static Optional<Entry> forLabel(String shownName) {
    String name = shownName.toLowerCase(Locale.ROOT).strip();
    Entry best = null;
    int bestLength = -1;
    for (Entry e : ENTRIES) {
      for (String label : e.labels()) {
        if (name.startsWith(label) && label.length() > bestLength) {
          best = e;
          bestLength = label.length();
        }
      }
    }
    return Optional.ofNullable(best);
  }

  private static List<Entry> load() {
    try (InputStream in = MetricHelp.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the build");
      }
      return List.copyOf(
          new ObjectMapper()
              .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
              .readValue(in, Catalogue.class)
              .metrics());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
