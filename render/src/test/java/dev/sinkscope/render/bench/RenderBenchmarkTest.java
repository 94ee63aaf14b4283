package dev.sinkscope.render.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the benchmark once for correctness of its plumbing; timings are not asserted. */
class RenderBenchmarkTest {

  @Test
  void runsEveryCaseAndPrintsAMarkdownTable() {
    List<RenderBenchmark.Result> results = RenderBenchmark.run(1, 0);
    assertEquals(4, results.size());
    for (RenderBenchmark.Result r : results) {
      assertTrue(r.medianMs() > 0, r.name());
      assertTrue(r.minMs() <= r.medianMs() && r.medianMs() <= r.maxMs(), r.name());
    }
    String table = RenderBenchmark.toMarkdown(results);
    String[] lines = table.split("\n");
    assertEquals(2 + results.size(), lines.length);
    assertTrue(lines[0].startsWith("| case | runs | median ms"));
    assertTrue(lines[2].startsWith("| overlay 37x37 on 1024x1024, nearest | 1 |"), lines[2]);
  }
}
