package dev.sinkscope.inference.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("cross-machine")
class MetricsCsvTest {
  private static LayerMetrics row(int block, double max, Double sinkMass, int count) {
    return new LayerMetrics(
        block,
        1.0,
        2.0,
        max,
        max / 2.0,
        "BIMODAL_SPLIT",
        "ARTIFACTS_FOUND",
        5.0,
        count,
        count / 256.0,
        sinkMass,
        null,
        0.5,
        0,
        "CLS",
        3.0,
        0);
  }

  @Test
  void layerCsvHasOneHeaderAndOneLinePerBlockWithEmptyFieldsForMissingValues() throws Exception {
    StringWriter out = new StringWriter();

    MetricsCsv.writeLayers(out, List.of(row(1, 4.0, 0.25, 2), row(2, 8.0, null, 3)));

    String[] lines = out.toString().split("\n");
    assertEquals(3, lines.length);
    assertEquals(LayerMetrics.COLUMNS.size(), lines[0].split(",", -1).length);
    assertEquals(
        "block,patchNormMin,patchNormMedian,patchNormMax,maxOverMedian",
        String.join(",", Arrays.copyOf(lines[0].split(","), 5)));
    assertEquals(
        "2,1.0,2.0,8.0,4.0,BIMODAL_SPLIT,ARTIFACTS_FOUND,5.0,3,0.01171875,,,0.5,0,CLS,3.0,0",
        lines[2]);
  }

  @Test
  void comparisonHasBeforeAfterAndDeltaColumns() throws Exception {
    LayerComparison c = LayerComparison.of(row(1, 8.0, 0.9, 5), row(1, 3.0, null, 0));
    StringWriter out = new StringWriter();

    MetricsCsv.writeComparison(out, List.of(c));

    List<String> header = Arrays.asList(out.toString().split("\n")[0].split(","));
    List<String> values = Arrays.asList(out.toString().split("\n")[1].split(",", -1));
    assertEquals("8.0", values.get(header.indexOf("patchNormMax_before")));
    assertEquals("3.0", values.get(header.indexOf("patchNormMax_after")));
    assertEquals("-5.0", values.get(header.indexOf("patchNormMax_delta")));
    assertEquals("-5.0", values.get(header.indexOf("artifactCount_delta")));
    assertEquals("", values.get(header.indexOf("sinkMassOnArtifacts_delta")));
    assertEquals(-1, header.indexOf("artifactRule_delta"));
    assertNull(c.delta().get("sinkMassOnArtifacts"));
  }

  @Test
  void textWithCommasOrQuotesIsQuoted() {
    assertEquals(
        "a,\"b,c\",\"say \"\"hi\"\"\",\n",
        MetricsCsv.line(Arrays.asList("a", "b,c", "say \"hi\"", null)));
  }
}
