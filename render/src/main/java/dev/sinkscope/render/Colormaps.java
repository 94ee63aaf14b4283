package dev.sinkscope.render;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The built-in colormaps. The perceptually uniform ones (viridis, magma, inferno, plasma, cividis)
 * and turbo are matplotlib's published 256-entry tables; coolwarm and RdBu are matplotlib's segment
 * definitions sampled at 256 points. All are stored as data under {@code
 * resources/dev/sinkscope/render/colormaps/}, one {@code r,g,b} line per entry.
 */
public final class Colormaps {

  private static final String RESOURCE_DIR = "colormaps/";
  private static final int TABLE_SIZE = 256;

  public static final Colormap VIRIDIS = load("viridis", Colormap.Kind.SEQUENTIAL);
  public static final Colormap MAGMA = load("magma", Colormap.Kind.SEQUENTIAL);
  public static final Colormap INFERNO = load("inferno", Colormap.Kind.SEQUENTIAL);
  public static final Colormap PLASMA = load("plasma", Colormap.Kind.SEQUENTIAL);
  public static final Colormap CIVIDIS = load("cividis", Colormap.Kind.SEQUENTIAL);

  /** Not perceptually uniform; offered because many papers use it, not as a default. */
  public static final Colormap TURBO = load("turbo", Colormap.Kind.SEQUENTIAL);

  public static final Colormap GRAY = gray();
  public static final Colormap COOLWARM = load("coolwarm", Colormap.Kind.DIVERGING);

  /** Red for negative, blue for positive (ColorBrewer order). */
  public static final Colormap RDBU = load("RdBu", Colormap.Kind.DIVERGING);

  private static final Map<String, Colormap> BY_NAME =
      index(VIRIDIS, MAGMA, INFERNO, PLASMA, CIVIDIS, TURBO, GRAY, COOLWARM, RDBU);

  private Colormaps() {}

  /** Names of the built-in colormaps, in a stable order for menus. */
  public static List<String> names() {
    return BY_NAME.values().stream().map(Colormap::name).toList();
  }

  public static List<Colormap> all() {
    return List.copyOf(BY_NAME.values());
  }

  /**
   * Looks a colormap up by name, ignoring case; a {@code _r} suffix gives the reversed map.
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static Colormap byName(String name) {
    String key = name.toLowerCase(Locale.ROOT);
    boolean reversed = key.endsWith("_r");
    Colormap map = BY_NAME.get(reversed ? key.substring(0, key.length() - 2) : key);
    if (map == null) {
      throw new IllegalArgumentException("unknown colormap '" + name + "', known: " + names());
    }
    return reversed ? map.reversed() : map;
  }

  private static Map<String, Colormap> index(Colormap... maps) {
    Map<String, Colormap> byName = new LinkedHashMap<>();
    for (Colormap map : maps) {
      byName.put(map.name().toLowerCase(Locale.ROOT), map);
    }
    return Collections.unmodifiableMap(byName);
  }

  private static Colormap gray() {
    double[][] rgb = new double[TABLE_SIZE][];
    for (int i = 0; i < TABLE_SIZE; i++) {
      double v = i / (double) (TABLE_SIZE - 1);
      rgb[i] = new double[] {v, v, v};
    }
    return Colormap.fromRgb("gray", Colormap.Kind.SEQUENTIAL, rgb);
  }

  static Colormap load(String name, Colormap.Kind kind) {
    String resource = RESOURCE_DIR + name + ".csv";
    try (InputStream in = Colormaps.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("colormap table missing from the classpath: " + resource);
      }
      return Colormap.fromRgb(name, kind, parseTable(name, in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read colormap table " + resource, e);
    }
  }

  private static double[][] parseTable(String name, InputStream in) throws IOException {
    List<double[]> rows = new ArrayList<>(TABLE_SIZE);
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String line;
    int lineNumber = 0;
    while ((line = reader.readLine()) != null) {
      lineNumber++;
      line = line.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split(",");
      if (parts.length != 3) {
        throw new IllegalStateException(
            name + " line " + lineNumber + ": expected r,g,b, got " + line);
      }
      rows.add(
          new double[] {
            Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), Double.parseDouble(parts[2])
          });
    }
    if (rows.size() != TABLE_SIZE) {
      throw new IllegalStateException(
          name + " has " + rows.size() + " entries, expected " + TABLE_SIZE);
    }
    return rows.toArray(new double[0][]);
  }
}
