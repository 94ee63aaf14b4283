package dev.sinkscope.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.app.report.HtmlReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's index.html: self-contained, every picture present, and the tables equal to
 * metrics.json.
 */
class HtmlReportTest {
  private static final Pattern EXTERNAL =
      Pattern.compile("(?i)(https?:|ftp:|//|file:|data:|javascript:)");

  @TempDir Path tmp;
  private Cli cli;
  private Path photo;
  private Path session;

  @BeforeEach
  void photoNextToTheSession() throws Exception {
    cli = Cli.offline(tmp);
    Path work = Files.createDirectories(tmp.resolve("work"));
    photo = Files.copy(Cli.PHOTOS.resolve("rocket.jpg"), work.resolve("rocket.jpg"));
    session = work.resolve("session.json");
  }

  @Test
  void beforeAfterPageShowsEveryPanelSettingsProvenanceAndTheMetrics() throws Exception {
    cli.run(
            "save-session",
            "--model",
            "phantom",
            "--image",
            photo,
            "--mitigation",
            "ttr",
            "--layer",
            "6",
            "--quantity",
            "rollout",
            "--out",
            session)
        .assertOk();
    Path out = tmp.resolve("report");
    cli.run("report", "--session", session, "--out", out, "--device", "cpu").assertOk();

    Document page = Jsoup.parse(out.resolve(HtmlReport.INDEX_HTML).toFile(), "UTF-8");
    JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());

    List<String> images = everyImageExistsBeside(page, out);
    assertEquals(
        List.of(
            "norm.png",
            "attention-received.png",
            "cls-attention.png",
            "rollout.png",
            "compare.png"),
        images,
        "one figure per panel the report wrote, in its order");
    for (Element figure : page.select("figure")) {
      assertTrue(
          figure.selectFirst("figcaption").text().length() > 60,
          "a caption that says what it shows: " + figure.text());
    }
    assertTrue(page.select("figure").get(4).text().contains("without the mitigations (left)"));
    assertTrue(
        page.select("figure")
            .get(0)
            .text()
            .contains(
                "ringed in red: "
                    + metrics.at("/layers/5/artifactCount").asInt()
                    + " at this block"),
        "the caption gives the run's count");
    nothingExternal(page, out);

    String settings = page.getElementById("settings").text();
    assertTrue(settings.contains("phantom"), settings);
    assertTrue(settings.contains("rocket.jpg"), settings);
    assertTrue(settings.contains(metrics.at("/input/sha256").asText()), "the photo's hash");
    assertTrue(settings.contains("6 of 8"), settings);
    assertTrue(settings.contains("before / after"), settings);
    Element mitigation = page.select("#mitigations tbody tr").first();
    assertEquals("ttr:registers=1", mitigation.child(0).text());
    assertEquals(metrics.at("/mitigations/0/provenanceLabel").asText(), mitigation.child(1).text());
    assertEquals(
        metrics.at("/mitigations/0/provenance").asText(),
        mitigation.child(1).attr("data-provenance"));

