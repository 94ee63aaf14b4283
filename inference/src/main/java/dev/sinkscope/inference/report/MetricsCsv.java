package dev.sinkscope.inference.report;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * CSV for metric rows: comma-separated, a header line, {@code \n} line ends, numbers as Java prints
 * doubles ({@code 0.25}, {@code 1.0E-5}), empty fields for missing values, text quoted only when it
 * holds a comma, quote or line break.
 */
public final class MetricsCsv {
  private MetricsCsv() {}

  /** One row per block, columns {@link LayerMetrics#COLUMNS}. */
  public static void writeLayers(Writer out, List<LayerMetrics> rows) throws IOException {
    List<Object> header = new ArrayList<>();
    LayerMetrics.COLUMNS.forEach(c -> header.add(c.name()));
    out.write(line(header));
    for (LayerMetrics row : rows) {
      List<Object> fields = new ArrayList<>();
      LayerMetrics.COLUMNS.forEach(c -> fields.add(c.value().apply(row)));
      out.write(line(fields));
    }
  }

  /**
   * One row per block: {@code block}, then for each other column {@code NAME_before}, {@code
   * NAME_after} and, for numeric columns, {@code NAME_delta}.
   */
  public static void writeComparison(Writer out, List<LayerComparison> rows) throws IOException {
    List<Object> header = new ArrayList<>();
    header.add("block");
    for (LayerMetrics.Column c : LayerMetrics.COLUMNS) {
      if (!c.name().equals("block")) {
        header.add(c.name() + "_before");
        header.add(c.name() + "_after");
        if (c.numeric()) {
          header.add(c.name() + "_delta");
        }
      }
    }
    out.write(line(header));
    for (LayerComparison row : rows) {
      List<Object> fields = new ArrayList<>();
      fields.add(row.block());
      for (LayerMetrics.Column c : LayerMetrics.COLUMNS) {
        if (!c.name().equals("block")) {
          fields.add(c.value().apply(row.before()));
          fields.add(c.value().apply(row.after()));
          if (c.numeric()) {
            fields.add(row.delta().get(c.name()));
          }
        }
      }
      out.write(line(fields));
    }
  }

  /** One CSV line, ending with {@code \n}. */
  public static String line(List<?> fields) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(field(fields.get(i)));
    }
    return b.append('\n').toString();
  }

  static String field(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof Double d && !Double.isFinite(d)) {
      return "";
    }
    String text = value.toString();
    if (text.indexOf(',') >= 0
        || text.indexOf('"') >= 0
        || text.indexOf('\n') >= 0
        || text.indexOf('\r') >= 0) {
      return '"' + text.replace("\"", "\"\"") + '"';
    }
    return text;
  }
}
