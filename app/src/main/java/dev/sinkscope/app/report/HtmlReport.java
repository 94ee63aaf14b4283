package dev.sinkscope.app.report;

import dev.sinkscope.inference.report.CompareMode;
import dev.sinkscope.inference.report.LayerComparison;
import dev.sinkscope.inference.report.LayerMetrics;
import dev.sinkscope.inference.report.Quantity;
import dev.sinkscope.inference.report.SessionFile;
import dev.sinkscope.inference.report.ViewSettings;
import dev.sinkscope.render.PngExport;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a report folder's {@code index.html}: one page that opens offline in any browser, with the
 * panels (the PNGs beside it, referenced by file name), a caption under each saying what it shows,
 * the metrics table (before/after or model A/B), the session's settings and the provenance of each
 * mitigation. Inline CSS, no script, no network. It only reads what the report already computed.
 */
public final class HtmlReport {
  public static final String INDEX_HTML = "index.html";

  private HtmlReport() {}

  /**
   * Writes {@code index.html} into {@code outDir} and returns its name.
   *
   * @param metrics what metrics.json holds
   * @param session the session the report renders
   * @param files the files already written into {@code outDir}, in order (PNGs become panels)
   */
  public static String write(
      Path outDir, SessionReport.Metrics metrics, SessionFile session, List<String> files)
      throws IOException {
    try (Writer w = Pictures.newWriter(outDir.resolve(INDEX_HTML))) {
      w.write(page(outDir, metrics, session, files));
    }
    return INDEX_HTML;
  }

  static String page(
      Path outDir, SessionReport.Metrics metrics, SessionFile session, List<String> files)
      throws IOException {
    Html h = new Html();
    String title =
        "Sinkscope report: " + metrics.model().argument() + " on " + metrics.input().file();
    h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .raw("<title>")
        .text(title)
        .raw("</title>\n<style>\n")
        .raw(CSS)
        .raw("</style>\n</head>\n<body>\n");
    h.raw("<h1>").text(title).raw("</h1>\n");
    h.raw("<p class=\"lead\">").text(lead(metrics, session)).raw("</p>\n");

    settings(h, metrics, session);
    mitigations(h, metrics);
    panels(h, outDir, metrics, session, files);
    blockTable(h, metrics);
    allBlocks(h, metrics);

    h.raw("<footer><p>Files in this folder: ");
    for (String f : files) {
      if (!f.endsWith(".png")) {
        h.raw("<a href=\"").attr(f).raw("\">").text(f).raw("</a> ");
      }
    }
    h.raw(
        "</p><p>Written by Sinkscope. Reopen the session in the app with File &gt; Open session…, or render it "
            + "again with <code>sinkscope report --session session.json</code>.</p></footer>\n");
    h.raw("</body>\n</html>\n");
    return h.toString();
  }

  private static String lead(SessionReport.Metrics m, SessionFile session) {
    String compare =
        switch (session.compare()) {
          case BEFORE_AFTER ->
              " It compares the pass without mitigations (before) with the pass with them (after).";
          case OTHER_MODEL -> " It compares model A with model B on the same photo.";
          default -> "";
        };
    return "What "
        + m.model().argument()
        + " ("
        + m.model().blocks()
        + " blocks, "
        + m.model().heads()
        + " heads) does with the photo "
        + m.input().file()
        + ", shown at block "
        + m.block()
        + "."
        + compare;
  }

  private static void settings(Html h, SessionReport.Metrics m, SessionFile session) {
    ViewSettings v = m.view();
    h.raw("<section id=\"settings\">\n<h2>Session settings</h2>\n<table class=\"kv\">\n");
    Described.ModelInfo model = m.model();
    row(h, "Model", modelText(model));
    row(
        h,
        "Photo",
        m.input().file()
            + " (SHA-256 "
            + m.input().sha256()
            + "), model input "
            + m.input().width()
            + " × "
            + m.input().height()
            + " px, "
            + m.input().gridRows()
            + " × "
            + m.input().gridCols()
            + " patches");
    row(h, "Block shown", m.block() + " of " + model.blocks() + " (counted from 1)");
    row(
        h,
        "Head",
        v.quantity().perHead() ? v.head().toString() : "n/a for " + v.quantity().label());
    row(h, "Quantity", v.quantity().label());
    row(h, "Colormap", v.colormap());
    row(h, "Colour range", v.normalization().toString());
    if (v.patch() != null) {
      row(h, "Selected patch", v.patch().toString());
    }
    row(
        h,
        "Comparison",
        switch (session.compare()) {
          case BEFORE_AFTER -> "before / after the mitigations";
          case OTHER_MODEL -> "model A against model B";
          default -> "none";
        });
    if (m.modelB() != null) {
      row(h, "Model B", modelText(m.modelB()));
    }
    h.raw("</table>\n</section>\n");
  }

