package dev.sinkscope.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.inference.bench.FlopCount;
import dev.sinkscope.inference.bench.MatmulFloor;
import dev.sinkscope.inference.bench.Timing;
import dev.sinkscope.inference.bench.VitSize;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the bench report states its goals and the floor columns (made-up timings, no clocks). */
class FloorTablesTest {

  @Test
  void goalStatusSaysMetWithTheWorstSizeOrHowFarEachSizeMisses() {
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("ViT-S/14 224", 1.10);
    values.put("ViT-S/14 518", 1.18);
    assertEquals(
        "**met** at every size measured (worst 1.18, ViT-S/14 518)",
        FloorTables.status(new FloorTables.Goal("g", 1.2, values)));
    values.put("ViT-B/14 224", 1.5);
    values.put("ViT-L/14 518", Double.NaN);
    assertEquals(
        "**not met** (1 of 3): ViT-B/14 224 1.50 (25 % over)",
        FloorTables.status(new FloorTables.Goal("g", 1.2, values)));
    assertEquals(
        "not measured",
        FloorTables.status(new FloorTables.Goal("g", 1.2, Map.of("x", Double.NaN))));
  }

  @Test
  void forwardRowShowsMillisecondsGflopsAndTimesTheFloorForEverySide() {
    FlopCount flop = FlopCount.of(VitSize.SMALL, 224);
    List<MatmulFloor.Rate> rates = new ArrayList<>();
    // every product at 1 ms: the floor is the number of products in one pass
    flop.shapes().forEach(shape -> rates.add(new MatmulFloor.Rate(shape, 1.0)));
    MatmulFloor.Floor floor = new MatmulFloor.Floor(flop, rates);
    assertEquals(1 + 6 * 12, floor.floorMs());
    FloorTables.Row row =
        new FloorTables.Row(
            VitSize.SMALL,
            224,
            257,
            floor,
            new Timing(146, 150, 3),
            new Timing(140, 141, 3),
            "full",
            List.of(
                new FloorTables.TorchColumn(
                    "torch 2.13.0+cpu, 2 threads", 2, new Timing(73, 80, 3))),
            null);
    String table = FloorTables.forwardTable(List.of(row));
    String line = table.lines().filter(l -> l.startsWith("| ViT-S/14")).findFirst().orElseThrow();
    double gflopPerMs = flop.gflop() * 1000;
    assertEquals(
        String.format(
            java.util.Locale.ROOT,
            "| ViT-S/14 | 224 | %.1f | 73.0 | 146 / 150 | %.0f | 2.00x | 140 / 141, 1.92x (full) "
                + "| 73.0 / 80.0 | %.0f | 1.00x | 2.00 |",
            flop.gflop(),
            gflopPerMs / 146,
            gflopPerMs / 73),
        line);
    assertTrue(table.contains("torch 2.13.0+cpu, 2 threads, ms | GFLOP/s | x floor"));
    List<FloorTables.Goal> goals = FloorTables.goals(List.of(row));
    assertEquals(
        "**not met** (1 of 1): ViT-S/14 224 1.92 (60 % over)", FloorTables.status(goals.get(0)));
    assertEquals("not measured", FloorTables.status(goals.get(1)));
    assertEquals(
        "**not met** (1 of 1): ViT-S/14 224 2.00 (100 % over)", FloorTables.status(goals.get(3)));
  }
}
