package dev.sinkscope.app.gui.lessons;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Fills a step's placeholders with the run's values and picks its conditional paragraphs. */
public final class LessonText {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z][A-Za-z0-9]*)}");
  private static final Pattern COMPARISON =
      Pattern.compile("\\s*(\\S+)\\s*(>=|<=|==|!=|>|<)\\s*(\\S+)\\s*");

  /** What an unknown placeholder becomes, so a typo in a lesson file shows instead of vanishing. */
  public static final String UNKNOWN = "[?]";

  private LessonText() {}

  /** The paragraphs to show, filled in. */
  public static List<String> paragraphs(
      Lesson.Step step, Map<String, String> values, Set<String> features) {
    List<String> out = new ArrayList<>();
    for (Lesson.Paragraph p : step.text()) {
      String chosen =
          p.when() == null || holds(p.when(), values, features) ? p.text() : p.otherwise();
      if (chosen != null && !chosen.isBlank()) {
        out.add(fill(chosen, values));
      }
    }
    return out;
  }

  /**
   * {@code text} with every {@code {name}} replaced by its value ({@link #UNKNOWN} when there is
   * none).
   */
  public static String fill(String text, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String v = values.get(m.group(1));
      m.appendReplacement(b, Matcher.quoteReplacement(v == null ? UNKNOWN : v));
    }
    m.appendTail(b);
    return b.toString();
  }

  /** The placeholder names a text uses. */
  public static Set<String> placeholders(String text) {
    Set<String> names = new java.util.LinkedHashSet<>();
    Matcher m = PLACEHOLDER.matcher(text == null ? "" : text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /**
   * Whether a condition holds: {@code feature:NAME}, or {@code A OP B} where A and B are numbers or
   * placeholders. A side that is not a number (e.g. "none") makes a comparison false, except {@code
   * !=}.
   */
  public static boolean holds(String condition, Map<String, String> values, Set<String> features) {
    String c = condition.strip();
    if (c.startsWith("feature:")) {
      return features.contains(c.substring("feature:".length()).strip());
    }
    Matcher m = COMPARISON.matcher(c);
    if (!m.matches()) {
      throw new IllegalArgumentException("cannot read the condition \"" + condition + "\"");
    }
    Double a = number(fill(m.group(1), values));
    Double b = number(fill(m.group(3), values));
    String op = m.group(2);
    if (a == null || b == null) {
      return op.equals("!=") && !fill(m.group(1), values).equals(fill(m.group(3), values));
    }
    return switch (op) {
      case ">" -> a > b;
      case ">=" -> a >= b;
      case "<" -> a < b;
      case "<=" -> a <= b;
      case "==" -> a.doubleValue() == b.doubleValue();
      default -> a.doubleValue() != b.doubleValue();
    };
  }

  /** "12.5 %" → 12.5, "3.1×" → 3.1, "none" → null. */
  static Double number(String text) {
    String t = text.strip().replace("%", "").replace("×", "").replace(",", "").strip();
    try {
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