  private static String modelText(Described.ModelInfo model) {
    StringBuilder b = new StringBuilder(model.argument()).append(" (").append(model.source());
    if (model.id() != null && !model.id().equals(model.argument())) {
      b.append(' ').append(model.id());
    }
    if (model.revision() != null) {
      b.append(" @ ").append(model.revision());
    }
    return b.append("): ").append(model.summary()).toString();
  }

  private static void mitigations(Html h, SessionReport.Metrics m) {
    h.raw("<section id=\"mitigations\">\n<h2>Mitigations</h2>\n");
    if (m.mitigations().isEmpty()) {
      h.raw("<p>None: every picture shows the model as it is.</p>\n");
    } else {
      h.raw(
          "<table class=\"grid\">\n<thead><tr><th>SPEC</th><th>provenance</th><th>what it does</th></tr></thead>\n"
              + "<tbody>\n");
      for (Described.MitigationInfo mi : m.mitigations()) {
        h.raw("<tr><td><code>")
            .text(mi.spec())
            .raw("</code></td><td class=\"prov\" data-provenance=\"")
            .attr(mi.provenance())
            .raw("\">")
            .text(mi.provenanceLabel())
            .raw("</td><td>")
            .text(mi.description())
            .raw("</td></tr>\n");
      }
      h.raw("</tbody>\n</table>\n");
    }
    h.raw("</section>\n");
  }

  private static void panels(
      Html h, Path outDir, SessionReport.Metrics m, SessionFile session, List<String> files)
      throws IOException {
    h.raw("<section id=\"panels\">\n<h2>Pictures</h2>\n");
    for (String f : files) {
      if (!f.endsWith(".png")) {
        continue;
      }
      Map<String, String> meta = PngExport.readMetadata(outDir.resolve(f));
      String caption = caption(f, m, session);
      if (String.valueOf(meta.get("Quantity")).startsWith("pooling-probe")) {
        // a model without CLS (SigLIP): its attention-pooling probe takes the CLS row's place
        caption =
            caption.replace(
                "CLS attention: where the CLS token, which builds the image summary, looks",
                "Pooling-probe attention: where the attention-pooling head's probe query (this model has no CLS token),"
                    + " which builds the image summary, looks");
      }
      h.raw("<figure><img src=\"")
          .attr(f)
          .raw("\" alt=\"")
          .attr(caption)
          .raw("\">\n<figcaption>")
          .raw("<strong>")
          .text(f)
          .raw("</strong>: ")
          .text(caption);
      String description = meta.get("Description");
      if (description != null) {
        h.raw(" <span class=\"note\">").text(description).raw("</span>");
      }
      String layer = meta.get("Layer");
      String head = meta.get("Head");
      if (layer != null) {
        h.raw(" <span class=\"meta\">Block ")
            .text(layer)
            .raw(head == null || head.equals("n/a") ? "" : "; head " + Html.escape(head))
            .raw(".</span>");
      }
      h.raw("</figcaption></figure>\n");
    }
    h.raw("</section>\n");
  }

