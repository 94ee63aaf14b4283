package dev.sinkscope.inference.report;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How a heatmap's colour range is chosen, as text: {@code min-max}, {@code percentile} (1-99) or
 * {@code percentile:LO:HI}, {@code log}, {@code fixed:LO:HI}. The renderer turns it into a scale.
 *
 * @param kind the method
 * @param low lower percentile or fixed value (NaN when unused)
 * @param high upper percentile or fixed value (NaN when unused)
 */
public record NormalizationSpec(Kind kind, double low, double high) {

  public enum Kind {
    MIN_MAX,
    PERCENTILE,
    LOG,
    FIXED
  }

  public static final NormalizationSpec MIN_MAX =
      new NormalizationSpec(Kind.MIN_MAX, Double.NaN, Double.NaN);

  public NormalizationSpec {
    if (kind == null) {
      throw new IllegalArgumentException("normalisation kind is required");
    }
    boolean ranged = kind == Kind.PERCENTILE || kind == Kind.FIXED;
    if (ranged && !(low < high)) {
      throw new IllegalArgumentException(
          "normalisation "
              + kind.name().toLowerCase(Locale.ROOT)
              + " needs LO < HI, got "
              + low
              + ", "
              + high);
    }
    if (kind == Kind.PERCENTILE && !(low >= 0 && high <= 100)) {
      throw new IllegalArgumentException(
          "percentiles must lie in 0..100, got " + low + ", " + high);
    }
    if (!ranged) {
      low = Double.NaN;
      high = Double.NaN;
    }
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static NormalizationSpec parse(String text) {
    String[] parts = text.trim().toLowerCase(Locale.ROOT).split(":");
    String usage = " (use min-max, percentile, percentile:LO:HI, log or fixed:LO:HI)";
    try {
      switch (parts[0]) {
        case "min-max", "minmax":
          if (parts.length == 1) {
            return MIN_MAX;
          }
          break;
        case "log":
          if (parts.length == 1) {
            return new NormalizationSpec(Kind.LOG, Double.NaN, Double.NaN);
          }
          break;
        case "percentile":
          if (parts.length == 1) {
            return new NormalizationSpec(Kind.PERCENTILE, 1, 99);
          }
          if (parts.length == 3) {
            return new NormalizationSpec(
                Kind.PERCENTILE, Double.parseDouble(parts[1]), Double.parseDouble(parts[2]));
          }
          break;
        case "fixed":
          if (parts.length == 3) {
            return new NormalizationSpec(
                Kind.FIXED, Double.parseDouble(parts[1]), Double.parseDouble(parts[2]));
          }
          break;
        default:
          break;
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad number in normalisation '" + text + "'" + usage);
    }
    throw new IllegalArgumentException("unknown normalisation '" + text + "'" + usage);
  }

  @JsonValue
  @Override
  public String toString() {
    return switch (kind) {
      case MIN_MAX -> "min-max";
      case LOG -> "log";
      case PERCENTILE -> "percentile:" + compact(low) + ":" + compact(high);
      case FIXED -> "fixed:" + compact(low) + ":" + compact(high);
    };
  }

  private static String compact(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
