package dev.sinkscope.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("cross-machine")
class TicksTest {

  @Test
  void linearTicksUseNiceStepsInsideTheRange() {
    assertEquals(List.of(0.0, 0.2, 0.4, 0.6, 0.8, 1.0), Ticks.linear(0, 1, 6));
    assertEquals(List.of(20.0, 40.0, 60.0, 80.0), Ticks.linear(0.13, 97.2, 6));
    assertEquals(List.of(-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0), Ticks.linear(-3, 3, 7));
    assertEquals(List.of(0.3), Ticks.linear(0.3, 0.3, 5), "a degenerate range has one tick");
    assertEquals(List.of(0.1, 0.15, 0.2), Ticks.linear(0.1, 0.2, 3));
  }

  @Test
  void labelsHaveJustEnoughDecimals() {
    assertEquals(
        List.of("0.0", "0.2", "0.4", "0.6", "0.8", "1.0"),
        Ticks.labels(Ticks.linear(0, 1, 6), Scale.Kind.LINEAR));
    assertEquals(
        List.of("20", "40", "60", "80"),
        Ticks.labels(Ticks.linear(0.13, 97.2, 6), Scale.Kind.LINEAR));
    assertEquals(
        List.of("0.10", "0.15", "0.20"),
        Ticks.labels(Ticks.linear(0.1, 0.2, 3), Scale.Kind.LINEAR));
    assertEquals(
        List.of("0", "2e-5", "4e-5"), Ticks.labels(List.of(0.0, 2e-5, 4e-5), Scale.Kind.LINEAR));
    assertEquals(
        List.of("-0.5", "0.0", "0.5"), Ticks.labels(List.of(-0.5, 0.0, 0.5), Scale.Kind.LINEAR));
  }

  @Test
  void tinyAndOffsetRangesKeepTheirDigits() {
    assertEquals(List.of(0.0, 1e-20, 2e-20, 3e-20, 4e-20), Ticks.linear(0, 4e-20, 5));
    assertEquals(
        List.of("0", "1e-20", "2e-20", "3e-20", "4e-20"),
        Ticks.labels(Ticks.linear(0, 4e-20, 5), Scale.Kind.LINEAR));
    assertEquals(List.of(1000.001, 1000.002, 1000.003), Ticks.linear(1000.0005, 1000.003, 3));
  }

  @Test
  void logTicksAreDecades() {
    assertEquals(List.of(1.0, 10.0, 100.0, 1000.0), Ticks.log(1, 1000, 6));
    assertEquals(
        List.of("1", "10", "100", "1000"), Ticks.labels(Ticks.log(1, 1000, 6), Scale.Kind.LOG));
    assertEquals(
        List.of(1e-4, 1e-2, 1.0), Ticks.log(1e-4, 1, 3), "every second decade when crowded");
    assertEquals(List.of("1e-4", "0.01", "1"), Ticks.labels(Ticks.log(1e-4, 1, 3), Scale.Kind.LOG));
    assertEquals(
        List.of(2.0, 5.0, 10.0), Ticks.log(1.5, 12, 5), "within one decade: 1-2-5 multiples");
  }

  @Test
  void compactNumbersKeepThreeSignificantDigits() {
    assertEquals("3.14", Ticks.compact(Math.PI));
    assertEquals("1230", Ticks.compact(1234.5));
    assertEquals("-0.5", Ticks.compact(-0.5));
    assertEquals("1.23e-4", Ticks.compact(1.234e-4));
    assertEquals("2e6", Ticks.compact(2e6));
    assertEquals("0", Ticks.compact(0));
  }
}