  /** What a panel shows, in words a newcomer can follow. */
  static String caption(String file, SessionReport.Metrics m, SessionFile session) {
    boolean modelB = file.startsWith(SessionReport.MODEL_B_PREFIX);
    String name = modelB ? file.substring(SessionReport.MODEL_B_PREFIX.length()) : file;
    String who = modelB ? "Model B (" + m.modelB().argument() + "), without mitigations: " : "";
    if (name.equals(SessionReport.COMPARE_PNG)) {
      String q = m.view().quantity().label();
      return session.compare() == CompareMode.OTHER_MODEL
          ? "Model A (left) and model B (middle) on one colour scale, and B minus A (right, blue = lower in B), of the "
              + q
              + "."
          : "The "
              + q
              + " without the mitigations (left), with them (middle), on one colour scale, and after minus "
              + "before (right, blue = lower after).";
    }
    List<LayerMetrics> rows = modelB ? m.layersB() : m.layers();
    int block = modelB ? Math.min(m.block(), rows.size()) : m.block();
    LayerMetrics at = rows.get(block - 1);
    String what;
    if (name.equals(SessionReport.NORM_PNG)) {
      what =
          "The length (L2 norm) of each patch token's vector. High-norm artifact tokens are the few patches far "
              + "longer than the rest, ringed in red: "
              + at.artifactCount()
              + " at this block (longest / median "
              + number(at.maxOverMedian())
              + ").";
    } else if (name.equals(SessionReport.RECEIVED_PNG)) {
      what =
          "Attention received: how much attention each patch gets from all the tokens, averaged over the queries. "
              + "Attention sinks are marked with yellow double rings; the artifact patches take "
              + percent(at.sinkMassOnArtifacts())
              + " of the attention at this block.";
    } else if (name.equals(SessionReport.CLS_PNG)) {
      what =
          "CLS attention: where the CLS token, which builds the image summary, looks; it sends "
              + percent(at.clsCaptureOnArtifacts())
              + " of its attention to the artifact patches at this block.";
    } else {
      what = "The session's own quantity, " + quantityOf(name) + ".";
    }
    return who + what;
  }

  private static String quantityOf(String file) {
    for (Quantity q : Quantity.values()) {
      if (SessionReport.panelName(q).equals(file)) {
        return q.label();
      }
    }
    return file;
  }

  private static void blockTable(Html h, SessionReport.Metrics m) {
    int block = m.block();
    h.raw("<section id=\"metrics\">\n<h2>Metrics at block ")
        .text(Integer.toString(block))
        .raw("</h2>\n");
    LayerComparison c =
        m.comparisonB() != null
            ? m.comparisonB().get(block - 1)
            : m.comparison() != null ? m.comparison().get(block - 1) : null;
    boolean ab = m.comparisonB() != null;
    h.raw(
        "<p>Hover a metric's name for what it means; definitions, formulas and the value that means "
            + "\"no artifact\" are also listed under the table.</p>\n");
    h.raw("<table class=\"grid\" id=\"block-metrics\" data-block=\"")
        .text(Integer.toString(block))
        .raw("\">\n<thead><tr>" + "<th>metric</th>");
    if (c == null) {
      h.raw("<th>value</th>");
    } else {
      h.raw(
          ab
              ? "<th>model A</th><th>model B</th><th>Δ (B − A)</th>"
              : "<th>before</th><th>after</th><th>Δ (after − before)</th>");
    }
    h.raw("</tr></thead>\n<tbody>\n");
    LayerMetrics only = c == null ? m.layers().get(block - 1) : null;
    for (LayerMetrics.Column col : LayerMetrics.COLUMNS) {
      if (col.name().equals("block")) {
        continue;
      }
      h.raw("<tr data-key=\"").attr(col.name()).raw("\"><th scope=\"row\"");
      MetricHelp.byKey(col.name())
          .ifPresent(e -> h.raw(" title=\"").attr(e.definition()).raw("\""));
      h.raw(">").text(col.name()).raw("</th>");
      if (c == null) {
        cell(h, col.value().apply(only), "value");
      } else {
        cell(h, col.value().apply(c.before()), "before");
        cell(h, col.value().apply(c.after()), "after");
        if (col.numeric()) {
          cell(h, c.delta().get(col.name()), "delta");
        } else {
          h.raw("<td class=\"delta\"></td>");
        }
      }
      h.raw("</tr>\n");
    }
    h.raw("</tbody>\n</table>\n");
    h.raw("<dl class=\"help\">\n");
    for (LayerMetrics.Column col : LayerMetrics.COLUMNS) {
      MetricHelp.byKey(col.name())
          .ifPresent(
              e ->
                  h.raw("<dt>")
                      .text(col.name())
                      .raw(" — ")
                      .text(e.name())
                      .raw("</dt><dd>")
                      .text(e.definition())
                      .raw("<br>Formula: <code>")
                      .text(e.formula())
                      .raw("</code><br>No artifact: ")
                      .text(e.noArtifact())
                      .raw("<br>Method: ")
                      .text(e.method())
                      .raw("</dd>\n"));
    }
    h.raw("</dl>\n</section>\n");
  }