    JsonNode shown = metrics.get("comparison").get(5);
    assertEquals(6, shown.get("block").asInt());
    blockTableEquals(page, shown.get("before"), shown.get("after"), shown.get("delta"));
    everyBlockTableEquals(page, metrics.get("layers"));
  }

  @Test
  void modelAbPageComparesModelAWithModelB() throws Exception {
    cli.run(
            "save-session",
            "--model",
            "phantom",
            "--model-b",
            "phantom-registers",
            "--image",
            photo,
            "--quantity",
            "attention-received",
            "--layer",
            "7",
            "--out",
            session)
        .assertOk();
    Path out = tmp.resolve("report");
    cli.run("report", "--session", session, "--out", out, "--device", "cpu").assertOk();

    Document page = Jsoup.parse(out.resolve(HtmlReport.INDEX_HTML).toFile(), "UTF-8");
    JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());

    List<String> images = everyImageExistsBeside(page, out);
    assertTrue(images.containsAll(List.of("b-norm.png", "compare.png")), images.toString());
    nothingExternal(page, out);
    assertEquals(
        List.of("metric", "model A", "model B", "Δ (B − A)"),
        page.select("#block-metrics thead th").eachText());
    assertTrue(page.getElementById("settings").text().contains("phantom-registers"));
    assertTrue(page.getElementById("mitigations").text().contains("None"));
    JsonNode shown = metrics.get("comparisonB").get(6);
    blockTableEquals(page, shown.get("before"), shown.get("after"), shown.get("delta"));
    everyBlockTableEquals(page, metrics.get("layers"));
  }

  private static List<String> everyImageExistsBeside(Document page, Path out) {
    List<String> sources = new ArrayList<>();
    for (Element img : page.select("img")) {
      String src = img.attr("src");
      assertTrue(
          Files.isRegularFile(out.resolve(src)), src + " is referenced but not in the folder");
      assertFalse(img.attr("alt").isBlank(), src + " has no alt text");
      sources.add(src);
    }
    assertFalse(sources.isEmpty());
    return sources;
  }

  private static void nothingExternal(Document page, Path out) {
    for (Element e : page.select("[src], [href]")) {
      String target = e.hasAttr("src") ? e.attr("src") : e.attr("href");
      assertFalse(EXTERNAL.matcher(target).find(), "external reference " + target);
      assertTrue(
          Files.isRegularFile(out.resolve(target)), target + " is linked but not in the folder");
    }
    assertTrue(
        page.select("script, link, iframe, object, embed").isEmpty(),
        "no scripts or linked resources");
    String css = page.select("style").html();
    assertFalse(css.contains("url(") || css.contains("@import"), "the inline CSS loads nothing");
  }

  /**
   * The shown block's table: one row per metric column, values exactly as metrics.json has them.
   */
  private static void blockTableEquals(
      Document page, JsonNode before, JsonNode after, JsonNode delta) {
    List<Element> rows = page.select("#block-metrics tbody tr");
    List<String> keys = new ArrayList<>();
    before
        .fieldNames()
        .forEachRemaining(
            k -> {
              if (!k.equals("block")) {
                keys.add(k);
              }
            });
    assertEquals(keys, rows.stream().map(r -> r.attr("data-key")).toList());
    for (Element row : rows) {
      String key = row.attr("data-key");
      cellEquals(before.get(key), row.selectFirst("td.before"), key + " before");
      cellEquals(after.get(key), row.selectFirst("td.after"), key + " after");
      if (delta.has(key)) {
        cellEquals(delta.get(key), row.selectFirst("td.delta"), key + " delta");
      }
    }
  }

  private static void everyBlockTableEquals(Document page, JsonNode layers) {
    List<Element> rows = page.select("#layer-metrics tbody tr");
    assertEquals(layers.size(), rows.size());
    List<String> header = page.select("#layer-metrics thead th").eachText();
    for (int i = 0; i < rows.size(); i++) {
      JsonNode expected = layers.get(i);
      List<String> names = new ArrayList<>();
      expected.fieldNames().forEachRemaining(names::add);
      assertEquals(names, header, "columns as in metrics.json");
      Iterator<Element> cells = rows.get(i).select("td").iterator();
      for (String name : names) {
        cellEquals(expected.get(name), cells.next(), "block " + (i + 1) + " " + name);
      }
    }
  }

  private static void cellEquals(JsonNode expected, Element cell, String what) {
    if (expected == null || expected.isNull()) {
      assertEquals("true", cell.attr("data-missing"), what + " is missing in the JSON");
      return;
    }
    if (expected.isNumber()) {
      assertEquals(expected.asDouble(), Double.parseDouble(cell.attr("data-value")), 0.0, what);
      Object shown =
          expected.isIntegralNumber() ? (Object) expected.asInt() : (Object) expected.asDouble();
      assertEquals(HtmlReport.display(shown), cell.text(), what + " as shown");
    } else {
      assertEquals(expected.asText(), cell.attr("data-value"), what);
      assertEquals(expected.asText(), cell.text(), what);
    }
  }
}