  private static void allBlocks(Html h, SessionReport.Metrics m) {
    h.raw("<section id=\"all-blocks\">\n<h2>Every block")
        .text(m.mitigations().isEmpty() ? "" : ", with the mitigations")
        .raw("</h2>\n<div class=\"scroll\">\n")
        .raw("<table class=\"grid\" id=\"layer-metrics\">\n<thead><tr>");
    for (LayerMetrics.Column col : LayerMetrics.COLUMNS) {
      h.raw("<th>").text(col.name()).raw("</th>");
    }
    h.raw("</tr></thead>\n<tbody>\n");
    for (LayerMetrics row : m.layers()) {
      h.raw(row.block() == m.block() ? "<tr class=\"shown\">" : "<tr>");
      for (LayerMetrics.Column col : LayerMetrics.COLUMNS) {
        cell(h, col.value().apply(row), col.name());
      }
      h.raw("</tr>\n");
    }
    h.raw("</tbody>\n</table>\n</div>\n</section>\n");
  }

  /**
   * A value cell: numbers shown with four significant digits, the exact value (as metrics.json
   * writes it) in {@code data-value}; a missing value is an empty cell with a dash.
   */
  private static void cell(Html h, Object value, String cssClass) {
    h.raw("<td class=\"").attr(cssClass).raw("\"");
    if (value == null) {
      h.raw(" data-missing=\"true\">–</td>");
      return;
    }
    h.raw(" data-value=\"").attr(value.toString()).raw("\">").text(display(value)).raw("</td>");
  }

  private static String number(Double v) {
    return v == null ? "n/a" : String.format(Locale.ROOT, "%.3g", v);
  }

  private static String percent(Double v) {
    return v == null ? "n/a" : String.format(Locale.ROOT, "%.1f %%", 100 * v);
  }

  /** How a value reads in the table. */
  public static String display(Object value) {
    if (value instanceof Double d) {
      return String.format(Locale.ROOT, "%.4g", d);
    }
    return value.toString();
  }

  private static void row(Html h, String key, String value) {
    h.raw("<tr><th scope=\"row\">").text(key).raw("</th><td>").text(value).raw("</td></tr>\n");
  }

  private static final String CSS =
      """
      body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 72em;
        padding: 0 1em; color: #1d1d1f; background: #fff; line-height: 1.45; }
      h1 { font-size: 1.6em; margin-bottom: 0.2em; }
      h2 { font-size: 1.25em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 1.8em; }
      .lead { color: #444; }
      table { border-collapse: collapse; margin: 0.6em 0; }
      th, td { padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
      table.grid th, table.grid td { border: 1px solid #ddd; }
      table.grid td[data-value] { text-align: right; font-variant-numeric: tabular-nums; }
      table.grid thead th { background: #f3f3f3; }
      table.kv th { color: #555; font-weight: 600; white-space: nowrap; }
      tr.shown { background: #fff6d6; }
      .scroll { overflow-x: auto; }
      #layer-metrics { font-size: 0.85em; }
      figure { margin: 1.2em 0; }
      figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
      figcaption { color: #333; margin-top: 0.3em; }
      figcaption .note, figcaption .meta { color: #666; }
      td.prov { white-space: nowrap; }
      dl.help dt { font-weight: 600; margin-top: 0.6em; }
      dl.help dd { margin-left: 1.2em; color: #333; }
      code { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: 0.92em; }
      footer { margin-top: 2.5em; color: #666; font-size: 0.9em; }
      @media (prefers-color-scheme: dark) {
        body { background: #1c1c1e; color: #eee; } .lead, figcaption, dl.help dd { color: #ccc; }
        table.grid thead th { background: #2c2c2e; } tr.shown { background: #3a3320; }
        table.grid th, table.grid td { border-color: #444; } a { color: #8ab4f8; }
      }
      """;

  /** A tiny HTML builder that escapes text and attribute values. */
  static final class Html {
    private final StringBuilder b = new StringBuilder();

    Html raw(String s) {
      b.append(s);
      return this;
    }

    Html text(String s) {
      b.append(escape(s));
      return this;
    }

    Html attr(String s) {
      b.append(escape(s));
      return this;
    }

    static String escape(String s) {
      if (s == null) {
        return "";
      }
      StringBuilder out = new StringBuilder(s.length());
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '&' -> out.append("&amp;");
          case '<' -> out.append("&lt;");
          case '>' -> out.append("&gt;");
          case '"' -> out.append("&quot;");
          case '\'' -> out.append("&#39;");
          default -> out.append(c);
        }
      }
      return out.toString();
    }

    @Override
    public String toString() {
      return b.toString();
    }
  }
}
